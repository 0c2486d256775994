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

void FreeIndex::recompute(Block& b) {
  b.max_other = b.max_enis = b.max_other2 = 0;
  bool first = true;
  for (const Entry& e : b.entries) {
    if (first) {
      b.max_other = e.other;
      b.max_enis = e.enis;
      b.max_other2 = e.other2;
      first = false;
      continue;
    }
    b.max_other = std::max(b.max_other, e.other);
    b.max_enis = std::max(b.max_enis, e.enis);
    b.max_other2 = std::max(b.max_other2, e.other2);
  }
}

void FreeIndex::widen(Block& b, const Entry& e) {
  if (b.entries.size() == 1) {
    b.max_other = e.other;
    b.max_enis = e.enis;
    b.max_other2 = e.other2;
    return;
  }
  b.max_other = std::max(b.max_other, e.other);
  b.max_enis = std::max(b.max_enis, e.enis);
  b.max_other2 = std::max(b.max_other2, e.other2);
}

std::size_t FreeIndex::block_of(Key k) const {
  // The last block whose first key is <= k (block 0 for keys before every block).
  const auto it = std::upper_bound(firsts_.begin(), firsts_.end(), k);
  return it == firsts_.begin() ? 0 : static_cast<std::size_t>(it - firsts_.begin()) - 1;
}

std::size_t FreeIndex::position(const Block& b, Key k) {
  const auto it = std::lower_bound(b.entries.begin(), b.entries.end(), k, [](const Entry& e, Key x) { return e.k() < x; });
  return static_cast<std::size_t>(it - b.entries.begin());
}

void FreeIndex::insert(std::uint32_t dense, int key, int other, int enis, int other2) {
  if (present_.size() <= dense) {
    present_.resize(dense + 1, 0);
    key_of_.resize(dense + 1, 0);
  }
  if (present_[dense]) erase(dense);
  const Entry e{key, dense, other, enis, other2};
  if (blocks_.empty()) {
    blocks_.emplace_back();
    blocks_.back().entries.reserve(capacity_);
    firsts_.push_back(e.k());
  }
  const std::size_t bi = block_of(e.k());
  Block& b = blocks_[bi];
  const std::size_t pos = position(b, e.k());
  b.entries.insert(b.entries.begin() + static_cast<std::ptrdiff_t>(pos), e);
  widen(b, e);
  if (pos == 0) firsts_[bi] = e.k();
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
    const Key first = upper.entries.front().k();
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(bi) + 1, std::move(upper));
    firsts_.insert(firsts_.begin() + static_cast<std::ptrdiff_t>(bi) + 1, first);
  }
}

void FreeIndex::erase(std::uint32_t dense) {
  if (dense >= present_.size() || !present_[dense]) return;
  const Key k{key_of_[dense], dense};
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
  if (pos == 0) firsts_[bi] = b.entries.front().k();
  if (gone.other == b.max_other || gone.enis == b.max_enis || gone.other2 == b.max_other2) recompute(b);
  // Merge a small block into its neighbour so the block count stays about size / capacity.
  if (bi + 1 < blocks_.size() && b.entries.size() + blocks_[bi + 1].entries.size() <= capacity_ / 2) {
    Block& next = blocks_[bi + 1];
    b.entries.insert(b.entries.end(), next.entries.begin(), next.entries.end());
    b.max_other = std::max(b.max_other, next.max_other);
    b.max_enis = std::max(b.max_enis, next.max_enis);
    b.max_other2 = std::max(b.max_other2, next.max_other2);
    blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(bi) + 1);
    firsts_.erase(firsts_.begin() + static_cast<std::ptrdiff_t>(bi) + 1);
  }
}

void FreeIndex::update(std::uint32_t dense, int other, int enis, int other2) {
  if (dense >= present_.size() || !present_[dense]) return;
  const Key k{key_of_[dense], dense};
  Block& b = blocks_[block_of(k)];
  Entry& e = b.entries[position(b, k)];
  const bool shrinks = (e.other == b.max_other && other < e.other) || (e.enis == b.max_enis && enis < e.enis) ||
                       (e.other2 == b.max_other2 && other2 < e.other2);
  e.other = other;
  e.enis = enis;
  e.other2 = other2;
  if (shrinks) recompute(b);
  else widen(b, e);
}

void FreeIndex::check_invariants() const {
  auto fail = [](const char* what) { throw std::logic_error(std::string("FreeIndex: ") + what); };
  if (firsts_.size() != blocks_.size()) fail("one search key per block");
  std::size_t n = 0;
  const Entry* prev = nullptr;
  for (std::size_t bi = 0; bi < blocks_.size(); ++bi) {
    const Block& b = blocks_[bi];
    if (b.entries.empty() || b.entries.size() > capacity_) fail("a block is empty or over capacity");
    if (firsts_[bi] != b.entries.front().k()) fail("a search key is not its block's first key");
    Block exact;
    exact.entries = b.entries;
    recompute(exact);
    if (exact.max_other != b.max_other || exact.max_enis != b.max_enis || exact.max_other2 != b.max_other2) fail("a block's maxima are stale");
    for (const Entry& e : b.entries) {
      if (prev && !(prev->k() < e.k())) fail("entries out of key order");
      if (e.dense >= present_.size() || !present_[e.dense] || key_of_[e.dense] != e.key) fail("an entry's dense index disagrees");
      prev = &e;
      ++n;
    }
  }
  if (n != size_) fail("size");
}

bool FreeIndex::first_fit(Key from, int need_other, int need_enis, Key* found, int need_other2) const {
  if (blocks_.empty()) return false;
  for (std::size_t bi = block_of(from); bi < blocks_.size(); ++bi) {
    const Block& b = blocks_[bi];
    if (b.max_other < need_other || b.max_enis < need_enis || b.max_other2 < need_other2) continue;
    for (std::size_t i = position(b, from); i < b.entries.size(); ++i) {
      const Entry& e = b.entries[i];
      if (e.other >= need_other && e.enis >= need_enis && e.other2 >= need_other2) {
        *found = e.k();
        return true;
      }
    }
  }
  return false;
}

}  // namespace ecsim::placement
