// Load sources: constant, diurnal (stepped), and CSV traces streamed row by row.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/load_source.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "overloaded.hpp"

namespace ecsim {

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

CsvTraceReader::CsvTraceReader(const std::string& path, const std::string& time_column, const std::string& value_column)
    : path_(path), in_(path, std::ios::binary) {
  if (!in_) throw std::runtime_error("cannot read trace file " + path);
  std::string line;
  if (!std::getline(in_, line)) throw std::runtime_error("trace file " + path + " is empty");
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 BOM
  header_ = split_csv_line(line);
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == time_column) time_index_ = static_cast<int>(i);
    if (!value_column.empty() && header_[i] == value_column) value_index_ = static_cast<int>(i);
  }
  auto columns = [&] {
    std::string s;
    for (const auto& h : header_) s += (s.empty() ? "" : ", ") + h;
    return s;
  };
  if (time_index_ < 0) throw std::runtime_error("trace " + path + " has no column '" + time_column + "'; columns: " + columns());
  if (!value_column.empty() && value_index_ < 0)
    throw std::runtime_error("trace " + path + " has no column '" + value_column + "'; columns: " + columns());
}

bool CsvTraceReader::next(std::int64_t* unix_ms, double* value) {
  while (std::getline(in_, buf_)) {
    ++line_;
    if (buf_.empty() || buf_ == "\r") continue;
    const auto f = split_csv_line(buf_);
    auto where = [&] { return path_ + ":" + std::to_string(line_); };
    if (static_cast<int>(f.size()) <= std::max(time_index_, value_index_))
      throw std::runtime_error(where() + ": the row has too few columns");
    const std::string& t = f[time_index_];
    if (auto ms = parse_utc_millis(t)) {
      *unix_ms = *ms;
    } else {
      double secs = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), secs);
      if (ec != std::errc{} || p != t.data() + t.size()) throw std::runtime_error(where() + ": '" + t + "' is not a time");
      *unix_ms = std::llround(secs * 1000.0);
    }
    *value = 1.0;
    if (value_index_ >= 0) {
      const std::string& v = f[value_index_];
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), *value);
      if (ec != std::errc{} || p != v.data() + v.size() || !std::isfinite(*value) || *value < 0)
        throw std::runtime_error(where() + ": '" + v + "' is not a non-negative number");
    }
    return true;
  }
  return false;
}

namespace {

class ConstantSource final : public LoadSource {
 public:
  explicit ConstantSource(double r) : r_(r) {}
  double rate() const override { return r_; }
  std::optional<SimTime> next_change() const override { return std::nullopt; }
  void advance(SimTime) override {}

 private:
  double r_;
};

class DiurnalSource final : public LoadSource {
 public:
  explicit DiurnalSource(const DiurnalLoad& d) : d_(d) { advance(kTimeZero); }
  double rate() const override { return rate_; }
  std::optional<SimTime> next_change() const override { return at_ + d_.resolution; }
  void advance(SimTime now) override {
    at_ = now;
    const double x = to_seconds(now + d_.phase) / to_seconds(d_.period);
    rate_ = std::max(0.0, d_.mean_requests_per_second * (1.0 + d_.amplitude * std::sin(2.0 * std::numbers::pi * x)));
  }

 private:
  DiurnalLoad d_;
  SimTime at_{};
  double rate_ = 0;
};

// Rows hold a count per `per` until the next row; after the last row the rate holds for one
// more step (the trace's own resolution), then drops to zero.
class ValueTraceSource final : public LoadSource {
 public:
  ValueTraceSource(const TraceLoad& t, std::int64_t start_ms)
      : reader_(t.path, t.time_column, t.value_column), start_ms_(start_ms),
        factor_(t.scale / to_seconds(t.per)) {
    // Find the row in force at t=0 (the last one at or before start) and the one after it.
    std::int64_t ms;
    double v;
    bool have_current = false;
    while (reader_.next(&ms, &v)) {
      check_order(ms);
      if (ms <= start_ms_) {
        have_current = true;
        rate_ = v * factor_;
        step_ = prev_ms_ >= 0 && ms > prev_ms_ ? ms - prev_ms_ : step_;
        prev_ms_ = ms;
        continue;
      }
      next_ms_ = ms;
      next_rate_ = v * factor_;
      return;
    }
    eof_ = true;
    if (have_current) next_ms_ = prev_ms_ + std::max<std::int64_t>(step_, 1);  // last row held one step
  }
  double rate() const override { return rate_; }
  std::optional<SimTime> next_change() const override {
    if (next_ms_ < 0) return std::nullopt;
    return at_millis(next_ms_ - start_ms_);
  }
  void advance(SimTime) override {
    if (eof_) {  // the held last row ends
      rate_ = 0;
      next_ms_ = -1;
      return;
    }
    step_ = prev_ms_ >= 0 ? next_ms_ - prev_ms_ : step_;
    prev_ms_ = next_ms_;
    rate_ = next_rate_;
    std::int64_t ms;
    double v;
    while (reader_.next(&ms, &v)) {
      check_order(ms);
      if (ms == prev_ms_) {  // duplicate time: the later row wins
        rate_ = v * factor_;
        continue;
      }
      next_ms_ = ms;
      next_rate_ = v * factor_;
      return;
    }
    eof_ = true;
    next_ms_ = prev_ms_ + std::max<std::int64_t>(step_, 1);
  }

