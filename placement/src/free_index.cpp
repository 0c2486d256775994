// Sorted blocks with per-block maxima for first-fit queries.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/placement/free_index.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ecsim::placement {

FreeIndex::FreeIndex(std::size_t block_capacity) : capacity_(block_capacity) {
  if (capacity_ < 2) throw std::invalid_argument("FreeIndex: a block holds at least 2 entries");
}

FreeIndex::Key FreeIndex::make_key(int p0, int p1, int p2, std::uint32_t dense) {
  if (p0 < 0 || p1 < 0 || p2 < 0) throw std::out_of_range("FreeIndex: key parts must not be negative");
  return {(static_cast<std::int64_t>(p0) << 31) | static_cast<std::int64_t>(p1), p2, dense};
}

void FreeIndex::recompute(Block& b) {
  b.max = b.entries.front().v;
  for (const Entry& e : b.entries)
    for (std::size_t i = 0; i < 3; ++i) b.max[i] = std::max(b.max[i], e.v[i]);
}

void FreeIndex::widen(Block& b, const Entry& e) {
  if (b.entries.size() == 1) {
    b.max = e.v;
    return;
  }
  for (std::size_t i = 0; i < 3; ++i) b.max[i] = std::max(b.max[i], e.v[i]);
}

void FreeIndex::lower_max(Block& b, std::size_t i, int was) {
  int m = b.entries.front().v[i];
  for (const Entry& e : b.entries) {
    if (e.v[i] == was) return;  // no entry exceeds the old maximum: it stands
    m = std::max(m, e.v[i]);
  }
  b.max[i] = m;
}

void FreeIndex::replace_in_max(Block& b, const Checked& was, const Checked& now) {
  for (std::size_t i = 0; i < 3; ++i) {
    if (now[i] >= b.max[i]) b.max[i] = now[i];
    else if (was[i] == b.max[i]) lower_max(b, i, was[i]);
  }
}

std::size_t FreeIndex::block_of(const Key& k) const {
  // The last block whose first key is <= k (block 0 for keys before every block).
  const auto it = std::upper_bound(firsts_.begin(), firsts_.end(), k);
  return it == firsts_.begin() ? 0 : static_cast<std::size_t>(it - firsts_.begin()) - 1;
}

std::size_t FreeIndex::position(const Block& b, const Key& k) {
  const auto it = std::lower_bound(b.entries.begin(), b.entries.end(), k, [](const Entry& e, const Key& x) { return e.k < x; });
  return static_cast<std::size_t>(it - b.entries.begin());
}

void FreeIndex::insert(Key key, Checked values) {
  const std::uint32_t dense = key.dense;
  if (present_.size() <= dense) {
    present_.resize(dense + 1, 0);
    key_of_.resize(dense + 1);
  }
  const Entry e{key, values};
  if (present_[dense]) {
    // A reservation moves an instance's key a little: most moves stay in their block, where
    // a shift of the entries between the two positions replaces an erase and an insert.
    const Key old_key = key_of_[dense];
    const std::size_t bi = block_of(old_key);
    if (block_of(key) == bi) {
      move_within(bi, old_key, e);
      return;
    }
    erase(dense);
  }
  if (blocks_.empty()) {
    blocks_.emplace_back();
    blocks_.back().entries.reserve(capacity_);
    firsts_.push_back(key);
  }
  const std::size_t bi = block_of(key);
  Block& b = blocks_[bi];
  const std::size_t pos = position(b, key);
  b.entries.insert(b.entries.begin() + static_cast<std::ptrdiff_t>(pos), e);
  widen(b, e);
  if (pos == 0) firsts_[bi] = key;
  present_[dense] = 1;
  key_of_[dense] = key;
  ++size_;
  if (b.entries.size() > capacity_) {
    // Split in halves; both get their maxima recounted.
    Block upper;
    upper.entries.reserve(capacity_);
    const std::size_t half = b.entries.size() / 2;
    upper.entries.assign(b.entries.begin() + static_cast<std::ptrdiff_t>(half), b.entries.end());
    b.entries.resize(half);
    recompute(b);
    recompute(upper);
    const Key first = upper.entries.front().k;
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(bi) + 1, std::move(upper));
    firsts_.insert(firsts_.begin() + static_cast<std::ptrdiff_t>(bi) + 1, first);
  }
}

