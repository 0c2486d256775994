// Process memory from Linux /proc and /sys.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

namespace ecsim {

std::uint64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  return static_cast<std::uint64_t>(resident) * static_cast<std::uint64_t>(page > 0 ? page : 4096);
}

namespace {
// The first number in a file ("max" or a missing file: 0).
std::uint64_t read_number(const char* path) {
  std::ifstream in(path);
  unsigned long long v = 0;
  if (in >> v) return v;
  return 0;
}

std::uint64_t read_machine_memory_bytes() {
  std::uint64_t total = 0;
  {
    std::ifstream in("/proc/meminfo");
    std::string key;
    unsigned long long kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
      if (key == "MemTotal:") {
        total = static_cast<std::uint64_t>(kib) * 1024;
        break;
      }
  }
  return memory_allowed(total, {read_number("/sys/fs/cgroup/memory.max"), read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes")});
}
}  // namespace

std::uint64_t machine_memory_bytes() {
  // Read once per process: every simulator built asks (a sweep builds one a point), and the
  // three files cost more than a small point's summary.
  static const std::uint64_t bytes = read_machine_memory_bytes();
  return bytes;
}

std::uint64_t memory_allowed(std::uint64_t mem_total, const std::vector<std::uint64_t>& cgroup_limits) {
  std::uint64_t total = mem_total;
  for (const std::uint64_t cg : cgroup_limits)
    if (cg > 0 && (total == 0 || cg < total)) total = cg;
  return total;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024.0 && u < 4) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, kUnit[u]);
  return buf;
}

}  // namespace ecsim