 private:
  void check_order(std::int64_t ms) {
    if (ms < last_read_ms_)
      throw std::runtime_error(reader_.where() + ": this row is earlier than the one before; a load trace must be in time order");
    last_read_ms_ = ms;
  }
  CsvTraceReader reader_;
  std::int64_t start_ms_;
  double factor_;
  double rate_ = 0, next_rate_ = 0;
  std::int64_t prev_ms_ = -1, next_ms_ = -1, step_ = 60'000, last_read_ms_ = INT64_MIN;
  bool eof_ = false;
};

// One request per row, counted in bins of `per` aligned at t=0.
class CountTraceSource final : public LoadSource {
 public:
  CountTraceSource(const TraceLoad& t, std::int64_t start_ms)
      : reader_(t.path, t.time_column, ""), start_ms_(start_ms), bin_ms_(t.per.count()), factor_(t.scale / to_seconds(t.per)) {
    read_ahead();
    while (has_row_ && row_ms_ < start_ms_) read_ahead();  // rows before t=0 are not replayed
    fill(0);
  }
  double rate() const override { return rate_; }
  std::optional<SimTime> next_change() const override {
    if (!has_row_ && rate_ == 0) return std::nullopt;
    return at_millis((bin_ + 1) * bin_ms_);
  }
  void advance(SimTime now) override { fill(to_millis(now) / bin_ms_); }

 private:
  void read_ahead() {
    double v;
    std::int64_t prev = row_ms_;
    has_row_ = reader_.next(&row_ms_, &v);
    if (has_row_ && row_ms_ < prev)
      throw std::runtime_error(reader_.where() + ": this row is earlier than the one before; a load trace must be in time order");
  }
  void fill(std::int64_t bin) {
    bin_ = bin;
    const std::int64_t end = start_ms_ + (bin + 1) * bin_ms_;
    std::int64_t count = 0;
    while (has_row_ && row_ms_ < end) {
      ++count;
      read_ahead();
    }
    rate_ = static_cast<double>(count) * factor_;
  }
  CsvTraceReader reader_;
  std::int64_t start_ms_, bin_ms_;
  double factor_;
  std::int64_t bin_ = 0, row_ms_ = INT64_MIN;
  bool has_row_ = false;
  double rate_ = 0;
};

using detail::Overloaded;

}  // namespace

std::unique_ptr<LoadSource> make_load_source(const LoadConfig& load, std::int64_t start_unix_seconds) {
  const std::int64_t start_ms = start_unix_seconds * 1000;
  return std::visit(
      Overloaded{[](const std::monostate&) -> std::unique_ptr<LoadSource> { return std::make_unique<ConstantSource>(0.0); },
                 [](const ConstantLoad& c) -> std::unique_ptr<LoadSource> {
                   return std::make_unique<ConstantSource>(c.requests_per_second);
                 },
                 [](const DiurnalLoad& d) -> std::unique_ptr<LoadSource> { return std::make_unique<DiurnalSource>(d); },
                 [&](const TraceLoad& t) -> std::unique_ptr<LoadSource> {
                   if (t.value_column.empty()) return std::make_unique<CountTraceSource>(t, start_ms);
                   return std::make_unique<ValueTraceSource>(t, start_ms);
                 }},
      load);
}

