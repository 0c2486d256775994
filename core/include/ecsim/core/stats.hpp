// Run statistics in fixed memory: sample histograms and time-weighted levels.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <vector>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// Sample statistics in fixed memory: a histogram, so memory does not grow with the run's
/// length. Linear bins of `resolution` up to `max_value` (values above share the last bin),
/// or, with `relative` > 0, logarithmic bins that keep every value to within that relative
/// error (from 1 ms up). Percentiles are nearest-rank on the bins; count, mean and max are
/// exact. Bins are allocated on the first sample.
class BinnedSamples {
 public:
  /// Linear: resolution and the largest value kept apart.
  BinnedSamples(double resolution, double max_value) : resolution_(resolution), max_value_(max_value) {}
  /// Logarithmic, for values spanning many magnitudes (waits).
  static BinnedSamples logarithmic(double relative) {
    BinnedSamples b(0, 0);
    b.relative_ = relative;
    return b;
  }
  void add(double v);
  std::uint64_t count() const { return count_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }
  double max() const { return count_ ? max_ : 0.0; }
  /// Nearest-rank percentile (0 < p <= 100); 0 when empty.
  double percentile(double p) const;
  /// Adds another sample set's counts (same binning).
  void merge(const BinnedSamples& other);

 private:
  std::size_t bin_of(double v) const;
  double value_of(std::size_t bin) const;
  /// Counts the buffered samples into the bins (allocating them on first use).
  void densify() const;
  double resolution_ = 0, max_value_ = 0, relative_ = 0;
  // Samples are kept as bin numbers. Up to kSparseSamples of them stay a plain list, and a
  // percentile selects its rank from it (nth_element): a day of 1-minute CPU datapoints is
  // 1,440 numbers, where dense bins are 10,001 or 32,768 counters to zero and scan at each
  // summary. Past that, the bins are allocated and samples are counted in batches: the bins
  // of hundreds of sample sets do not fit in cache together, and one batch touches one set's
  // bins while they are there. Either way a percentile is the bin of the same rank, so the
  // answers are identical.
  mutable std::vector<std::uint32_t> bins_;
  mutable std::vector<std::uint32_t> pending_;
  std::uint64_t count_ = 0;
  double sum_ = 0.0, max_ = 0.0;
};

/// Time-weighted statistics of an integer level (desired count, running count, ...).
class LevelStats {
 public:
  void set(SimTime now, std::int64_t value);
  std::int64_t value() const { return value_; }
  std::int64_t min() const { return min_; }
  std::int64_t max() const { return max_; }
  /// Time-weighted mean over [0, now].
  double mean(SimTime now) const;

 private:
  std::int64_t value_ = 0, min_ = 0, max_ = 0;
  bool seen_ = false;
  SimTime last_ = kTimeZero;
  long double integral_ = 0;  // value * ms
};

}  // namespace ecsim
