// Helpers for tests: build and run a scenario from YAML text, query its event log.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ecsim/core/event_log.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::testing {

/// A scenario run to its horizon with the event log kept as columns.
struct Ran {
  std::unique_ptr<Simulator> sim;
  std::unique_ptr<EventColumns> log;

  /// Times of the events of `kind` (optionally for one task id), in log order.
  std::vector<double> times(const std::string& kind, std::uint64_t task = 0) const {
    std::vector<double> out;
    for (std::size_t i = 0; i < log->t.size(); ++i)
      if (log->kind[i] == kind && (task == 0 || log->task[i] == task)) out.push_back(log->t[i]);
    return out;
  }
  /// Task ids of the events of `kind`, in log order.
  std::vector<std::uint64_t> tasks(const std::string& kind) const {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < log->t.size(); ++i)
      if (log->kind[i] == kind) out.push_back(log->task[i]);
    return out;
  }
  std::size_t count(const std::string& kind) const { return times(kind).size(); }
};

inline ScenarioConfig load_yaml(const std::string& yaml, std::vector<std::string> overrides = {}) {
  scenarios::ScenarioSource src;
  src.text = yaml;
  src.file_name = "test.yaml";
  src.overrides = std::move(overrides);
  return scenarios::load(src);
}

inline Ran run_config(const ScenarioConfig& cfg, std::uint64_t replication = 0) {
  Ran r;
  r.sim = scenarios::build(cfg, replication);
  r.log = std::make_unique<EventColumns>();
  r.sim->add_observer(r.log.get());
  r.sim->run();
  return r;
}

inline Ran run_yaml(const std::string& yaml, std::vector<std::string> overrides = {}) {
  return run_config(load_yaml(yaml, std::move(overrides)));
}

/// events.csv text of a run.
inline std::string events_csv(const ScenarioConfig& cfg, std::uint64_t replication = 0) {
  std::ostringstream out;
  auto sim = scenarios::build(cfg, replication);
  EventCsvWriter w(out);
  sim->add_observer(&w);
  sim->run();
  return out.str();
}

/// A one-cluster Fargate scenario skeleton; `extra` is appended (services, timeline, ...).
/// The web task definition: 0.5 vCPU / 1 GB, 100 MiB image, no app start time, so a task
/// is RUNNING 24.5 s after its launch token: provisioning 10 + ENI 10 + pull 2.5 + start 2.
inline std::string fargate_scenario(const std::string& duration, const std::string& extra,
                                    const std::string& td_extra = "") {
  return R"(ecsim: 1
name: t
seed: 1
duration: )" + duration + R"(
clusters:
  - clusterName: c
    capacityProviders: [FARGATE, FARGATE_SPOT]
taskDefinitions:
  - family: web
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "512"
    memory: "1024"
    containerDefinitions:
      - {name: web, image: web:1, essential: true}
    ecsim: {imageSizeMiB: 100)" + td_extra + R"(}
)" + extra;
}

/// A web:2 revision to append to fargate_scenario's task definitions (its `extra` starts
/// there); `ecsim_extra` goes inside its ecsim block.
inline std::string second_revision(const std::string& ecsim_extra = "") {
  return R"(  - family: web
    revision: 2
    requiresCompatibilities: [FARGATE]
    networkMode: awsvpc
    cpu: "512"
    memory: "1024"
    containerDefinitions:
      - {name: web, image: web:2, essential: true}
    ecsim: {imageSizeMiB: 100)" + ecsim_extra + "}\n";
}

/// The stems of the .yaml files in a folder, sorted (fixture lists for parametrized tests).
inline std::vector<std::string> yaml_stems(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

/// A whole file as bytes.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace ecsim::testing
