// Run statistics: sample histograms and time-weighted levels.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/stats.hpp"

#include <algorithm>
#include <cmath>

namespace ecsim {

void LevelStats::set(SimTime now, std::int64_t value) {
  if (!seen_) {
    min_ = max_ = value;
    seen_ = true;
  }
  integral_ += static_cast<long double>(value_) * static_cast<long double>(to_millis(now) - to_millis(last_));
  last_ = now;
  value_ = value;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

namespace {
constexpr double kLogFloor = 0.001;   // log bins: bin 0 holds [0, 1 ms]
constexpr std::size_t kLogBins = 32768;  // (1 + 0.001)^32767 x 1 ms: beyond 10^11 s
}  // namespace

std::size_t BinnedSamples::bin_of(double v) const {
  if (relative_ > 0) {
    if (!(v > kLogFloor)) return 0;
    const double k = std::floor(std::log(v / kLogFloor) / std::log1p(relative_)) + 1;
    return static_cast<std::size_t>(std::min(k, static_cast<double>(kLogBins - 1)));
  }
  const double k = std::round(std::clamp(v, 0.0, max_value_) / resolution_);
  return static_cast<std::size_t>(k);
}

double BinnedSamples::value_of(std::size_t bin) const {
  if (relative_ > 0) return bin == 0 ? 0.0 : kLogFloor * std::pow(1 + relative_, static_cast<double>(bin) - 0.5);
  return static_cast<double>(bin) * resolution_;
}

constexpr std::size_t kBatch = 512;             // dense mode: buffered samples per set before they are counted
constexpr std::size_t kSparseSamples = 1 << 16;  // samples kept as a list before the bins are allocated

void BinnedSamples::densify() const {
  if (bins_.empty()) bins_.assign(relative_ > 0 ? kLogBins : static_cast<std::size_t>(std::round(max_value_ / resolution_)) + 1, 0);
  for (auto b : pending_) ++bins_[b];
  pending_.clear();
}

void BinnedSamples::add(double v) {
  const bool dense = !bins_.empty();
  if (pending_.capacity() == 0) pending_.reserve(dense ? kBatch : 64);
  const auto bin = static_cast<std::uint32_t>(bin_of(v));
  pending_.push_back(bin);
  if (pending_.size() >= (dense ? kBatch : kSparseSamples)) densify();
  max_ = count_ ? std::max(max_, v) : v;
  ++count_;
  sum_ += v;
}

double BinnedSamples::percentile(double p) const {
  if (count_ == 0) return 0.0;
  const auto rank = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))), 1, count_);
  if (bins_.empty()) {  // sparse: every sample is in pending_, in any order
    const auto nth = pending_.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(pending_.begin(), nth, pending_.end());
    return std::min(value_of(*nth), max_);
  }
  densify();
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < bins_.size(); ++b) {
    seen += bins_[b];
    if (seen >= rank) return std::min(value_of(b), max_);
  }
  return max_;
}

void BinnedSamples::merge(const BinnedSamples& other) {
  if (other.count_ == 0) return;
  if (bins_.empty() && other.bins_.empty() && pending_.size() + other.pending_.size() < kSparseSamples) {
    pending_.insert(pending_.end(), other.pending_.begin(), other.pending_.end());
  } else {
    densify();
    for (auto b : other.pending_) ++bins_[b];
    for (std::size_t b = 0; b < other.bins_.size(); ++b) bins_[b] += other.bins_[b];
  }
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  count_ += other.count_;
  sum_ += other.sum_;
}

double LevelStats::mean(SimTime now) const {
  const auto span = to_millis(now);
  if (span <= 0) return static_cast<double>(value_);
  const long double total = integral_ + static_cast<long double>(value_) * (to_millis(now) - to_millis(last_));
  return static_cast<double>(total / span);
}

}  // namespace ecsim
