// An ordered index of container instances by one free resource, with the maxima of the
// others kept per block, so "the instance with the least free memory that still has the CPU
// and ENI a task needs" is a search over a few contiguous blocks instead of a scan.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ecsim::placement {

/// Entries (key, dense index) -> (other, enis, other2), sorted by (key, dense index) in
/// contiguous blocks of at most `block_capacity` entries, each block carrying the maxima of
/// other, enis and other2 over its entries. A cluster holds at most 5,000 instances (the ECS
/// quota), so an index is at most a few hundred blocks: a reservation (erase + insert) moves
/// a few hundred bytes within one block, and a first-fit query skips the blocks whose maxima
/// fail. A treap with subtree maxima chased pointers through its ~25 levels on every update;
/// on bench/scale.py's EC2 100k run (2,650 instances per index) blocks of 32 took the wall
/// from 0.44 to 0.36 s (16-128 measured, 32 best). Deterministic: the order is the key order.
class FreeIndex {
 public:
  using Key = std::pair<int, std::uint32_t>;  // (free amount, dense index)
  static constexpr std::size_t kDefaultBlockCapacity = 32;
  explicit FreeIndex(std::size_t block_capacity = kDefaultBlockCapacity);

  void insert(std::uint32_t dense, int key, int other, int enis, int other2 = 0);
  void erase(std::uint32_t dense);
  /// New values for an entry whose key stays (absent entries stay absent).
  void update(std::uint32_t dense, int other, int enis, int other2 = 0);
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  /// The smallest entry with (key, dense) >= from, other >= need_other, enis >= need_enis
  /// and other2 >= need_other2; returns false when there is none.
  bool first_fit(Key from, int need_other, int need_enis, Key* found, int need_other2 = 0) const;
  /// Tests: throws std::logic_error unless the entries are in key order, each block is
  /// non-empty and within its capacity, the block search keys are the blocks' first keys
  /// and every block's maxima are exactly its entries' (too high would only cost scans).
  void check_invariants() const;

 private:
  struct Entry {
    int key = 0;
    std::uint32_t dense = 0;
    int other = 0, enis = 0, other2 = 0;
    Key k() const { return {key, dense}; }
  };
  struct Block {
    std::vector<Entry> entries;
    int max_other = 0, max_enis = 0, max_other2 = 0;
  };
  static void recompute(Block& b);
  static void widen(Block& b, const Entry& e);
  std::size_t block_of(Key k) const;  // the block that holds, or would hold, k
  static std::size_t position(const Block& b, Key k);

  std::size_t capacity_;
  std::vector<Block> blocks_;
  std::vector<Key> firsts_;          // first key of each block, for the block search
  std::vector<int> key_of_;          // by dense index
  std::vector<char> present_;        // by dense index
  std::size_t size_ = 0;
};

}  // namespace ecsim::placement
