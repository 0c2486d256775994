// Private: the bundled Fargate price table (scenarios/data/aws_fargate_prices.csv, embedded).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ecsim/core/config.hpp"

namespace ecsim::scenarios::detail {

/// Rate for (region, platform "Linux/x86" | "Linux/ARM" | "Windows/x86", capacity "FARGATE" | "FARGATE_SPOT").
std::optional<FargateRate> fargate_rate(const std::string& region, const std::string& platform, const std::string& capacity);
/// Ephemeral storage rate above the included 20 GB, per GB-hour, for a region.
std::optional<double> fargate_ephemeral_rate(const std::string& region);
/// Regions with Linux/x86 FARGATE rows.
std::vector<std::string> fargate_regions();

/// An EC2 instance type from the bundled us-east-1 table (prices, size, Spot savings and
/// band). `has_spot_data` is false for the types the Spot Advisor snapshot does not list.
struct Ec2TypeRow {
  InstanceTypeConfig type;
  bool has_price = false;
  bool has_spot_data = false;
};
std::optional<Ec2TypeRow> ec2_instance_type(const std::string& name);
/// Every type name in the table (for suggestions).
std::vector<std::string> ec2_instance_type_names();
/// Network interfaces per instance (primary included) by vCPU count: the m5/c5/r5 figures
/// of the EC2 User Guide's table (1-2 vCPU: 3 ... 64+ vCPU: 15), used for types without
/// an override (capacityProviders[].ecsim.maxNetworkInterfaces).
int default_max_enis(int vcpu);

}  // namespace ecsim::scenarios::detail
