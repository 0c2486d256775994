// Named random streams and the hand-written distributions the model uses.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "ecsim/core/time.hpp"

namespace ecsim {

/// SplitMix64 finaliser: a bijective 64-bit mix.
std::uint64_t splitmix64(std::uint64_t x);

/// Seed of the stream `name` for (seed, replication): independent of how many other
/// streams exist or in which order they were created.
std::uint64_t derive_stream_seed(std::uint64_t seed, std::uint64_t replication, std::string_view name);

/// A random stream. The engine (mt19937_64) is fully specified by the C++ standard; the
/// distributions are written here because std:: distributions differ between libraries.
class Rng {
 public:
  explicit Rng(std::uint64_t stream_seed) : engine_(stream_seed) {}

  /// Raw 64 random bits.
  std::uint64_t next_u64() { return engine_(); }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform01();
  /// Uniform in (0, 1]: safe for log().
  double uniform_open0();
  /// Uniform integer in [0, n) without modulo bias; n > 0.
  std::uint64_t uniform_index(std::uint64_t n);
  /// Exponential with the given mean (> 0).
  double exponential(double mean);
  /// Standard normal (Box-Muller, no cached second value so the stream stays simple).
  double standard_normal();
  /// Lognormal with the given mean and coefficient of variation (cv >= 0; cv == 0 gives mean).
  double lognormal_mean_cv(double mean, double cv);
  /// Bernoulli trial with probability p.
  bool bernoulli(double p) { return uniform01() < p; }

 private:
  std::mt19937_64 engine_;
};

/// A duration with lognormal jitter of coefficient of variation `cv` around it (0: exact).
inline SimDuration jittered(SimDuration d, Rng& rng, double cv) {
  if (cv <= 0.0 || d <= SimDuration{0}) return d;
  return seconds(rng.lognormal_mean_cv(to_seconds(d), cv));
}

/// The named streams of one run: each mechanism asks for its own by name, so adding a stream
/// or drawing more from one never shifts another.
class RngStreams {
 public:
  RngStreams(std::uint64_t seed, std::uint64_t replication) : seed_(seed), replication_(replication) {}
  Rng stream(std::string_view name) const { return Rng(derive_stream_seed(seed_, replication_, name)); }

 private:
  std::uint64_t seed_, replication_;
};

}  // namespace ecsim
