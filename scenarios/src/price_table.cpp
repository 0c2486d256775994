// The bundled Fargate price table, parsed once per call from the embedded CSV.
// SPDX-License-Identifier: Apache-2.0
#include "price_table.hpp"

#include "ecsim/core/load_source.hpp"  // split_csv_line

#include <charconv>
#include <sstream>

namespace ecsim::scenarios::detail {

extern const char* const kFargatePricesCsv;  // generated from scenarios/data/aws_fargate_prices.csv

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
    if (r.region == region && r.platform == platform && r.capacity == capacity) return FargateRate{r.vcpu, r.gb};
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

}  // namespace ecsim::scenarios::detail
