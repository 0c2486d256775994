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

}  // namespace ecsim::scenarios::detail
