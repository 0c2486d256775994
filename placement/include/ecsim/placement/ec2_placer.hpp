// Task placement on EC2 container instances: constraints filter, strategies rank.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ecsim/core/config.hpp"
#include "ecsim/core/instance_placer.hpp"
#include "ecsim/placement/free_index.hpp"
#include "ecsim/placement/query.hpp"

namespace ecsim::placement {

/// Places tasks as ECS documents it:
///  1. candidates: ACTIVE (not draining) instances of the capacity provider with enough CPU
///     units, memory, free host ports and (awsvpc) a free task ENI, that satisfy every
///     constraint (distinctInstance: no task of the same group there; memberOf: the
///     expression holds);
///  2. strategies in order narrow the candidates: spread keeps those whose field value
///     holds the fewest tasks of the group, binpack those with the least of the resource
///     left, random picks one (seeded);
///  3. the final tie-break is the instance that registered first.
/// Steps 1-3 amount to the lexicographic minimum of a per-instance key, which is what the
/// reference scan computes. Rules of the common shape "[spread by availability zone,]
/// binpack" use an index instead: per (memberOf class, provider, zone) FreeIndex blocks
/// ordered by (free resource, registration order) that carry the maxima of the other resource
/// and of free ENIs, so the first instance that fits is found without a scan (instances
/// failing the memberOf constraints are not in their class's index at all). Rules shaped
/// "[spread by availability zone,] spread by instanceId" (ECS's default for services) use
/// per (rules, provider, zone) indexes ordered by (the group's tasks on the instance,
/// registration order) with the maxima of free memory, CPU and ENIs; they are kept
/// for every such rules, so a reservation updates each of them on its instance.
class Ec2Placer final : public InstancePlacer {
 public:
  /// Compiles the placement rules of every service and runTasks group of `config`.
  /// Throws QueryError for a bad memberOf expression (the loader reports it first).
  explicit Ec2Placer(const ScenarioConfig& config);
  /// For tests and benchmarks: explicit rules (index = rules id), `num_providers` providers
  /// with `num_zones` zones each.
  Ec2Placer(std::vector<PlacementRulesConfig> rules, int num_providers, int num_zones);

  void add_instance(const InstanceInfo& info) override;
  void set_accepting(std::uint32_t id, bool accepting) override;
  void remove_instance(std::uint32_t id) override;
  using InstancePlacer::place;
  PlacementResult place(int provider, int rules, const TaskDemand& demand, Rng& rng, bool explain) override;
  bool place_on(std::uint32_t id, int rules, const TaskDemand& demand) override;
  void release(std::uint32_t id, int rules, const TaskDemand& demand) override;

  /// The same decision by a full scan (no index), without reserving: for conformance tests.
  PlacementResult choose_by_scan(int provider, int rules, const TaskDemand& demand, Rng& rng, bool explain = true) const;
  /// The indexed decision without reserving (falls back to the scan for other rule shapes).
  PlacementResult choose(int provider, int rules, const TaskDemand& demand, Rng& rng, bool explain = true) const;
  bool uses_index(int rules) const { return rules_[rules].indexed; }

  /// Free resources of an instance (tests).
  struct Free {
    int cpu_units = 0, memory_mib = 0, task_enis = 0;
  };
  Free free_of(std::uint32_t id) const;
  /// Tasks of `rules`' group on the instance (tests).
  int group_tasks_on(std::uint32_t id, int rules) const;

