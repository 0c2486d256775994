// Task placement on EC2 container instances: constraints filter, strategies rank.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
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
/// reference scan computes. Every chain uses an index instead: the instances satisfying the
/// rules' memberOf constraints (a class, shared by rules with the same expressions) are
/// partitioned by the values of the attributes the chain spreads on, and each partition
/// keeps a FreeIndex ordered by the chain's per-instance parts (the group's tasks for spread
/// by instanceId, free CPU or memory for binpack) and registration order, with the maxima of
/// free CPU, memory and ENIs per block. A query visits the partitions in order of the
/// group's task count on their attribute values, takes the first fit of each, and compares
/// them on the whole chain. Indexes without the group's task count are shared by rules of
/// the same class and shape; those with it are kept per rules, so a reservation updates each
/// of them on its instance. A chain ending in random draws uniformly among the instances
/// tied with that minimum: it draws from the tied key range of the index and keeps the first
/// draw that fits (every fitting tie is as likely), and after kRandomDraws misses counts the
/// fitting ties and draws among them.
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
  /// The indexed decision without reserving (chains of more than kMaxChain distinct
  /// strategies fall back to the scan).
  PlacementResult choose(int provider, int rules, const TaskDemand& demand, Rng& rng, bool explain = true) const;
  bool uses_index(int rules) const { return rules_[rules].indexed; }
  /// The instances the reference scan finds tied at the minimum key (the random draw's
  /// candidates), in registration order: for conformance tests.
  std::vector<std::uint32_t> ties_by_scan(int provider, int rules, const TaskDemand& demand) const;
  /// Draws a random chain makes before it counts the fitting ties instead.
  static constexpr int kRandomDraws = 8;

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
  /// One step of an indexed chain: an attribute's task count (slot in the index's
  /// attributes) or a part of the index key (0-2).
  struct ChainPart {
    bool attribute = false;
    int slot = 0;
  };
  static constexpr std::size_t kMaxChain = 8;  // longer chains (ECS allows 5 strategies) scan
  struct CompiledRules {
    std::vector<CompiledStrategy> strategies;
    std::vector<int> member_of;  // indices into queries_
    bool distinct_instance = false;
    bool random = false;  // the chain ends in random
    bool indexed = false;
    int spec = -1;                  // the index (specs_)
    std::vector<ChainPart> chain;   // the strategies before random, repeats dropped
    std::size_t leading = 0;        // attribute parts before the first key part
  };
  /// An index: instances of a memberOf class, per provider partitioned by the values of
  /// `attributes`, each partition ordered by `parts`.
  struct Partition {
    std::vector<int> values;  // value ids of the spec's attributes (-1: absent)
    FreeIndex index;
  };
  struct IndexSpec {
    int klass = 0;
    std::vector<Key> parts;       // kSpreadInstance, kBinpackCpu, kBinpackMemory; at most one each
    std::vector<int> attributes;  // attribute ids
    int rules = -1;               // the group whose task count is a part (kSpreadInstance)
    bool resource_part = false;   // a part moves with free CPU or memory
    std::vector<std::vector<Partition>> partitions;  // [provider]
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
    std::vector<std::pair<int, int>> specs;   // (index spec, partition) holding the instance
  };
  using SetKey = FreeIndex::Key;
  enum Stage { kFailMemberOf, kFailDistinct, kFailCpu, kFailMemory, kFailGpu, kFailPort, kFailEni, kFits };
  /// A partition's best fit for a query.
  struct Candidate {
    int partition = -1;
    SetKey key;
  };

  void compile(std::vector<PlacementRulesConfig> rules);
  void compile_index(CompiledRules& r, int rules);
  int attribute_id(const std::string& name);
  int value_id(int attribute, const std::string& value);
  Stage check(const Instance& in, const CompiledRules& r, int rules, const TaskDemand& d) const;
  /// The resource checks alone (CPU, memory, host ports, ENI).
  static Stage resources(const Instance& in, const TaskDemand& d);
  long long key_part(const CompiledStrategy& s, const Instance& in, int rules) const;
  /// The reference scan: the fitting instances at the minimum key, in registration order.
  std::vector<std::uint32_t> scan_ties(int provider, int rules, const TaskDemand& d) const;
  static int tasks_of(const Instance& in, int rules);
  int spread_count(int rules, int attribute, int value) const;
  int& spread_slot(int rules, int attribute, int value);
  std::size_t spread_row(int rules, int attribute) const;
  SetKey index_key(const IndexSpec& spec, const Instance& in, std::uint32_t dense) const;
  void index_insert(std::uint32_t dense);
  void index_erase(std::uint32_t dense);
  void reserve(std::uint32_t dense, int rules, const TaskDemand& d, int sign);
  PlacementResult failure(int provider, int rules, const TaskDemand& d) const;
  std::uint32_t dense_of(std::uint32_t id) const;
  /// The value of chain part `k` of rules `r` for a key found in `partition`.
  long long chain_value(const CompiledRules& r, int rules, const Partition& partition, const SetKey& key, std::size_t k) const;
  /// A random chain's draw among the ties of `best` (found in the partitions `tied`).
  std::uint32_t draw_tie(const CompiledRules& r, int rules, const std::vector<Partition>& partitions, const Candidate* tied,
                         std::size_t num_tied, const TaskDemand& d, Rng& rng) const;

  std::vector<CompiledRules> rules_;
  std::vector<IndexSpec> specs_;
  /// A non-empty partition and the group's tasks on its leading attributes' values.
  struct Lead {
    std::array<long long, kMaxChain> levels{};
    int partition = 0;
  };
  mutable std::vector<Lead> order_scratch_;      // choose's partition order (no allocation per call)
  mutable std::vector<Candidate> tied_scratch_;  // choose's tied finds of a random chain
  std::vector<Query> queries_;
  std::vector<std::string> query_text_;
  std::unordered_map<std::string, int> attribute_ids_;
  std::vector<std::unordered_map<std::string, int>> value_ids_;
  std::vector<std::string> attribute_names_;
  std::vector<int> spread_attributes_;  // attributes any rules spread on
  std::vector<Instance> instances_;  // dense, in registration order
  std::unordered_map<std::uint32_t, std::uint32_t> dense_;
  std::vector<std::vector<int>> classes_;                  // memberOf query sets; class 0: none
  int num_providers_ = 0;
  std::vector<std::vector<std::uint32_t>> members_;        // [provider] dense indices, ascending
  std::vector<std::vector<int>> spread_counts_;  // [rules * spread attributes + slot][value + 1] -> tasks
  int num_zones_ = 1;
};

/// An Ec2Placer for the scenario (null when it has no Auto Scaling group providers).
std::unique_ptr<InstancePlacer> make_ec2_placer(const ScenarioConfig& config);

}  // namespace ecsim::placement
