// TokenBucket: burst, refill and exact next-token times.
#include "ecsim/core/token_bucket.hpp"

#include <gtest/gtest.h>

namespace ecsim {
namespace {

TEST(TokenBucket, StartsFullAndRefillsAtTheRate) {
  TokenBucket b(/*burst=*/10, /*per_second=*/1);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.try_take(kTimeZero));
  EXPECT_FALSE(b.try_take(kTimeZero));
  EXPECT_EQ(b.next_available(kTimeZero), at_millis(1000));
  EXPECT_FALSE(b.try_take(at_millis(999)));
  EXPECT_TRUE(b.try_take(at_millis(1000)));
  EXPECT_EQ(b.next_available(at_millis(1000)), at_millis(2000));
}

TEST(TokenBucket, NeverHoldsMoreThanBurst) {
  TokenBucket b(3, 20);
  EXPECT_EQ(b.available(at_millis(3'600'000)), 3);
}

TEST(TokenBucket, FractionalRatesStayExactOverAMinute) {
  TokenBucket b(/*burst=*/1, /*per_second=*/500.0 / 60.0);
  int taken = 0;
  SimTime t = kTimeZero;
  while (t <= at_millis(60'000)) {
    if (b.try_take(t)) ++taken;
    t = b.next_available(t);
  }
  EXPECT_EQ(taken, 501);  // the initial token plus 500 refilled in 60 s
}

// The wait for the next token rounds up to whole milliseconds: with 59,999,999 units per ms
// (a token is 60,000,000) one token takes 1.0000000167 ms, so it is there at 2 ms, not at 1.
TEST(TokenBucket, TheNextTokenTimeRoundsUp) {
  TokenBucket b(/*burst=*/1, /*per_second=*/59'999'999 / 60'000.0);
  EXPECT_TRUE(b.try_take(kTimeZero));
  EXPECT_EQ(b.next_available(kTimeZero), at_millis(2));
  EXPECT_FALSE(b.try_take(at_millis(1)));
  EXPECT_TRUE(b.try_take(at_millis(2)));
}

}  // namespace
}  // namespace ecsim
