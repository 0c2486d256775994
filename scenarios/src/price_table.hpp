// Private: the bundled price tables (scenarios/data/aws_fargate_prices_by_region.csv,
// aws_ec2_us-east-1_linux_prices_specs.csv, aws_ec2_linux_prices_by_region.csv; embedded).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "ecsim/core/config.hpp"

namespace ecsim::scenarios::detail {

/// Rate for (region, platform "Linux/x86" | "Linux/ARM" | "Windows/x86", capacity "FARGATE" |
/// "FARGATE_SPOT"), its source naming the table row; of several snapshots, the latest.
std::optional<FargateRate> fargate_rate(const std::string& region, const std::string& platform, const std::string& capacity);
/// Ephemeral storage rate above the included 20 GB, per GB-hour, for a region.
std::optional<double> fargate_ephemeral_rate(const std::string& region);
/// Regions with Linux/x86 FARGATE rows.
std::vector<std::string> fargate_regions();

/// An EC2 instance type: in us-east-1 from the us-east-1 table (prices, size, Spot savings and
/// band), elsewhere from the by-region table (On-Demand and size) joined with the Spot Advisor's
/// savings and band for the region (aws_ec2_spot_advisor_linux_by_region.csv).
/// `has_spot_data` is false where no Spot estimate exists.
struct Ec2TypeRow {
  InstanceTypeConfig type;
  bool has_price = false;
  bool has_spot_data = false;
  std::string source;  ///< the table row
  // What instanceRequirements select by (Managed Instances).
  std::string family;        ///< "m6gd"
  std::string category;      ///< "m" (the us-east-1 table's category; else the family's letters)
  std::string manufacturer;  ///< intel, amd or amazon-web-services (from the family's letters)
  bool bare_metal = false, burstable = false;
  bool has_bandwidth = false;  ///< network_bandwidth_mbps known (us-east-1 table)
};
std::optional<Ec2TypeRow> ec2_instance_type(const std::string& name, const std::string& region);
/// A type's Standard Reserved Instance rate, No Upfront (effective USD per hour), for a 1- or
/// 3-year term in the region, with the table row it came from; nullopt if the table has none.
std::optional<std::pair<double, std::string>> ec2_reserved_rate(const std::string& name, const std::string& region, int years);
/// Every priced type with sizes in the region's table.
std::vector<Ec2TypeRow> ec2_instance_types(const std::string& region);
/// Every type name in the region's table (for suggestions).
std::vector<std::string> ec2_instance_type_names(const std::string& region);
/// Network interfaces per instance (primary included) by vCPU count: the m5/c5/r5 figures
/// of the EC2 User Guide's table (1-2 vCPU: 3 ... 64+ vCPU: 15), used for types without
/// an override (capacityProviders[].ecsim.maxNetworkInterfaces).
int default_max_enis(int vcpu);

}  // namespace ecsim::scenarios::detail
