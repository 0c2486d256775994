// Stream derivation and distributions, written out so every platform draws the same numbers.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/rng.hpp"

#include <cmath>
#include <numbers>

namespace ecsim {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t derive_stream_seed(std::uint64_t seed, std::uint64_t replication, std::string_view name) {
  // FNV-1a of the name, then mixed with seed and replication through SplitMix64.
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return splitmix64(splitmix64(splitmix64(seed) ^ replication) ^ h);
}

double Rng::uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::uniform_open0() { return (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53; }

std::uint64_t Rng::uniform_index(std::uint64_t n) {
  // Rejection sampling on the top of the range removes modulo bias.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x;
  do {
    x = engine_();
  } while (x >= limit);
  return x % n;
}

double Rng::exponential(double mean) { return -mean * std::log(uniform_open0()); }

double Rng::standard_normal() {
  const double u1 = uniform_open0();
  const double u2 = uniform01();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Rng::lognormal_mean_cv(double mean, double cv) {
  if (cv <= 0.0) return mean;
  const double sigma2 = std::log1p(cv * cv);
  const double mu = std::log(mean) - 0.5 * sigma2;
  return std::exp(mu + std::sqrt(sigma2) * standard_normal());
}

}  // namespace ecsim
