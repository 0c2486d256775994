// FargatePlacer: capacity provider strategy (base, weight) and AZ spread.
#include "ecsim/placement/fargate_placer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace ecsim::placement {
namespace {

std::vector<int> distribute(const std::vector<StrategyItem>& strategy, int tasks) {
  FargatePlacer p;
  std::vector<int> counts(strategy.size(), 0);
  for (int i = 0; i < tasks; ++i) ++counts[p.choose_provider(strategy, counts)];
  return counts;
}

TEST(FargatePlacer, BaseIsFilledFirst) {
  EXPECT_EQ(distribute({{0, 2, 1}, {1, 0, 1}}, 2), (std::vector<int>{2, 0}));
}

TEST(FargatePlacer, WeightsSplitTheRestInProportion) {
  EXPECT_EQ(distribute({{0, 1, 1}, {1, 0, 3}}, 9), (std::vector<int>{3, 6}));
  EXPECT_EQ(distribute({{0, 0, 1}, {1, 0, 4}}, 100), (std::vector<int>{20, 80}));
  EXPECT_EQ(distribute({{0, 0, 2}, {1, 0, 3}}, 5), (std::vector<int>{2, 3}));
}

TEST(FargatePlacer, WeightZeroGetsNothingBeyondItsBase) {
  EXPECT_EQ(distribute({{0, 3, 0}, {1, 0, 1}}, 10), (std::vector<int>{3, 7}));
}

TEST(FargatePlacer, TiesGoToTheEarlierItem) {
  EXPECT_EQ(distribute({{0, 0, 1}, {1, 0, 1}}, 1), (std::vector<int>{1, 0}));
}

TEST(FargatePlacer, ShrinkTakesFromTheMostOverServedAndKeepsBase) {
  FargatePlacer p;
  const std::vector<StrategyItem> s = {{0, 1, 1}, {1, 0, 3}};
  std::vector<int> counts = {3, 6};
  // Removing tasks one by one keeps the 1:3 split above base and base itself to the last.
  std::vector<std::size_t> order;
  for (int i = 0; i < 9; ++i) {
    const auto k = p.choose_provider_to_shrink(s, counts);
    ASSERT_GT(counts[k], 0);
    --counts[k];
    order.push_back(k);
  }
  EXPECT_EQ(order.back(), 0u);  // the base task goes last
  EXPECT_EQ(counts, (std::vector<int>{0, 0}));
}

TEST(FargatePlacer, ZonesFillEvenlyInOrder) {
  FargatePlacer p;
  std::vector<int> zones = {0, 0, 0};
  std::vector<std::size_t> picks;
  for (int i = 0; i < 6; ++i) {
    const auto z = p.choose_zone(zones);
    ++zones[z];
    picks.push_back(z);
  }
  EXPECT_EQ(picks, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2}));
}

}  // namespace
}  // namespace ecsim::placement

namespace ecsim::placement {
namespace {
TEST(FargatePlacer, BaseTwoThenWeightsOneToThreeForTasksThreeToTen) {
  FargatePlacer p;
  const std::vector<StrategyItem> s = {{0, 2, 1}, {1, 0, 3}};
  std::vector<int> counts = {0, 0};
  std::vector<std::size_t> picks;
  for (int i = 0; i < 10; ++i) {
    const auto k = p.choose_provider(s, counts);
    ++counts[k];
    picks.push_back(k);
  }
  EXPECT_EQ(picks[0], 0u);
  EXPECT_EQ(picks[1], 0u);
  // Tasks 3..10: two on the first provider, six on the second (1:3).
  EXPECT_EQ(std::count(picks.begin() + 2, picks.end(), 0u), 2);
  EXPECT_EQ(std::count(picks.begin() + 2, picks.end(), 1u), 6);
}
}  // namespace
}  // namespace ecsim::placement
