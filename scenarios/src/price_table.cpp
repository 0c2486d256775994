// The bundled Fargate price table, parsed once per call from the embedded CSV.
// SPDX-License-Identifier: Apache-2.0
#include "price_table.hpp"

#include "ecsim/core/load_source.hpp"  // split_csv_line

#include <charconv>
#include <sstream>

namespace ecsim::scenarios::detail {

extern const char* const kFargatePricesCsv;  // generated from scenarios/data/aws_fargate_prices.csv
extern const char* const kEc2TypesCsv;       // generated from scenarios/data/aws_ec2_us-east-1_linux_prices_specs.csv

namespace {

struct Row {
  std::string region, platform, capacity;
  double vcpu = 0, gb = 0;
};

double to_double(const std::string& s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<Row> rows() {
  std::vector<Row> out;
  std::istringstream in(kFargatePricesCsv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    if (f.size() < 5) continue;
    out.push_back(Row{f[0], f[1], f[2], to_double(f[3]), to_double(f[4])});
  }
  return out;
}

}  // namespace

std::optional<FargateRate> fargate_rate(const std::string& region, const std::string& platform, const std::string& capacity) {
  for (const auto& r : rows())
    if (r.region == region && r.platform == platform && r.capacity == capacity) return FargateRate{r.vcpu, r.gb, {}};
  return std::nullopt;
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

template <class F>
void for_each_ec2_row(F&& f) {
  std::istringstream in(kEc2TypesCsv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto cols = split_csv_line(line);
    if (cols.size() < 14) continue;
    if (!f(cols)) return;
  }
}
}  // namespace

int default_max_enis(int vcpu) {
  if (vcpu <= 2) return 3;
  if (vcpu <= 8) return 4;
  if (vcpu <= 48) return 8;
  return 15;
}

std::optional<Ec2TypeRow> ec2_instance_type(const std::string& name) {
  std::optional<Ec2TypeRow> out;
  for_each_ec2_row([&](const std::vector<std::string>& c) {
    if (c[0] != name) return true;
    Ec2TypeRow r;
    r.type.name = c[0];
    r.type.architecture = c[4] == "arm64" ? CpuArchitecture::kArm64 : CpuArchitecture::kX86_64;
    r.type.vcpu = static_cast<int>(to_double(c[5]));
    r.type.memory_mib = static_cast<int>(to_double(c[6]));
    r.type.gpus = static_cast<int>(to_double(c[8]));
    r.has_price = !c[10].empty();
    r.type.on_demand_usd_per_hour = to_double(c[10]);
    const int band = band_index(c[12]);
    r.has_spot_data = band >= 0 && !c[13].empty();
    r.type.spot_band = band >= 0 ? band : 4;
    r.type.spot_usd_per_hour = r.has_spot_data ? to_double(c[13]) : r.type.on_demand_usd_per_hour;
    r.type.max_enis = default_max_enis(r.type.vcpu);
    out = r;
    return false;
  });
  if (out && out->type.vcpu <= 0) return std::nullopt;  // a priced type without sizes: unusable
  return out;
}

std::vector<std::string> ec2_instance_type_names() {
  std::vector<std::string> out;
  for_each_ec2_row([&](const std::vector<std::string>& c) {
    if (!c[5].empty()) out.push_back(c[0]);
    return true;
  });
  return out;
}

}  // namespace ecsim::scenarios::detail
