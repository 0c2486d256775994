// Private: the overload-set helper for std::visit.
// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace ecsim::detail {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// C++20 deduces this by itself; Clang 14 (the fuzzing compiler) still needs the guide.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace ecsim::detail
