// Capacity arithmetic of the scaling policies.
#include "ecsim/scaling/scaling_policy.hpp"

#include <gtest/gtest.h>

namespace ecsim::scaling {
namespace {

TEST(ProportionalCapacity, RoundsUpTheRatio) {
  EXPECT_EQ(proportional_capacity(10, 77, 70), 11);
  EXPECT_EQ(proportional_capacity(10, 70, 70), 10);
  EXPECT_EQ(proportional_capacity(3, 100, 70), 5);   // ceil(4.2857)
  EXPECT_EQ(proportional_capacity(9, 100, 70), 13);  // 900 rps at 100/task: ceil(900/70)
  EXPECT_EQ(proportional_capacity(10, 35, 70), 5);
}

TEST(ProportionalCapacity, ExactRatiosDoNotRoundUpThroughFloatingPointNoise) {
  EXPECT_EQ(proportional_capacity(3, 0.7 * 100, 70), 3);
  EXPECT_EQ(proportional_capacity(10, 0.1 + 0.2, 0.3), 10);
}

TEST(ClampCapacity, KeepsWithinBounds) {
  EXPECT_EQ(clamp_capacity(0, 2, 50), 2);
  EXPECT_EQ(clamp_capacity(80, 2, 50), 50);
  EXPECT_EQ(clamp_capacity(7, 2, 50), 7);
}

}  // namespace
}  // namespace ecsim::scaling