std::vector<HourlyDemand> demand_history(const LoadConfig& load, std::int64_t start_unix, std::int64_t from_unix) {
  std::vector<HourlyDemand> out;
  if (from_unix >= start_unix || std::holds_alternative<std::monostate>(load)) return out;
  std::int64_t data_from_ms = from_unix * 1000;
  LoadConfig shifted = load;
  if (auto* d = std::get_if<DiurnalLoad>(&shifted)) d->phase -= std::chrono::seconds(start_unix - from_unix);
  if (const auto* t = std::get_if<TraceLoad>(&load)) {
    CsvTraceReader first(t->path, t->time_column, t->value_column);
    std::int64_t ms = 0;
    double v = 0;
    if (!first.next(&ms, &v)) return out;
    data_from_ms = std::max(data_from_ms, ms);
  }
  auto source = make_load_source(shifted, from_unix);
  const std::int64_t end_ms = (start_unix - from_unix) * 1000;  // t relative to `from`
  std::int64_t at = 0;
  auto integrate = [&](std::int64_t a, std::int64_t b, double rps) {
    a = std::max(a, data_from_ms - from_unix * 1000);
    for_each_utc_hour(from_unix * 1000 + a, from_unix * 1000 + b, [&](std::int64_t hour, std::int64_t ms) {
      if (out.empty() || out.back().hour_unix != hour * 3600) out.push_back(HourlyDemand{hour * 3600, 0, 0});
      const double secs = static_cast<double>(ms) / 1000.0;
      auto& h = out.back();
      h.mean_rps = (h.mean_rps * h.covered_seconds + rps * secs) / (h.covered_seconds + secs);
      h.covered_seconds += secs;
    });
  };
  while (at < end_ms) {
    const double rps = source->rate();
    const auto next = source->next_change();
    const std::int64_t until = next ? std::min(end_ms, to_millis(*next)) : end_ms;
    integrate(at, until, rps);
    if (!next || to_millis(*next) >= end_ms) break;
    at = to_millis(*next);
    source->advance(*next);
  }
  return out;
}

std::vector<BatchArrival> read_batch_trace(const TraceArrivals& tr, std::int64_t start_unix_seconds) {
  std::ifstream in(tr.path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read trace file " + tr.path);
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error("trace file " + tr.path + " is empty");
  if (line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  const auto header = split_csv_line(line);
  auto column = [&](const std::string& name) -> int {
    if (name.empty()) return -1;
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    std::string cols;
    for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + h;
    throw std::runtime_error("trace " + tr.path + " has no column '" + name + "'; columns: " + cols);
  };
  const int ti = column(tr.time_column), ci = column(tr.count_column), ei = column(tr.end_column),
            di = column(tr.duration_column), wi = column(tr.where_column);
  const int need = std::max({ti, ci, ei, di, wi});
  struct Row {
    bool iso;
    double time;  // seconds (numeric, in time units applied) or unix seconds (ISO)
    double count;
    double work_s;
  };
  std::vector<Row> rows;
  std::int64_t line_no = 1;
  auto number = [&](const std::string& text, const char* what) {
    double v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size() || !std::isfinite(v))
      throw std::runtime_error(tr.path + ":" + std::to_string(line_no) + ": " + what + " '" + text + "' is not a finite number");
    return v;
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto f = split_csv_line(line);
    if (static_cast<int>(f.size()) <= need) throw std::runtime_error(tr.path + ":" + std::to_string(line_no) + ": the row has too few columns");
    if (wi >= 0 && f[wi] != tr.where_value) continue;
    Row r{};
    double end = 0;
    if (auto ms = parse_utc_millis(f[ti])) {
      r.iso = true;
      r.time = static_cast<double>(*ms) / 1000.0;
      if (ei >= 0) {
        auto e = parse_utc_millis(f[ei]);
        end = e ? static_cast<double>(*e) / 1000.0 : number(f[ei], "end time") * tr.time_unit_seconds;
      }
    } else {
      r.time = number(f[ti], "time") * tr.time_unit_seconds;
      if (ei >= 0) end = number(f[ei], "end time") * tr.time_unit_seconds;
    }
    r.count = ci >= 0 ? number(f[ci], "count") : 1.0;
    if (ei >= 0) r.work_s = end - r.time;
    else if (di >= 0) r.work_s = number(f[di], "duration") * tr.time_unit_seconds;
    if (r.count <= 0) continue;
    if (r.count > 1e9) throw std::runtime_error(tr.path + ":" + std::to_string(line_no) + ": count " + std::to_string(r.count) + " is implausibly large");
    r.work_s = std::max(0.0, r.work_s);  // a few public rows end before they start
    rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.time < b.time; });
  std::vector<BatchArrival> out;
  out.reserve(rows.size());
  double carried = 0.0;
  const double origin = rows.empty() ? 0.0 : rows.front().time;
  for (const auto& r : rows) {
    const double before = carried;
    carried += r.count * tr.scale;
    const auto n = static_cast<std::int64_t>(std::floor(carried + 1e-9)) - static_cast<std::int64_t>(std::floor(before + 1e-9));
    if (n <= 0) continue;
    const double at_s = r.iso ? r.time - static_cast<double>(start_unix_seconds) : r.time - origin;
    if (at_s < 0) continue;  // before the scenario starts
    out.push_back({SimTime{seconds(at_s)}, static_cast<int>(std::min<std::int64_t>(n, 1'000'000)), seconds(r.work_s)});
  }
  return out;
}

}  // namespace ecsim
