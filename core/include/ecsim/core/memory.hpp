// The process's memory as the kernel counts it: resident set now, and what the machine (or
// the container's cgroup) allows. Linux /proc and /sys; 0 where unknown.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ecsim {

/// Resident set size of this process in bytes (/proc/self/statm), or 0 if unknown.
std::uint64_t resident_bytes();
/// Memory this process may use: the smaller of the machine's (/proc/meminfo MemTotal) and
/// the cgroup's limit (v2 memory.max, v1 memory.limit_in_bytes), or 0 if unknown. Read at
/// the first call; later calls return the same.
std::uint64_t machine_memory_bytes();
/// The smaller of MemTotal and the cgroup limits given (0: none / unknown).
std::uint64_t memory_allowed(std::uint64_t mem_total, const std::vector<std::uint64_t>& cgroup_limits);
/// "1.5 GiB", "640 MiB": a byte count for messages.
std::string format_bytes(std::uint64_t bytes);

}  // namespace ecsim
