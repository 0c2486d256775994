// Text formatted only when somebody reads it: a scaling decision's reason, which only the
// event log shows. Formatting it at every decision cost 5 % of a sweep point's run.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>
#include <utility>

namespace ecsim {

class LazyText {
 public:
  LazyText() = default;
  LazyText(std::string text) : text_(std::move(text)) {}  // NOLINT(google-explicit-constructor): a plain text is one
  LazyText(const char* text) : text_(text) {}             // NOLINT(google-explicit-constructor)
  /// Formats on each str() call (make must stay valid while the text is kept).
  static LazyText deferred(std::function<std::string()> make) {
    LazyText t;
    t.make_ = std::move(make);
    return t;
  }
  std::string str() const { return make_ ? make_() : text_; }
  bool empty() const { return !make_ && text_.empty(); }

 private:
  std::string text_;
  std::function<std::string()> make_;
};

}  // namespace ecsim
