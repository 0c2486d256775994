// The bundled Fargate price table, parsed once per call from the embedded CSV.
// SPDX-License-Identifier: Apache-2.0
#include "price_table.hpp"

#include "ecsim/core/load_source.hpp"  // split_csv_line

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>
#include <unordered_map>

namespace ecsim::scenarios::detail {

extern const char* const kFargatePricesCsv;  // generated from scenarios/data/aws_fargate_prices_by_region.csv
extern const char* const kEc2TypesCsv;       // generated from scenarios/data/aws_ec2_us-east-1_linux_prices_specs.csv
extern const char* const kEc2RegionsCsv;     // generated from scenarios/data/aws_ec2_linux_prices_by_region.csv
extern const char* const kEc2SpotCsv;        // generated from scenarios/data/aws_ec2_spot_advisor_linux_by_region.csv

namespace {

struct Row {
  std::string region, platform, capacity;
  double vcpu = 0, gb = 0;
  std::string date;  ///< the latest YYYY-MM[-DD] in source_date (several sources may be joined)
};

// The latest date written in a source_date cell such as "2021-01-10 | first committed 2025-08-25".
std::string latest_date(const std::string& cell) {
  std::string best;
  for (std::size_t i = 0; i + 7 <= cell.size(); ++i) {
    auto digit = [&](std::size_t k) { return k < cell.size() && std::isdigit(static_cast<unsigned char>(cell[k])); };
    if (!(digit(i) && digit(i + 1) && digit(i + 2) && digit(i + 3) && cell[i + 4] == '-' && digit(i + 5) && digit(i + 6))) continue;
    std::size_t len = 7;
    if (i + 10 <= cell.size() && cell[i + 7] == '-' && digit(i + 8) && digit(i + 9)) len = 10;
    best = std::max(best, cell.substr(i, len));
  }
  return best;
}

double to_double(const std::string& s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<Row> parse_rows() {
  std::vector<Row> out;
  std::istringstream in(kFargatePricesCsv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    if (f.size() < 9) continue;
    out.push_back(Row{f[0], f[1], f[2], to_double(f[3]), to_double(f[4]), latest_date(f[8])});
  }
  return out;
}

// The bundled table, parsed once per process (every load, every sweep point, reads it).
const std::vector<Row>& rows() {
  static const std::vector<Row> table = parse_rows();
  return table;
}

}  // namespace

std::optional<FargateRate> fargate_rate(const std::string& region, const std::string& platform, const std::string& capacity) {
  // Several snapshots of one rate (Spot floats): the latest source date, the first row on a tie.
  std::optional<Row> best;
  for (const auto& r : rows())
    if (r.region == region && r.platform == platform && r.capacity == capacity && (!best || r.date > best->date)) best = r;
  if (!best) return std::nullopt;
  return FargateRate{best->vcpu, best->gb,
                     "scenarios/data/aws_fargate_prices_by_region.csv row " + region + " " + platform + " " + capacity +
                         (best->date.empty() ? "" : " (" + best->date + ")")};
}

std::optional<double> fargate_ephemeral_rate(const std::string& region) {
  for (const auto& r : rows())
    if (r.region == region && r.capacity == "ephemeral storage") return r.gb;
  return std::nullopt;
}

std::vector<std::string> fargate_regions() {
  std::vector<std::string> out;
  for (const auto& r : rows())
    if (r.platform == "Linux/x86" && r.capacity == "FARGATE") out.push_back(r.region);
  return out;
}

namespace {
int band_index(const std::string& band) {
  for (int i = 0; i < 5; ++i)
    if (band == spot_band_name(i)) return i;
  return -1;
}

// A bundled CSV's rows (header skipped) split into fields, rows of fewer than `min_columns` left out.
std::vector<std::vector<std::string>> split_table(const std::string& csv, std::size_t min_columns) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto cols = split_csv_line(line);
    if (cols.size() >= min_columns) out.push_back(std::move(cols));
  }
  return out;
}

// The bundled EC2 table's rows, split once per process.
const std::vector<std::vector<std::string>>& ec2_rows() {
  static const std::vector<std::vector<std::string>> table = split_table(kEc2TypesCsv, 14);
  return table;
}

// Calls f(row) for each row of a bundled table until f returns false.
template <class F>
void for_each_row(const std::vector<std::vector<std::string>>& table, F&& f) {
  for (const auto& cols : table)
    if (!f(cols)) return;
}
}  // namespace

