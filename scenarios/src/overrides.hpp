// Private: --set PATH=VALUE overrides on the YAML tree.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "yaml_reader.hpp"

namespace ecsim::scenarios::detail {

/// Applies each "PATH=VALUE" to the tree. PATH uses dots for keys and [i] or [name] for list
/// items (a name matches the item's name field: serviceName, clusterName, family, ...).
/// Missing keys are created. Problems are reported to ctx.
void apply_overrides(Ctx& ctx, YAML::Node& root, const std::vector<std::string>& overrides);

}  // namespace ecsim::scenarios::detail
