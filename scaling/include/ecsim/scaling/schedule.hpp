// Schedule expressions of Application Auto Scaling scheduled actions: at(...), rate(...),
// cron(...), evaluated in UTC.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ecsim::scaling {

class Schedule {
 public:
  /// Parses an expression; on failure returns nullopt and sets *error to a message that
  /// shows the valid forms.
  static std::optional<Schedule> parse(std::string_view text, std::string* error);

  /// The first fire time strictly after `after` (Unix seconds), or nullopt if none.
  /// `anchor` is where rate() schedules count from (the action's StartTime or t=0).
  std::optional<std::int64_t> next_after(std::int64_t after, std::int64_t anchor) const;

 private:
  enum class Kind { kAt, kRate, kCron };
  Kind kind_ = Kind::kAt;
  std::int64_t at_ = 0;    // at: Unix seconds
  std::int64_t rate_ = 0;  // rate: seconds
  // cron fields
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<8> days_of_week_;    // 1..7 = SUN..SAT
  bool any_day_of_month_ = false, any_day_of_week_ = false;
  std::bitset<230> years_;  // year - 1970
};

}  // namespace ecsim::scaling
