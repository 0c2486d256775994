// CloudWatch-style M-of-N alarm evaluation.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/metric_alarm.hpp"

#include <algorithm>
#include <numeric>

namespace ecsim {

std::optional<double> metric_value(const MetricDatapoint& d, MetricType metric) {
  switch (metric) {
    case MetricType::kCpuUtilization: return d.cpu_percent;
    case MetricType::kMemoryUtilization: return d.memory_percent;
    case MetricType::kAlbRequestCountPerTarget: return d.requests_per_target;
    case MetricType::kRequestCount: return d.requests;
    case MetricType::kTargetErrors: return d.failed_requests;
    case MetricType::kUnserved: return d.unserved_requests;
  }
  return std::nullopt;
}

bool MetricAlarm::breaches(double v) const {
  switch (config_.comparison) {
    case Comparison::kGreaterThan: return v > config_.threshold;
    case Comparison::kGreaterThanOrEqual: return v >= config_.threshold;
    case Comparison::kLessThan: return v < config_.threshold;
    case Comparison::kLessThanOrEqual: return v <= config_.threshold;
  }
  return false;
}

bool MetricAlarm::add(const MetricDatapoint& d) {
  if (auto v = metric_value(d, config_.metric)) partial_.push_back(*v);
  // A period closes with the datapoint that ends on a whole multiple of it (aligned to t=0).
  const std::int64_t end_ms = to_millis(d.start + d.period);
  if (end_ms % config_.period.count() != 0) return false;
  std::optional<double> stat;
  if (!partial_.empty()) {
    const double sum = std::accumulate(partial_.begin(), partial_.end(), 0.0);
    switch (config_.statistic) {
      case Statistic::kAverage: stat = sum / static_cast<double>(partial_.size()); break;
      case Statistic::kSum: stat = sum; break;
      case Statistic::kMaximum: stat = *std::max_element(partial_.begin(), partial_.end()); break;
      case Statistic::kMinimum: stat = *std::min_element(partial_.begin(), partial_.end()); break;
      case Statistic::kSampleCount: stat = static_cast<double>(partial_.size()); break;
    }
  }
  partial_.clear();
  const bool breaching = stat && breaches(*stat);
  last_ = count_ == 0 ? 0 : (last_ + 1) % ring_.size();
  if (count_ == ring_.size()) breaching_ -= ring_[last_].breaching ? 1 : 0;  // the oldest goes
  else ++count_;
  ring_[last_] = {stat, breaching};
  breaching_ += breaching ? 1 : 0;
  in_alarm_ = breaching_ >= config_.datapoints_to_alarm;
  return true;
}

void MetricAlarm::reset() {
  partial_.clear();
  count_ = 0;
  last_ = 0;
  breaching_ = 0;
  in_alarm_ = false;
}

}  // namespace ecsim
