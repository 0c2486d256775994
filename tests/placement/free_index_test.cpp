// FreeIndex against a brute-force reference: random inserts, erases and in-place updates,
// then first-fit queries over all three checked values.
#include "ecsim/placement/free_index.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "ecsim/core/rng.hpp"

namespace ecsim::placement {
namespace {

struct Entry {
  int key, other, enis, other2;
};

std::optional<FreeIndex::Key> reference(const std::map<std::uint32_t, Entry>& all, FreeIndex::Key from, int need_other,
                                        int need_enis, int need_other2) {
  std::optional<FreeIndex::Key> best;
  for (const auto& [dense, e] : all) {
    const FreeIndex::Key k{e.key, dense};
    if (k < from || e.other < need_other || e.enis < need_enis || e.other2 < need_other2) continue;
    if (!best || k < *best) best = k;
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
  for (int step = 0; step < 20000; ++step) {
    const auto dense = static_cast<std::uint32_t>(draw(300));
    const int op = draw(10);
    if (op < 4) {
      Entry e{draw(50), draw(100), draw(3), draw(100)};
      index.insert(dense, e.key, e.other, e.enis, e.other2);
      all[dense] = e;
    } else if (op < 6) {
      index.erase(dense);
      all.erase(dense);
    } else if (op < 8) {
      auto it = all.find(dense);
      const Entry e{it == all.end() ? 0 : it->second.key, draw(100), draw(3), draw(100)};
      index.update(dense, e.other, e.enis, e.other2);  // absent entries stay absent
      if (it != all.end()) it->second = e;
    } else {
      const FreeIndex::Key from{draw(50), static_cast<std::uint32_t>(draw(300))};
      const int no = draw(100), ne = draw(3), no2 = draw(100);
      FreeIndex::Key got{};
      const bool found = index.first_fit(from, no, ne, &got, no2);
      const auto want = reference(all, from, no, ne, no2);
      ASSERT_EQ(found, want.has_value()) << "step " << step;
      if (found) {
        ASSERT_EQ(got, *want) << "step " << step;
      }
    }
    ASSERT_EQ(index.size(), all.size());
    ASSERT_NO_THROW(index.check_invariants()) << "step " << step;
  }
}

TEST(FreeIndex, RefusesBlocksOfFewerThanTwoEntries) { EXPECT_THROW(FreeIndex(1), std::invalid_argument); }

}  // namespace
}  // namespace ecsim::placement
