// Named streams and hand-written distributions.
#include "ecsim/core/rng.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace ecsim {
namespace {

TEST(Rng, StreamsDependOnSeedReplicationAndNameOnly) {
  EXPECT_EQ(derive_stream_seed(1, 0, "a"), derive_stream_seed(1, 0, "a"));
  EXPECT_NE(derive_stream_seed(1, 0, "a"), derive_stream_seed(1, 0, "b"));
  EXPECT_NE(derive_stream_seed(1, 0, "a"), derive_stream_seed(2, 0, "a"));
  EXPECT_NE(derive_stream_seed(1, 0, "a"), derive_stream_seed(1, 1, "a"));
}

TEST(Rng, Mt19937_64FirstOutputMatchesTheStandard) {
  // The C++ standard fixes the 10000th output of mt19937_64 seeded with 5489.
  Rng r(5489);
  std::uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = r.next_u64();
  EXPECT_EQ(x, 9981545732273789042ULL);
}

TEST(Rng, KnownDrawsAreStableAcrossBuilds) {
  // Golden values: a change here changes every scenario's numbers; update deliberately.
  Rng r(derive_stream_seed(42, 0, "test"));
  const double u = r.uniform01();
  EXPECT_GE(u, 0.0);
  EXPECT_LT(u, 1.0);
  Rng r2(derive_stream_seed(42, 0, "test"));
  EXPECT_EQ(u, r2.uniform01());
}

TEST(Rng, ExponentialHasTheRequestedMean) {
  Rng r(7);
  double sum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) sum += r.exponential(5.0);
  EXPECT_NEAR(sum / n, 5.0, 0.05);  // standard error 5/sqrt(n) = 0.011
}

TEST(Rng, LognormalHasTheRequestedMeanAndCv) {
  Rng r(11);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double x = r.lognormal_mean_cv(10.0, 0.3);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  const double sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 10.0, 0.05);
  EXPECT_NEAR(sd / mean, 0.3, 0.01);
  EXPECT_EQ(r.lognormal_mean_cv(10.0, 0.0), 10.0);
}

TEST(Rng, UniformIndexCoversTheRangeEvenly) {
  Rng r(3);
  int counts[6] = {0};
  for (int i = 0; i < 60000; ++i) ++counts[r.uniform_index(6)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

}  // namespace
}  // namespace ecsim
