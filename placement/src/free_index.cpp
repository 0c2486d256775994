// Treap with subtree maxima for first-fit queries.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/placement/free_index.hpp"

#include <algorithm>

namespace ecsim::placement {

namespace {
std::uint32_t hash_priority(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}
}  // namespace

void FreeIndex::pull(int t) {
  Node& n = nodes_[static_cast<std::size_t>(t)];
  n.max_other = n.other;
  n.max_enis = n.enis;
  n.max_other2 = n.other2;
  for (int c : {n.left, n.right}) {
    if (c < 0) continue;
    n.max_other = std::max(n.max_other, nodes_[static_cast<std::size_t>(c)].max_other);
    n.max_enis = std::max(n.max_enis, nodes_[static_cast<std::size_t>(c)].max_enis);
    n.max_other2 = std::max(n.max_other2, nodes_[static_cast<std::size_t>(c)].max_other2);
  }
}

void FreeIndex::split(int t, Key k, int* l, int* r) {
  if (t < 0) {
    *l = *r = -1;
    return;
  }
  Node& n = nodes_[static_cast<std::size_t>(t)];
  if (n.key < k) {
    split(n.right, k, &nodes_[static_cast<std::size_t>(t)].right, r);
    *l = t;
  } else {
    split(n.left, k, l, &nodes_[static_cast<std::size_t>(t)].left);
    *r = t;
  }
  pull(t);
}

int FreeIndex::merge(int l, int r) {
  if (l < 0) return r;
  if (r < 0) return l;
  if (nodes_[static_cast<std::size_t>(l)].priority > nodes_[static_cast<std::size_t>(r)].priority) {
    nodes_[static_cast<std::size_t>(l)].right = merge(nodes_[static_cast<std::size_t>(l)].right, r);
    pull(l);
    return l;
  }
  nodes_[static_cast<std::size_t>(r)].left = merge(l, nodes_[static_cast<std::size_t>(r)].left);
  pull(r);
  return r;
}

void FreeIndex::insert(std::uint32_t dense, int key, int other, int enis, int other2) {
  if (node_of_.size() <= dense) node_of_.resize(dense + 1, -1);
  if (node_of_[dense] >= 0) erase(dense);
  int t;
  if (!free_nodes_.empty()) {
    t = free_nodes_.back();
    free_nodes_.pop_back();
  } else {
    t = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
  }
  Node& n = nodes_[static_cast<std::size_t>(t)];
  n = Node{};
  n.key = {key, dense};
  n.other = other;
  n.enis = enis;
  n.other2 = other2;
  n.priority = hash_priority(dense);
  pull(t);
  node_of_[dense] = t;
  root_ = insert_at(root_, t);
  ++size_;
}

// Descends to where the node's priority puts it and splits only the subtree there (one
// descent; a split of the whole tree and two merges took three).
int FreeIndex::insert_at(int t, int x) {
  if (t < 0) return x;
  Node& nx = nodes_[static_cast<std::size_t>(x)];
  Node& n = nodes_[static_cast<std::size_t>(t)];
  if (nx.priority > n.priority) {
    split(t, nx.key, &nx.left, &nx.right);
    pull(x);
    return x;
  }
  if (nx.key < n.key) n.left = insert_at(n.left, x);
  else n.right = insert_at(n.right, x);
  pull(t);
  return t;
}

// Descends to the node and puts the merge of its children in its place.
int FreeIndex::erase_at(int t, Key k, int target) {
  Node& n = nodes_[static_cast<std::size_t>(t)];
  if (t == target) return merge(n.left, n.right);
  if (k < n.key) n.left = erase_at(n.left, k, target);
  else n.right = erase_at(n.right, k, target);
  pull(t);
  return t;
}

void FreeIndex::erase(std::uint32_t dense) {
  if (dense >= node_of_.size() || node_of_[dense] < 0) return;
  const int t = node_of_[dense];
  const Key k = nodes_[static_cast<std::size_t>(t)].key;
  root_ = erase_at(root_, k, t);
  node_of_[dense] = -1;
  free_nodes_.push_back(t);
  --size_;
}

void FreeIndex::update(std::uint32_t dense, int other, int enis, int other2) {
  if (dense >= node_of_.size() || node_of_[dense] < 0) return;
  const int target = node_of_[dense];
  const Key k = nodes_[static_cast<std::size_t>(target)].key;
  int path[128];  // a treap's depth is O(log n); deeper paths fall back to erase + insert
  int depth = 0;
  for (int t = root_; t >= 0 && depth < 128;) {
    path[depth++] = t;
    if (t == target) break;
    const Node& n = nodes_[static_cast<std::size_t>(t)];
    t = k < n.key ? n.left : n.right;
  }
  if (depth == 0 || path[depth - 1] != target) {
    insert(dense, k.first, other, enis, other2);
    return;
  }
  Node& n = nodes_[static_cast<std::size_t>(target)];
  n.other = other;
  n.enis = enis;
  n.other2 = other2;
  for (int i = depth - 1; i >= 0; --i) pull(path[i]);
}

int FreeIndex::first_fit(int t, Key from, int need_other, int need_enis, int need_other2) const {
  while (t >= 0) {
    const Node& n = nodes_[static_cast<std::size_t>(t)];
    if (n.max_other < need_other || n.max_enis < need_enis || n.max_other2 < need_other2) return -1;
    if (n.key < from) {
      t = n.right;  // everything on the left is smaller still
      continue;
    }
    const int in_left = first_fit(n.left, from, need_other, need_enis, need_other2);
    if (in_left >= 0) return in_left;
    if (n.other >= need_other && n.enis >= need_enis && n.other2 >= need_other2) return t;
    t = n.right;
  }
  return -1;
}

bool FreeIndex::first_fit(Key from, int need_other, int need_enis, Key* found, int need_other2) const {
  const int t = first_fit(root_, from, need_other, need_enis, need_other2);
  if (t < 0) return false;
  *found = nodes_[static_cast<std::size_t>(t)].key;
  return true;
}

}  // namespace ecsim::placement
