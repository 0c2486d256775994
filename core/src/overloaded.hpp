// Private: the overload-set helper for std::visit.
// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace ecsim::detail {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace ecsim::detail