int default_max_enis(int vcpu) {
  if (vcpu <= 2) return 3;
  if (vcpu <= 8) return 4;
  if (vcpu <= 48) return 8;
  return 15;
}

namespace {
// The by-region table: region, instance_type, vcpu, memory_mib, gpu_count, arch, ondemand, ...
// Parsed once (12,000 rows), then shared read-only by every load.
const std::vector<std::vector<std::string>>& region_rows() {
  static const std::vector<std::vector<std::string>> rows = split_table(kEc2RegionsCsv, 15);
  return rows;
}

// The Spot Instance Advisor's Linux figures by region (2025-06): savings % against On-Demand and
// the interruption band, keyed "region/type". Parsed once.
struct SpotAdvice {
  int savings_pct = 0;
  int band = 4;
};
// On-Demand x (1 - savings). The table's On-Demand prices have at most 5 decimals and the
// savings are whole percents, so the exact product has at most 7: rounding to 1e-8 changes no
// price, it only drops floating-point noise (0.214 x 0.44 prints 0.09416, not 0.09415999999999998).
double spot_estimate(double on_demand, int savings_pct) { return std::round(on_demand * (100 - savings_pct) * 1e6) / 1e8; }

const std::unordered_map<std::string, SpotAdvice>& spot_advice() {
  static const std::unordered_map<std::string, SpotAdvice> table = [] {
    std::unordered_map<std::string, SpotAdvice> out;
    for (const auto& c : split_table(kEc2SpotCsv, 4)) {
      const int band = band_index(c[3]);
      if (band >= 0) out[c[0] + "/" + c[1]] = SpotAdvice{static_cast<int>(to_double(c[2])), band};
    }
    return out;
  }();
  return table;
}

}  // namespace

namespace {
// The family's letters and generation: "m6gd.large" -> family "m6gd"; the maker from the
// letters after the generation digit (a: AMD, g: AWS Graviton; else Intel) or ARM64.
void describe_family(Ec2TypeRow& r) {
  const auto& name = r.type.name;
  r.family = name.substr(0, name.find('.'));
  std::size_t k = 0;
  while (k < r.family.size() && std::isalpha(static_cast<unsigned char>(r.family[k]))) ++k;
  if (r.category.empty()) r.category = r.family.substr(0, k);
  while (k < r.family.size() && std::isdigit(static_cast<unsigned char>(r.family[k]))) ++k;
  const std::string suffix = r.family.substr(k);
  r.bare_metal = name.find("metal") != std::string::npos;
  r.burstable = r.category == "t";
  if (r.type.architecture == CpuArchitecture::kArm64 || suffix.find('g') != std::string::npos) r.manufacturer = "amazon-web-services";
  else if (!suffix.empty() && suffix[0] == 'a') r.manufacturer = "amd";
  else r.manufacturer = "intel";
}

Ec2TypeRow from_region_row(const std::vector<std::string>& c) {
  Ec2TypeRow r;
  r.type.name = c[1];
  r.type.architecture = c[5] == "arm64" ? CpuArchitecture::kArm64 : CpuArchitecture::kX86_64;
  r.type.vcpu = static_cast<int>(to_double(c[2]));
  r.type.memory_mib = static_cast<int>(to_double(c[3]));
  r.type.gpus = static_cast<int>(to_double(c[4]));
  r.has_price = !c[6].empty();
  r.type.on_demand_usd_per_hour = to_double(c[6]);
  // Spot: the same derivation as the us-east-1 table, On-Demand x (1 - the Advisor's savings).
  const auto& advice = spot_advice();
  const auto it = advice.find(c[0] + "/" + c[1]);
  r.has_spot_data = it != advice.end() && r.has_price;
  r.type.spot_band = r.has_spot_data ? it->second.band : 4;
  r.type.spot_usd_per_hour =
      r.has_spot_data ? spot_estimate(r.type.on_demand_usd_per_hour, it->second.savings_pct) : r.type.on_demand_usd_per_hour;
  r.type.max_enis = default_max_enis(r.type.vcpu);
  r.source = "scenarios/data/aws_ec2_linux_prices_by_region.csv row " + c[0] + " " + c[1] + " (On-Demand " + c[14] +
             (r.has_spot_data ? "; Spot = On-Demand x (1 - " + std::to_string(it->second.savings_pct) +
                                    "% Spot Advisor savings), aws_ec2_spot_advisor_linux_by_region.csv 2025-06)"
                              : "; no Spot Advisor data)");
  describe_family(r);
  return r;
}

Ec2TypeRow from_us_east_1_row(const std::vector<std::string>& c) {
  Ec2TypeRow r;
  r.type.name = c[0];
  r.category = c[2];
  r.type.architecture = c[4] == "arm64" ? CpuArchitecture::kArm64 : CpuArchitecture::kX86_64;
  r.type.vcpu = static_cast<int>(to_double(c[5]));
  r.type.memory_mib = static_cast<int>(to_double(c[6]));
  r.type.network_bandwidth_mbps = static_cast<int>(to_double(c[7]));
  r.type.gpus = static_cast<int>(to_double(c[8]));
  r.has_price = !c[10].empty();
  r.type.on_demand_usd_per_hour = to_double(c[10]);
  const int band = band_index(c[12]);
  r.has_spot_data = band >= 0 && !c[13].empty();
  r.type.spot_band = band >= 0 ? band : 4;
  r.type.spot_usd_per_hour = r.has_spot_data ? to_double(c[13]) : r.type.on_demand_usd_per_hour;
  r.type.max_enis = default_max_enis(r.type.vcpu);
  r.source = "scenarios/data/aws_ec2_us-east-1_linux_prices_specs.csv row " + c[0] + " (On-Demand 2026-07-20" +
             (r.has_spot_data ? "; Spot = On-Demand x (1 - Spot Advisor savings), 2025-06)" : "; no Spot Advisor data)");
  r.has_bandwidth = !c[7].empty();
  describe_family(r);
  return r;
}
}  // namespace

