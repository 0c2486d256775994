// Scenario loading: parse YAML, validate into ScenarioConfig, build a Simulator.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/simulator.hpp"
#include "ecsim/scaling/predictive.hpp"
#include "ecsim/scaling/scaling_policy.hpp"

namespace ecsim::scenarios {

/// One problem in a scenario, located in its file (1-based line and column).
struct Diagnostic {
  std::string file;
  int line = 0;  ///< 1-based; 0 when the problem has no position (a --set expression)
  int column = 0;
  std::string path;  ///< YAML path such as services[0].desiredCount
  std::string message;
  /// "FILE:LINE:COL: path: message" (or "--set EXPR: path: message").
  std::string str() const;
};

/// Every problem found in a scenario, collected in one pass.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> errors);
  const std::vector<Diagnostic>& errors() const { return errors_; }

 private:
  std::vector<Diagnostic> errors_;
};

/// A scenario's YAML text with its origin, and the --set overrides to apply.
struct ScenarioSource {
  std::string text;
  std::string file_name = "<string>";        ///< used in messages
  std::filesystem::path base_dir = ".";      ///< relative `file:` paths resolve here
  std::vector<std::string> overrides;        ///< "PATH=VALUE", applied in order
};

/// Reads a scenario file. Throws ScenarioError when it cannot be read.
ScenarioSource read_scenario_file(const std::filesystem::path& path);

/// Parses and validates. Throws ScenarioError with every problem found.
ScenarioConfig load(const ScenarioSource& source);

/// A scenario parsed once and loaded many times with different overrides (the points of a
/// sweep): each load copies the parsed tree instead of parsing the text again, and a load
/// whose overrides change service items only reads just those items again. A load gives
/// exactly what load() gives for the source with the extra overrides, errors included: a
/// load that finds a problem parses the text again, so every error keeps its line and column
/// (a copied tree has no positions). Loads may run on several threads at once.
class PreparedScenario {
 public:
  explicit PreparedScenario(ScenarioSource source);
  ~PreparedScenario();
  PreparedScenario(const PreparedScenario&) = delete;
  PreparedScenario& operator=(const PreparedScenario&) = delete;
  /// load() of the source with `overrides` applied after its own.
  ScenarioConfig load(const std::vector<std::string>& overrides = {}) const;
  const ScenarioSource& source() const { return source_; }
  /// How many loads read only the service items their overrides change (services[NAME].PATH=
  /// VALUE and nothing else), taking every other section and item from an earlier load.
  std::size_t reused_loads() const;

 private:
  struct Tree;
  ScenarioSource source_;
  std::unique_ptr<Tree> tree_;  ///< null: the text has errors of its own (load() reports them)
};

/// Builds a simulator for one replication with the built-in placement.
std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication = 0);

/// Same, adding user-defined scaling policies to services by name (each named service needs
/// `autoScaling` for its MinCapacity/MaxCapacity). Throws std::invalid_argument otherwise.
using ExtraPolicies = std::map<std::string, std::vector<std::unique_ptr<scaling::ScalingPolicy>>>;
std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication, ExtraPolicies extra);
/// Same, with forecasters that replace the built-in one of services' PredictiveScaling policies
/// (each named service needs one). Throws std::invalid_argument otherwise.
using ExtraForecasters = std::map<std::string, std::shared_ptr<scaling::Forecaster>>;
std::unique_ptr<Simulator> build(const ScenarioConfig& config, std::uint64_t replication, ExtraPolicies extra,
                                 ExtraForecasters forecasters);

/// The valid Fargate memory values (MiB) for a cpu value (CPU units); empty if cpu is invalid.
std::vector<int> fargate_memory_choices(int cpu_units);

}  // namespace ecsim::scenarios
