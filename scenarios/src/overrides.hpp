// Private: --set PATH=VALUE overrides on the YAML tree.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "yaml_reader.hpp"

namespace ecsim::scenarios::detail {

/// Applies each "PATH=VALUE" to the tree. PATH uses dots for keys and [i] or [name] for list
/// items (a name matches the item's name field: serviceName, clusterName, family, ...).
/// Missing keys are created. Problems are reported to ctx.
void apply_overrides(Ctx& ctx, YAML::Node& root, const std::vector<std::string>& overrides);

/// The item a [selector] picks in a list, as apply_overrides picks it: digits are an index,
/// anything else the first item whose name field has that value. Collects the names seen.
std::optional<std::size_t> find_item(const YAML::Node& list, const std::string& selector,
                                     std::vector<std::string>* names = nullptr);

/// "LIST[SEL].PATH=VALUE" split into SEL and "PATH=VALUE", PATH relative to the item; nothing
/// when the expression is not of that form or PATH starts at one of the item's name fields.
struct ItemOverride {
  std::string selector, expression;
};
std::optional<ItemOverride> item_override(const std::string& expr, const std::string& list);

}  // namespace ecsim::scenarios::detail