 private:
  enum class Key { kSpreadInstance, kSpreadAttribute, kBinpackCpu, kBinpackMemory, kRandom };
  struct CompiledStrategy {
    Key key;
    int attribute = -1;  // kSpreadAttribute
  };
  struct CompiledRules {
    std::vector<CompiledStrategy> strategies;
    std::vector<int> member_of;  // indices into queries_
    bool distinct_instance = false;
    bool indexed = false;
    bool index_spreads_zones = false;
    bool index_on_memory = true;
    bool index_by_count = false;  // ordered by the group's tasks per instance (spread instanceId)
    int index_class = 0;  // instances satisfying every memberOf constraint of these rules
  };
  struct Instance {
    std::uint32_t id = 0;
    int provider = 0, zone = 0;
    int cpu = 0, memory = 0, enis = 0, gpus = 0;
    bool accepting = true, alive = true;
    std::vector<int> ports;
    std::vector<std::pair<int, int>> groups;  // (rules id, tasks)
    std::vector<int> attribute_values;        // by attribute id; -1 when absent
    std::vector<char> query_ok;               // by query index
    std::vector<int> classes;                 // index classes the instance belongs to
    std::vector<int> count_rules;             // rules (index_by_count) whose index holds it
  };
  using SetKey = FreeIndex::Key;  // (free amount, dense index)
  struct ZoneSets {
    FreeIndex by_cpu, by_memory;  // keyed by free CPU (other: memory) / free memory (other: CPU)
  };
  enum Stage { kFailMemberOf, kFailDistinct, kFailCpu, kFailMemory, kFailGpu, kFailPort, kFailEni, kFits };

  void compile(std::vector<PlacementRulesConfig> rules);
  int attribute_id(const std::string& name);
  int value_id(int attribute, const std::string& value);
  Stage check(const Instance& in, const CompiledRules& r, int rules, const TaskDemand& d) const;
  /// The resource checks alone (CPU, memory, host ports, ENI).
  static Stage resources(const Instance& in, const TaskDemand& d);
  long long key_part(const CompiledStrategy& s, const Instance& in, int rules) const;
  static int tasks_of(const Instance& in, int rules);
  int spread_count(int rules, int attribute, int value) const;
  int& spread_slot(int rules, int attribute, int value);
  std::size_t spread_row(int rules, int attribute) const;
  int zone_value(int provider, int zone) const;
  void index_insert(std::uint32_t dense);
  void index_erase(std::uint32_t dense);
  void class_sets_insert(std::uint32_t dense);  ///< the indexes keyed by free resources
  void class_sets_erase(std::uint32_t dense);
  void reserve(std::uint32_t dense, int rules, const TaskDemand& d, int sign);
  PlacementResult failure(int provider, int rules, const TaskDemand& d) const;
  std::uint32_t dense_of(std::uint32_t id) const;

  std::vector<CompiledRules> rules_;
  std::vector<Query> queries_;
  std::vector<std::string> query_text_;
  std::unordered_map<std::string, int> attribute_ids_;
  std::vector<std::unordered_map<std::string, int>> value_ids_;
  std::vector<std::string> attribute_names_;
  std::vector<int> spread_attributes_;  // attributes any rules spread on
  int zone_attribute_ = -1;
  std::vector<Instance> instances_;  // dense, in registration order
  std::unordered_map<std::uint32_t, std::uint32_t> dense_;
  std::vector<std::vector<int>> classes_;                  // memberOf query sets; class 0: none
  std::vector<std::vector<std::vector<ZoneSets>>> sets_;   // [class][provider][zone]
  std::vector<std::vector<std::vector<FreeIndex>>> count_sets_;  // [rules][provider][zone], index_by_count rules only
  int num_providers_ = 0;
  std::vector<std::pair<bool, bool>> class_keys_;  // [class]: (by CPU, by memory) index kept
  std::vector<int> zone_values_;  // [provider * zones + zone]: value id of ecs.availability-zone
  std::vector<std::vector<std::uint32_t>> members_;        // [provider] dense indices, ascending
  std::vector<std::vector<int>> spread_counts_;  // [rules * spread attributes + slot][value + 1] -> tasks
  int num_zones_ = 1;
};

/// An Ec2Placer for the scenario (null when it has no Auto Scaling group providers).
std::unique_ptr<InstancePlacer> make_ec2_placer(const ScenarioConfig& config);

}  // namespace ecsim::placement
