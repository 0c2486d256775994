// at(...), rate(...) and cron(...) schedule expressions (UTC).
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scaling/schedule.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <vector>

#include "ecsim/core/time.hpp"

namespace ecsim::scaling {

namespace {

constexpr const char* kForms =
    "expected at(yyyy-mm-ddThh:mm:ss), rate(N minute|minutes|hour|hours|day|days) or "
    "cron(minutes hours day-of-month month day-of-week year)";

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::optional<int> number(std::string_view s, const std::vector<std::string>& names, int name_base) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc{} && p == s.data() + s.size()) return v;
  std::string up(s);
  std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == up) return static_cast<int>(i) + name_base;
  return std::nullopt;
}

// Parses one cron field ("*", "5", "1-5", "*/15", "0/10", "MON-FRI", "1,15") into `set`.
// Values are stored at bit (value - lo) for the year field (offset = lo) and at bit value otherwise.
template <std::size_t N>
bool parse_field(const std::string& text, int lo, int hi, const std::vector<std::string>& names, int name_base,
                 std::bitset<N>* set, std::string* error, const char* what, int offset = 0) {
  for (const auto& part : split(text, ',')) {
    std::string range = part;
    int step = 1;
    if (auto slash = part.find('/'); slash != std::string::npos) {
      range = part.substr(0, slash);
      auto st = number(std::string_view(part).substr(slash + 1), {}, 0);
      if (!st || *st < 1) {
        *error = std::string("bad step in the ") + what + " field '" + part + "'";
        return false;
      }
      step = *st;
    }
    int a = lo, b = hi;
    if (range != "*") {
      const auto dash = range.find('-');
      auto first = number(std::string_view(range).substr(0, dash), names, name_base);
      if (!first) {
        *error = std::string("'") + range + "' is not valid in the " + what + " field (" + std::to_string(lo) + "-" +
                 std::to_string(hi) + (names.empty() ? "" : " or names") + ")";
        return false;
      }
      a = *first;
      b = part.find('/') != std::string::npos && dash == std::string::npos ? hi : a;
      if (dash != std::string::npos) {
        auto second = number(std::string_view(range).substr(dash + 1), names, name_base);
        if (!second) {
          *error = std::string("'") + range + "' is not a valid range in the " + what + " field";
          return false;
        }
        b = *second;
      }
    }
    if (a < lo || b > hi || a > b) {
      *error = std::string("'") + part + "' is outside " + std::to_string(lo) + "-" + std::to_string(hi) + " in the " + what + " field";
      return false;
    }
    for (int v = a; v <= b; v += step) set->set(static_cast<std::size_t>(v - offset));
  }
  return true;
}

}  // namespace

