// An ordered index of container instances by one free resource, augmented with the subtree
// maxima of the others, so "the instance with the least free memory that still has the CPU
// and ENI a task needs" is one O(log n) descent instead of a scan.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace ecsim::placement {

/// A treap keyed by (key, dense index) holding (other, other2, enis) per instance, with
/// subtree maxima of each. Priorities come from a fixed hash of the dense index: deterministic.
class FreeIndex {
 public:
  using Key = std::pair<int, std::uint32_t>;  // (free amount, dense index)
  void insert(std::uint32_t dense, int key, int other, int enis, int other2 = 0);
  void erase(std::uint32_t dense);
  /// New values for an entry whose key stays: one descent to it, maxima re-pulled on the way back.
  void update(std::uint32_t dense, int other, int enis, int other2 = 0);
  bool empty() const { return root_ < 0; }
  std::size_t size() const { return size_; }
  /// The smallest entry with (key, dense) >= from, other >= need_other, enis >= need_enis
  /// and other2 >= need_other2; returns false when there is none.
  bool first_fit(Key from, int need_other, int need_enis, Key* found, int need_other2 = 0) const;

 private:
  struct Node {
    Key key;
    int other = 0, enis = 0, other2 = 0;
    int max_other = 0, max_enis = 0, max_other2 = 0;
    std::uint32_t priority = 0;
    int left = -1, right = -1;
  };
  void pull(int t);
  void split(int t, Key k, int* l, int* r);  // l: keys < k, r: keys >= k
  int merge(int l, int r);
  int insert_at(int t, int x);                 // x into subtree t; returns its new root
  int erase_at(int t, Key k, int target);      // target (key k) out of subtree t; returns its new root
  int first_fit(int t, Key from, int need_other, int need_enis, int need_other2) const;

  std::vector<Node> nodes_;
  std::vector<int> free_nodes_;
  std::vector<int> node_of_;  // by dense index, -1 when absent
  int root_ = -1;
  std::size_t size_ = 0;
};

}  // namespace ecsim::placement
