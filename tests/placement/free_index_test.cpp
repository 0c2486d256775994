// FreeIndex against a brute-force reference: random inserts, erases and in-place updates,
// then first-fit queries over all three checked values.
#include "ecsim/placement/free_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "ecsim/core/rng.hpp"

namespace ecsim::placement {
namespace {

struct Entry {
  FreeIndex::Key key;
  FreeIndex::Checked v;
};

std::optional<FreeIndex::Key> reference(const std::map<std::uint32_t, Entry>& all, FreeIndex::Key from, FreeIndex::Checked need) {
  std::optional<FreeIndex::Key> best;
  for (const auto& [dense, e] : all) {
    if (e.key < from || e.v[0] < need[0] || e.v[1] < need[1] || e.v[2] < need[2]) continue;
    if (!best || e.key < *best) best = e.key;
  }
  return best;
}

// Small blocks split, merge and empty often; the default size holds all 300 in 1-3 blocks.
class FreeIndexBlocks : public ::testing::TestWithParam<std::size_t> {};
INSTANTIATE_TEST_SUITE_P(Capacities, FreeIndexBlocks, ::testing::Values(2, 3, 8, FreeIndex::kDefaultBlockCapacity));

TEST_P(FreeIndexBlocks, MatchesABruteForceReferenceUnderInsertEraseAndUpdate) {
  FreeIndex index(GetParam());
  std::map<std::uint32_t, Entry> all;
  Rng rng(5);
  auto draw = [&](int n) { return static_cast<int>(rng.uniform_index(static_cast<std::size_t>(n))); };
  // Keys of three parts, each from a few values, so ties on one part fall to the next.
  auto key = [&](std::uint32_t dense) { return FreeIndex::make_key(draw(6), draw(4), draw(3), dense); };
  // Checked values of any sign: a block's maxima are its entries', not 0 at least.
  auto values = [&] { return FreeIndex::Checked{draw(100) - 50, draw(3), draw(100) - 50}; };
  for (int step = 0; step < 20000; ++step) {
    const auto dense = static_cast<std::uint32_t>(draw(300));
    const int op = draw(12);
    if (op < 4) {
      const Entry e{key(dense), values()};
      index.insert(e.key, e.v);
      all[dense] = e;
    } else if (op < 6) {
      index.erase(dense);
      all.erase(dense);
    } else if (op < 8) {
      auto it = all.find(dense);
      const FreeIndex::Checked v = values();
      index.update(dense, v);  // absent entries stay absent
      if (it != all.end()) it->second.v = v;
    } else if (op < 10) {
      const FreeIndex::Key from = key(static_cast<std::uint32_t>(draw(300)));
      const FreeIndex::Checked need = values();
      FreeIndex::Key got{};
      const bool found = index.first_fit(from, need, &got);
      const auto want = reference(all, from, need);
      ASSERT_EQ(found, want.has_value()) << "step " << step;
      if (found) {
        ASSERT_EQ(got, *want) << "step " << step;
      }
    } else {
      // Ranks count the smaller keys; at() is their inverse.
      const FreeIndex::Key k = key(static_cast<std::uint32_t>(draw(300)));
      std::size_t below = 0;
      for (const auto& [d, e] : all) below += e.key < k ? 1 : 0;
      ASSERT_EQ(index.rank(k), below) << "step " << step;
      if (below < all.size()) {
        std::vector<FreeIndex::Key> sorted;
        for (const auto& [d, e] : all) sorted.push_back(e.key);
        std::sort(sorted.begin(), sorted.end());
        ASSERT_EQ(index.at(below), sorted[below]) << "step " << step;
      }
    }
    ASSERT_EQ(index.size(), all.size());
    ASSERT_NO_THROW(index.check_invariants()) << "step " << step;
  }
  EXPECT_THROW(index.at(index.size()), std::out_of_range);
}

TEST(FreeIndex, AFirstEntryGivesItsBlockItsOwnMaxima) {
  // Negative checked values: a new block's maxima are its one entry's, not the zeros it
  // started from (a first fit that needs -5 finds it; one that needs 1 does not).
  FreeIndex index(4);
  for (int round = 0; round < 2; ++round) {
    index.insert(FreeIndex::make_key(1, 0, 0, 7), {-10, -3, -20});
    ASSERT_NO_THROW(index.check_invariants());
    FreeIndex::Key got{};
    EXPECT_TRUE(index.first_fit(FreeIndex::make_key(0, 0, 0, 0), {-10, -3, -20}, &got));
    EXPECT_FALSE(index.first_fit(FreeIndex::make_key(0, 0, 0, 0), {-10, -3, -19}, &got));
    index.erase(7);  // empty again: the next round starts a new block
    EXPECT_TRUE(index.empty());
  }
}

TEST(FreeIndex, KeysCompareTheirPartsInOrderThenTheDenseIndex) {
  using K = FreeIndex;
  EXPECT_LT(K::make_key(1, 9, 9, 9), K::make_key(2, 0, 0, 0));
  EXPECT_LT(K::make_key(1, 1, 9, 9), K::make_key(1, 2, 0, 0));
  EXPECT_LT(K::make_key(1, 1, 1, 9), K::make_key(1, 1, 2, 0));
  EXPECT_LT(K::make_key(1, 1, 1, 1), K::make_key(1, 1, 1, 2));
  // The second part's full 31 bits stay below the first part's unit.
  EXPECT_LT(K::make_key(0, 0x7fffffff, 0, 0), K::make_key(1, 0, 0, 0));
  EXPECT_TRUE(K::make_key(3, 4, 5, 1).same_parts(K::make_key(3, 4, 5, 2)));
  EXPECT_FALSE(K::make_key(3, 4, 5, 1).same_parts(K::make_key(3, 4, 6, 1)));
  EXPECT_THROW(K::make_key(-1, 0, 0, 0), std::out_of_range);
  EXPECT_THROW(K::make_key(0, 0, -1, 0), std::out_of_range);
}

TEST(FreeIndex, RefusesBlocksOfFewerThanTwoEntries) { EXPECT_THROW(FreeIndex(1), std::invalid_argument); }

}  // namespace
}  // namespace ecsim::placement