std::optional<std::pair<double, std::string>> ec2_reserved_rate(const std::string& name, const std::string& region, int years) {
  std::optional<std::pair<double, std::string>> out;
  for_each_row(region_rows(), [&](const std::vector<std::string>& c) {
    if (c[0] != region || c[1] != name) return true;
    const std::string& v = years == 3 ? c[8] : c[7];
    if (!v.empty())
      out = std::pair<double, std::string>{to_double(v), "scenarios/data/aws_ec2_linux_prices_by_region.csv row " + region + " " + name + " (" +
                                                           std::to_string(years) + "-year Standard RI, No Upfront, snapshot of 2019-04-05)"};
    return false;
  });
  return out;
}

std::optional<Ec2TypeRow> ec2_instance_type(const std::string& name, const std::string& region) {
  std::optional<Ec2TypeRow> out;
  if (region != "us-east-1") {
    for_each_row(region_rows(), [&](const std::vector<std::string>& c) {
      if (c[0] != region || c[1] != name) return true;
      out = from_region_row(c);
      return false;
    });
  } else {
    for_each_row(ec2_rows(), [&](const std::vector<std::string>& c) {
      if (c[0] != name) return true;
      out = from_us_east_1_row(c);
      return false;
    });
  }
  if (out && out->type.vcpu <= 0) return std::nullopt;  // a priced type without sizes: unusable
  return out;
}

std::vector<Ec2TypeRow> ec2_instance_types(const std::string& region) {
  std::vector<Ec2TypeRow> out;
  if (region != "us-east-1") {
    for_each_row(region_rows(), [&](const std::vector<std::string>& c) {
      if (c[0] == region) out.push_back(from_region_row(c));
      return true;
    });
  } else {
    for_each_row(ec2_rows(), [&](const std::vector<std::string>& c) {
      out.push_back(from_us_east_1_row(c));
      return true;
    });
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const Ec2TypeRow& r) { return r.type.vcpu <= 0 || !r.has_price; }), out.end());
  return out;
}

std::vector<std::string> ec2_instance_type_names(const std::string& region) {
  std::vector<std::string> out;
  if (region != "us-east-1") {
    for_each_row(region_rows(), [&](const std::vector<std::string>& c) {
      if (c[0] == region && !c[2].empty()) out.push_back(c[1]);
      return true;
    });
    return out;
  }
  for_each_row(ec2_rows(), [&](const std::vector<std::string>& c) {
    if (!c[5].empty()) out.push_back(c[0]);
    return true;
  });
  return out;
}

}  // namespace ecsim::scenarios::detail
