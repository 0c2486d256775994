// An ordered index of container instances by a lexicographic key (free resources, the
// group's tasks), with the maxima of the checked free resources kept per block, so "the
// instance with the least free memory that still has the CPU and ENI a task needs" is a
// search over a few contiguous blocks instead of a scan.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <vector>

namespace ecsim::placement {

/// Entries (key, dense index) -> three checked values, sorted by (key, dense index) in
/// contiguous blocks of at most `block_capacity` entries, each block carrying the maxima of
/// the checked values over its entries. A cluster holds at most 5,000 instances (the ECS
/// quota), so an index is at most a few hundred blocks: a reservation moves its entry by
/// shifting the entries between its old and new place (most often in one block), and a
/// first-fit query skips the blocks whose maxima fail. A treap with subtree maxima chased
/// pointers through its ~25 levels on every update; on bench/scale.py's EC2 100k run (2,650
/// instances per index) blocks of 32 took the wall from 0.44 to 0.36 s (16-128 measured, 32
/// best). Deterministic: the order is the key order.
class FreeIndex {
 public:
  /// A key of up to three non-negative parts compared in order, then the dense index: `hi`
  /// holds the first two parts (31 bits each), `lo` the third.
  struct Key {
    std::int64_t hi = 0;
    std::int32_t lo = 0;
    std::uint32_t dense = 0;
    friend bool operator<(const Key& a, const Key& b) {
      return std::tie(a.hi, a.lo, a.dense) < std::tie(b.hi, b.lo, b.dense);
    }
    friend bool operator==(const Key& a, const Key& b) { return a.hi == b.hi && a.lo == b.lo && a.dense == b.dense; }
    /// Equal but for the dense index.
    bool same_parts(const Key& o) const { return hi == o.hi && lo == o.lo; }
  };
  /// The key of parts p0, p1, p2 (each >= 0) at `dense`.
  static Key make_key(int p0, int p1, int p2, std::uint32_t dense);
  using Checked = std::array<int, 3>;
  static constexpr std::size_t kDefaultBlockCapacity = 32;
  explicit FreeIndex(std::size_t block_capacity = kDefaultBlockCapacity);

  /// Inserts or moves the entry of `key.dense`.
  void insert(Key key, Checked values);
  void erase(std::uint32_t dense);
  /// New checked values for an entry whose key stays (absent entries stay absent).
  void update(std::uint32_t dense, Checked values);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  /// The smallest entry with key >= from and every checked value >= need; false when none.
  bool first_fit(const Key& from, const Checked& need, Key* found) const;
  /// How many entries have a key < k.
  std::size_t rank(const Key& k) const;
  /// The entry of rank r (< size()).
  Key at(std::size_t r) const;
  /// Tests: throws std::logic_error unless the entries are in key order, each block is
  /// non-empty and within its capacity, the block search keys are the blocks' first keys
  /// and every block's maxima are exactly its entries' (too high would only cost scans).
  void check_invariants() const;

 private:
  struct Entry {
    Key k;
    Checked v{};
  };
  struct Block {
    std::vector<Entry> entries;
    Checked max{};
  };
  static void recompute(Block& b);
  static void widen(Block& b, const Entry& e);
  /// Component i's maximum after an entry holding `was` (the old maximum) left or dropped
  /// below it: kept when another entry still has it, else recounted.
  static void lower_max(Block& b, std::size_t i, int was);
  /// The maxima after one entry of the block changed its values from `was` to `now`.
  static void replace_in_max(Block& b, const Checked& was, const Checked& now);
  /// Moves the present entry at `old_key` to `e` inside block `bi` (its block before and after).
  void move_within(std::size_t bi, const Key& old_key, const Entry& e);
  std::size_t block_of(const Key& k) const;  // the block that holds, or would hold, k
  static std::size_t position(const Block& b, const Key& k);

  std::size_t capacity_;
  std::vector<Block> blocks_;
  std::vector<Key> firsts_;          // first key of each block, for the block search
  std::vector<Key> key_of_;          // by dense index
  std::vector<char> present_;        // by dense index
  std::size_t size_ = 0;
};

}  // namespace ecsim::placement
