// LiveTasks: removal from either side keeps the order and each entry's task definition.
#include <gtest/gtest.h>

#include <vector>

#include "ecsim/core/state.hpp"

namespace ecsim {
namespace {

std::vector<std::uint32_t> slots(const LiveTasks& l) { return {l.begin(), l.end()}; }

TEST(LiveTasks, RemovalFromEitherSideKeepsOrderAndRevisions) {
  LiveTasks l;
  for (std::uint32_t s = 0; s < 10; ++s) l.push_back(s, static_cast<int>(s) * 10, 100 + s);
  l.erase(1);  // front half: the older ones move up
  l.erase(7);  // back half: the newer ones move down (slot 8)
  l.erase(0);  // slot 0
  EXPECT_EQ(slots(l), (std::vector<std::uint32_t>{2, 3, 4, 5, 6, 7, 9}));
  for (std::size_t k = 0; k < l.size(); ++k) EXPECT_EQ(l.task_definition(k), static_cast<int>(l[k]) * 10);
  EXPECT_EQ(l.data()[0], 2u);
  EXPECT_EQ(l.task_definitions()[6], 90);
  for (std::size_t k = 0; k < l.size(); ++k) EXPECT_EQ(l.id(k), 100 + l[k]);
  // Found by id: the entry, or size() for a removed or unknown task.
  EXPECT_EQ(l.find(105), 3u);
  EXPECT_EQ(l.find(109), 6u);
  EXPECT_EQ(l.find(101), l.size());
  EXPECT_EQ(l.find(99), l.size());
  EXPECT_EQ(l.find(110), l.size());
}

TEST(LiveTasks, TrailingCountsTheNewestOfOneRevision) {
  LiveTasks l;
  for (int td : {1, 2, 1, 2, 2}) l.push_back(static_cast<std::uint32_t>(l.size()), td, l.size() + 1);
  EXPECT_EQ(l.trailing(2), 2u);
  EXPECT_EQ(l.trailing(1), 0u);
  EXPECT_EQ(l.trailing(2, 1), 2u);  // counting on from one known
  l.erase(2);                       // the 1 between the runs goes: 1 2 2 2
  EXPECT_EQ(l.trailing(2, 2), 3u);
}

TEST(LiveTasks, ManyRemovalsFromTheFrontCompact) {
  LiveTasks l;
  for (std::uint32_t s = 0; s < 1000; ++s) l.push_back(s, 1, s + 1);
  for (int i = 0; i < 900; ++i) l.erase(0);
  ASSERT_EQ(l.size(), 100u);
  EXPECT_EQ(l[0], 900u);
  EXPECT_EQ(l[99], 999u);
  EXPECT_EQ(l.find(901), 0u);  // after compacting
  EXPECT_EQ(l.find(1000), 99u);
  l.push_back(1000, 2, 1001);
  EXPECT_EQ(l.task_definition(100), 2);
  l.clear();
  EXPECT_TRUE(l.empty());
}

}  // namespace
}  // namespace ecsim