std::optional<Schedule> Schedule::parse(std::string_view text, std::string* error) {
  Schedule s;
  auto body = [&](std::string_view prefix) -> std::optional<std::string> {
    if (text.size() > prefix.size() + 1 && text.substr(0, prefix.size()) == prefix && text.back() == ')')
      return std::string(text.substr(prefix.size(), text.size() - prefix.size() - 1));
    return std::nullopt;
  };
  if (auto b = body("at(")) {
    auto ms = parse_utc_millis(*b);
    if (!ms || b->size() != 19) {
      *error = "'" + std::string(text) + "' is not valid; at() takes yyyy-mm-ddThh:mm:ss (UTC)";
      return std::nullopt;
    }
    s.kind_ = Kind::kAt;
    s.at_ = *ms / 1000;
    return s;
  }
  if (auto b = body("rate(")) {
    std::istringstream in(*b);
    long long n = 0;
    std::string unit, extra;
    in >> n >> unit >> extra;
    long long unit_s = 0;
    if (unit == "minute" || unit == "minutes") unit_s = 60;
    else if (unit == "hour" || unit == "hours") unit_s = 3600;
    else if (unit == "day" || unit == "days") unit_s = 86400;
    if (n < 1 || unit_s == 0 || !extra.empty()) {
      *error = "'" + std::string(text) + "' is not valid; rate() takes a positive number and minute(s), hour(s) or day(s)";
      return std::nullopt;
    }
    s.kind_ = Kind::kRate;
    s.rate_ = n * unit_s;
    return s;
  }
  if (auto b = body("cron(")) {
    std::istringstream in(*b);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    if (f.size() != 6) {
      *error = "cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got " + std::to_string(f.size());
      return std::nullopt;
    }
    s.kind_ = Kind::kCron;
    static const std::vector<std::string> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                     "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    static const std::vector<std::string> kDays = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    if (!parse_field(f[0], 0, 59, {}, 0, &s.minutes_, error, "minutes")) return std::nullopt;
    if (!parse_field(f[1], 0, 23, {}, 0, &s.hours_, error, "hours")) return std::nullopt;
    s.any_day_of_month_ = f[2] == "?";
    s.any_day_of_week_ = f[4] == "?";
    if (s.any_day_of_month_ == s.any_day_of_week_) {
      *error = "cron(): exactly one of day-of-month and day-of-week must be '?'";
      return std::nullopt;
    }
    if (!s.any_day_of_month_ && !parse_field(f[2], 1, 31, {}, 0, &s.days_of_month_, error, "day-of-month")) return std::nullopt;
    if (!parse_field(f[3], 1, 12, kMonths, 1, &s.months_, error, "month")) return std::nullopt;
    if (!s.any_day_of_week_ && !parse_field(f[4], 1, 7, kDays, 1, &s.days_of_week_, error, "day-of-week")) return std::nullopt;
    if (!parse_field(f[5], 1970, 2199, {}, 0, &s.years_, error, "year", /*offset=*/1970)) return std::nullopt;
    return s;
  }
  *error = "'" + std::string(text) + "' is not a schedule; " + kForms;
  return std::nullopt;
}

std::optional<std::int64_t> Schedule::next_after(std::int64_t after, std::int64_t anchor) const {
  switch (kind_) {
    case Kind::kAt:
      return at_ > after ? std::optional<std::int64_t>(at_) : std::nullopt;
    case Kind::kRate: {
      if (after < anchor) return anchor + rate_;
      const std::int64_t k = (after - anchor) / rate_ + 1;
      return anchor + k * rate_;
    }
    case Kind::kCron: break;
  }
  // Cron: walk forward by day, then hour, then minute. Bounded by the year field's range.
  std::int64_t t = (after / 60 + 1) * 60;  // next whole minute
  for (int guard = 0; guard < 366 * 240; ++guard) {
    const std::int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    const CivilDate c = civil_from_days(day);
    const int dow = static_cast<int>(((day % 7) + 7 + 4) % 7) + 1;  // 1970-01-01 was a Thursday; 1 = SUN
    if (c.year > 2199) return std::nullopt;
    const bool date_ok = c.year >= 1970 && years_.test(static_cast<std::size_t>(c.year - 1970)) &&
                         months_.test(static_cast<std::size_t>(c.month)) &&
                         (any_day_of_month_ || days_of_month_.test(static_cast<std::size_t>(c.day))) &&
                         (any_day_of_week_ || days_of_week_.test(static_cast<std::size_t>(dow)));
    if (date_ok) {
      std::int64_t sec_of_day = t - day * 86400;
      for (int h = static_cast<int>(sec_of_day / 3600); h < 24; ++h) {
        if (!hours_.test(static_cast<std::size_t>(h))) continue;
        const int m0 = h == sec_of_day / 3600 ? static_cast<int>((sec_of_day % 3600) / 60) : 0;
        for (int m = m0; m < 60; ++m)
          if (minutes_.test(static_cast<std::size_t>(m))) return day * 86400 + h * 3600 + m * 60;
      }
    }
    t = (day + 1) * 86400;
  }
  return std::nullopt;
}

}  // namespace ecsim::scaling