void FreeIndex::move_within(std::size_t bi, const Key& old_key, const Entry& e) {
  Block& b = blocks_[bi];
  const std::size_t from = position(b, old_key);
  const Checked was = b.entries[from].v;
  const std::size_t to = position(b, e.k);  // with the old entry still in place
  const auto at = [&](std::size_t i) { return b.entries.begin() + static_cast<std::ptrdiff_t>(i); };
  if (to > from) {
    std::rotate(at(from), at(from + 1), at(to));  // the entries between move down one
    b.entries[to - 1] = e;
  } else {
    std::rotate(at(to), at(from), at(from + 1));  // the entries between move up one
    b.entries[to] = e;
  }
  firsts_[bi] = b.entries.front().k;
  key_of_[e.k.dense] = e.k;
  replace_in_max(b, was, e.v);
}

void FreeIndex::erase(std::uint32_t dense) {
  if (dense >= present_.size() || !present_[dense]) return;
  const Key k = key_of_[dense];
  const std::size_t bi = block_of(k);
  Block& b = blocks_[bi];
  const std::size_t pos = position(b, k);
  const Entry gone = b.entries[pos];
  b.entries.erase(b.entries.begin() + static_cast<std::ptrdiff_t>(pos));
  present_[dense] = 0;
  --size_;
  if (b.entries.empty()) {
    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(bi));
    firsts_.erase(firsts_.begin() + static_cast<std::ptrdiff_t>(bi));
    return;
  }
  if (pos == 0) firsts_[bi] = b.entries.front().k;
  for (std::size_t i = 0; i < 3; ++i)
    if (gone.v[i] == b.max[i]) lower_max(b, i, gone.v[i]);
  // Merge a small block into its neighbour so the block count stays about size / capacity.
  if (bi + 1 < blocks_.size() && b.entries.size() + blocks_[bi + 1].entries.size() <= capacity_ / 2) {
    Block& next = blocks_[bi + 1];
    b.entries.insert(b.entries.end(), next.entries.begin(), next.entries.end());
    for (std::size_t i = 0; i < 3; ++i) b.max[i] = std::max(b.max[i], next.max[i]);
    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(bi) + 1);
    firsts_.erase(firsts_.begin() + static_cast<std::ptrdiff_t>(bi) + 1);
  }
}

void FreeIndex::update(std::uint32_t dense, Checked values) {
  if (dense >= present_.size() || !present_[dense]) return;
  const Key& k = key_of_[dense];
  Block& b = blocks_[block_of(k)];
  Entry& e = b.entries[position(b, k)];
  const Checked was = e.v;
  e.v = values;
  replace_in_max(b, was, values);
}

std::size_t FreeIndex::rank(const Key& k) const {
  if (blocks_.empty()) return 0;
  const std::size_t bi = block_of(k);
  std::size_t r = 0;
  for (std::size_t i = 0; i < bi; ++i) r += blocks_[i].entries.size();
  return r + position(blocks_[bi], k);
}

FreeIndex::Key FreeIndex::at(std::size_t r) const {
  for (const Block& b : blocks_) {
    if (r < b.entries.size()) return b.entries[r].k;
    r -= b.entries.size();
  }
  throw std::out_of_range("FreeIndex: rank past the end");
}

void FreeIndex::check_invariants() const {
  auto fail = [](const char* what) { throw std::logic_error(std::string("FreeIndex: ") + what); };
  if (firsts_.size() != blocks_.size()) fail("one search key per block");
  std::size_t n = 0;
  const Entry* prev = nullptr;
  for (std::size_t bi = 0; bi < blocks_.size(); ++bi) {
    const Block& b = blocks_[bi];
    if (b.entries.empty() || b.entries.size() > capacity_) fail("a block is empty or over capacity");
    if (!(firsts_[bi] == b.entries.front().k)) fail("a search key is not its block's first key");
    Block exact;
    exact.entries = b.entries;
    recompute(exact);
    if (exact.max != b.max) fail("a block's maxima are stale");
    for (const Entry& e : b.entries) {
      if (prev && !(prev->k < e.k)) fail("entries out of key order");
      if (e.k.dense >= present_.size() || !present_[e.k.dense] || !(key_of_[e.k.dense] == e.k)) fail("an entry's dense index disagrees");
      prev = &e;
      ++n;
    }
  }
  if (n != size_) fail("size");
}

bool FreeIndex::first_fit(const Key& from, const Checked& need, Key* found) const {
  if (blocks_.empty()) return false;
  for (std::size_t bi = block_of(from); bi < blocks_.size(); ++bi) {
    const Block& b = blocks_[bi];
    if (b.max[0] < need[0] || b.max[1] < need[1] || b.max[2] < need[2]) continue;
    for (std::size_t i = position(b, from); i < b.entries.size(); ++i) {
      const Entry& e = b.entries[i];
      if (e.v[0] >= need[0] && e.v[1] >= need[1] && e.v[2] >= need[2]) {
        *found = e.k;
        return true;
      }
    }
  }
  return false;
}

}  // namespace ecsim::placement
