// EC2 task placement: constraint filter, strategy ranking, and the ordered-set index.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/placement/ec2_placer.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ecsim::placement {

namespace {
constexpr const char* kZoneAttribute = "ecs.availability-zone";
constexpr const char* kUnplaceable = "unable to place a task because no container instance met all of its requirements. ";

}  // namespace

Ec2Placer::Ec2Placer(const ScenarioConfig& config) {
  std::vector<PlacementRulesConfig> rules;
  for (const auto& s : config.services) rules.push_back(s.placement);
  for (const auto& g : config.run_tasks) rules.push_back(g.placement);
  num_zones_ = std::max<int>(1, static_cast<int>(config.availability_zones.size()));
  num_providers_ = config.num_providers();
  members_.assign(config.num_providers(), {});
  compile(std::move(rules));
}

Ec2Placer::Ec2Placer(std::vector<PlacementRulesConfig> rules, int num_providers, int num_zones) {
  num_zones_ = std::max(1, num_zones);
  num_providers_ = num_providers;
  members_.assign(num_providers, {});
  compile(std::move(rules));
}

int Ec2Placer::attribute_id(const std::string& name) {
  auto [it, inserted] = attribute_ids_.try_emplace(name, static_cast<int>(attribute_names_.size()));
  if (inserted) {
    attribute_names_.push_back(name);
    value_ids_.emplace_back();
  }
  return it->second;
}

int Ec2Placer::value_id(int attribute, const std::string& value) {
  auto& m = value_ids_[attribute];
  return m.try_emplace(value, static_cast<int>(m.size())).first->second;
}

void Ec2Placer::compile(std::vector<PlacementRulesConfig> rules) {
  zone_attribute_ = attribute_id(kZoneAttribute);
  classes_.assign(1, {});
  for (const auto& rc : rules) {
    CompiledRules r;
    for (const auto& s : rc.strategies) {
      CompiledStrategy cs{Key::kRandom, -1};
      switch (s.type) {
        case PlacementStrategyType::kRandom: cs.key = Key::kRandom; break;
        case PlacementStrategyType::kBinpack:
          if (s.field == "cpu") cs.key = Key::kBinpackCpu;
          else if (s.field == "memory") cs.key = Key::kBinpackMemory;
          else throw std::invalid_argument("binpack field must be cpu or memory, not '" + s.field + "'");
          break;
        case PlacementStrategyType::kSpread:
          if (s.field == "instanceId" || s.field == "host") {
            cs.key = Key::kSpreadInstance;
          } else if (s.field.rfind("attribute:", 0) == 0 && s.field.size() > 10) {
            cs.key = Key::kSpreadAttribute;
            cs.attribute = attribute_id(s.field.substr(10));
            if (std::find(spread_attributes_.begin(), spread_attributes_.end(), cs.attribute) == spread_attributes_.end())
              spread_attributes_.push_back(cs.attribute);
          } else {
            throw std::invalid_argument("spread field must be instanceId, host or attribute:NAME, not '" + s.field + "'");
          }
          break;
      }
      r.strategies.push_back(cs);
      if (cs.key == Key::kRandom) break;  // later strategies cannot change a random pick
    }
    for (const auto& c : rc.constraints) {
      if (c.type == PlacementConstraintType::kDistinctInstance) {
        r.distinct_instance = true;
      } else {
        r.member_of.push_back(static_cast<int>(queries_.size()));
        queries_.push_back(Query::parse(c.expression));
        query_text_.push_back(c.expression);
      }
    }
    const auto& st = r.strategies;
    auto is_binpack = [](const CompiledStrategy& s) { return s.key == Key::kBinpackCpu || s.key == Key::kBinpackMemory; };
    if (st.size() == 1 && is_binpack(st[0])) {
      r.indexed = true;
      r.index_on_memory = st[0].key == Key::kBinpackMemory;
    } else if (st.size() == 2 && st[0].key == Key::kSpreadAttribute && st[0].attribute == zone_attribute_ && is_binpack(st[1])) {
      r.indexed = true;
      r.index_spreads_zones = true;
      r.index_on_memory = st[1].key == Key::kBinpackMemory;
    } else if (!st.empty() && st.back().key == Key::kSpreadInstance &&
               (st.size() == 1 || (st.size() == 2 && st[0].key == Key::kSpreadAttribute && st[0].attribute == zone_attribute_))) {
      // Spread over instances last: ties (equal task counts) fall to registration order.
      r.indexed = r.index_by_count = true;
      r.index_spreads_zones = st.size() == 2;
    }
    if (r.indexed && !r.index_by_count && !r.member_of.empty()) {
      // Rules with the same memberOf expressions share a class (queries are per rules, so
      // compare their text).
      std::vector<int> sig = r.member_of;
      auto same = [&](const std::vector<int>& a, const std::vector<int>& b) {
        if (a.size() != b.size()) return false;
        for (std::size_t k = 0; k < a.size(); ++k)
          if (query_text_[static_cast<std::size_t>(a[k])] != query_text_[static_cast<std::size_t>(b[k])]) return false;
        return true;
      };
      auto it = std::find_if(classes_.begin() + 1, classes_.end(), [&](const std::vector<int>& c) { return same(c, sig); });
      if (it == classes_.end()) it = classes_.insert(classes_.end(), sig);
      r.index_class = static_cast<int>(it - classes_.begin());
    }
    rules_.push_back(std::move(r));
  }
  // Keep only the indexes some rules read.
  class_keys_.assign(classes_.size(), {false, false});
  for (const auto& r : rules_)
    if (r.indexed && !r.index_by_count) (r.index_on_memory ? class_keys_[static_cast<std::size_t>(r.index_class)].second
                                      : class_keys_[static_cast<std::size_t>(r.index_class)].first) = true;
  zone_values_.assign(static_cast<std::size_t>(num_providers_) * static_cast<std::size_t>(num_zones_), -1);
  sets_.assign(classes_.size(), std::vector<std::vector<ZoneSets>>(static_cast<std::size_t>(num_providers_)));
  for (auto& by_provider : sets_)
    for (auto& zones : by_provider) zones = std::vector<ZoneSets>(static_cast<std::size_t>(num_zones_));
  count_sets_.assign(rules_.size(), {});
  for (std::size_t k = 0; k < rules_.size(); ++k)
    if (rules_[k].index_by_count)
      count_sets_[k].assign(static_cast<std::size_t>(num_providers_), std::vector<FreeIndex>(static_cast<std::size_t>(num_zones_)));
}

std::uint32_t Ec2Placer::dense_of(std::uint32_t id) const {
  auto it = dense_.find(id);
  if (it == dense_.end()) throw std::out_of_range("unknown container instance " + instance_name(id));
  return it->second;
}

void Ec2Placer::add_instance(const InstanceInfo& info) {
  if (info.id == 0 || dense_.count(info.id)) throw std::invalid_argument("instance ids must be unique and > 0");
  if (info.provider < 0 || info.provider >= num_providers_ || info.zone < 0 || info.zone >= num_zones_)
    throw std::out_of_range("instance provider or zone out of range");
  Instance in;
  in.id = info.id;
  in.provider = info.provider;
  in.zone = info.zone;
  in.cpu = info.cpu_units;
  in.memory = info.memory_mib;
  in.enis = info.task_enis;
  in.gpus = info.gpus;
  for (const auto& [name, value] : info.attributes) {
    const int a = attribute_id(name);
    if (in.attribute_values.size() <= static_cast<std::size_t>(a)) in.attribute_values.resize(a + 1, -1);
    in.attribute_values[a] = value_id(a, value);
  }
  in.query_ok.reserve(queries_.size());
  const std::string iid = instance_name(info.id);
  for (const auto& q : queries_) {
    in.query_ok.push_back(q.matches([&](std::string_view subject) -> std::optional<std::string_view> {
      if (subject == "ec2InstanceId") return std::string_view(iid);
      const auto name = subject.substr(10);  // attribute:NAME
      for (const auto& [n, v] : info.attributes)
        if (n == name) return std::string_view(v);
      return std::nullopt;
    }) ? 1 : 0);
  }
  for (std::size_t k = 0; k < rules_.size(); ++k)
    if (rules_[k].index_by_count &&
        std::all_of(rules_[k].member_of.begin(), rules_[k].member_of.end(), [&](int q) { return in.query_ok[static_cast<std::size_t>(q)] != 0; }))
      in.count_rules.push_back(static_cast<int>(k));
  for (std::size_t c = 0; c < classes_.size(); ++c)
    if ((class_keys_[c].first || class_keys_[c].second) && std::all_of(classes_[c].begin(), classes_[c].end(), [&](int q) { return in.query_ok[static_cast<std::size_t>(q)] != 0; }))
      in.classes.push_back(static_cast<int>(c));
  // Every instance of a zone carries the same zone attribute value (the simulator sets it).
  zone_values_[static_cast<std::size_t>(in.provider) * static_cast<std::size_t>(num_zones_) + static_cast<std::size_t>(in.zone)] =
      zone_attribute_ < static_cast<int>(in.attribute_values.size()) ? in.attribute_values[static_cast<std::size_t>(zone_attribute_)] : -1;
  const auto dense = static_cast<std::uint32_t>(instances_.size());
  instances_.push_back(std::move(in));
  dense_.emplace(info.id, dense);
  members_[info.provider].push_back(dense);
  index_insert(dense);
}

void Ec2Placer::set_accepting(std::uint32_t id, bool accepting) {
  const auto dense = dense_of(id);
  Instance& in = instances_[dense];
  if (in.accepting == accepting) return;
  if (in.accepting) index_erase(dense);
  in.accepting = accepting;
  if (in.accepting) index_insert(dense);
}

void Ec2Placer::remove_instance(std::uint32_t id) {
  const auto dense = dense_of(id);
  Instance& in = instances_[dense];
  if (in.accepting) index_erase(dense);
  in.alive = in.accepting = false;
  for (const auto& [rules, n] : in.groups)
    for (int a : spread_attributes_) {
      const int v = a < static_cast<int>(in.attribute_values.size()) ? in.attribute_values[a] : -1;
      spread_slot(rules, a, v) -= n;
    }
  in.groups.clear();
  auto& m = members_[in.provider];
  m.erase(std::lower_bound(m.begin(), m.end(), dense));
  dense_.erase(id);
}

void Ec2Placer::class_sets_insert(std::uint32_t dense) {
  const Instance& in = instances_[dense];
  for (int c : in.classes) {
    auto& z = sets_[static_cast<std::size_t>(c)][static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(in.zone)];
    if (class_keys_[static_cast<std::size_t>(c)].first) z.by_cpu.insert(dense, in.cpu, in.memory, in.enis);
    if (class_keys_[static_cast<std::size_t>(c)].second) z.by_memory.insert(dense, in.memory, in.cpu, in.enis);
  }
}

void Ec2Placer::class_sets_erase(std::uint32_t dense) {
  const Instance& in = instances_[dense];
  for (int c : in.classes) {
    auto& z = sets_[static_cast<std::size_t>(c)][static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(in.zone)];
    if (class_keys_[static_cast<std::size_t>(c)].first) z.by_cpu.erase(dense);
    if (class_keys_[static_cast<std::size_t>(c)].second) z.by_memory.erase(dense);
  }
}

void Ec2Placer::index_insert(std::uint32_t dense) {
  class_sets_insert(dense);
  const Instance& in = instances_[dense];
  for (int k : in.count_rules)
    count_sets_[static_cast<std::size_t>(k)][static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(in.zone)].insert(
        dense, tasks_of(in, k), in.memory, in.enis, in.cpu);
}

void Ec2Placer::index_erase(std::uint32_t dense) {
  class_sets_erase(dense);
  const Instance& in = instances_[dense];
  for (int k : in.count_rules)
    count_sets_[static_cast<std::size_t>(k)][static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(in.zone)].erase(dense);
}

// Tasks of a group per (spread attribute, value): a flat table, [rules][attribute slot][value + 1].
std::size_t Ec2Placer::spread_row(int rules, int attribute) const {
  const auto slot = std::find(spread_attributes_.begin(), spread_attributes_.end(), attribute) - spread_attributes_.begin();
  return static_cast<std::size_t>(rules) * spread_attributes_.size() + static_cast<std::size_t>(slot);
}

int Ec2Placer::spread_count(int rules, int attribute, int value) const {
  const std::size_t row = spread_row(rules, attribute);
  if (row >= spread_counts_.size()) return 0;
  const auto& counts = spread_counts_[row];
  const auto col = static_cast<std::size_t>(value + 1);
  return col < counts.size() ? counts[col] : 0;
}

int& Ec2Placer::spread_slot(int rules, int attribute, int value) {
  const std::size_t row = spread_row(rules, attribute);
  if (row >= spread_counts_.size()) spread_counts_.resize(row + 1);
  auto& counts = spread_counts_[row];
  const auto col = static_cast<std::size_t>(value + 1);
  if (col >= counts.size()) counts.resize(col + 1, 0);
  return counts[col];
}

int Ec2Placer::group_tasks_on(std::uint32_t id, int rules) const { return tasks_of(instances_[dense_of(id)], rules); }

Ec2Placer::Free Ec2Placer::free_of(std::uint32_t id) const {
  const Instance& in = instances_[dense_of(id)];
  return {in.cpu, in.memory, in.enis};
}

Ec2Placer::Stage Ec2Placer::check(const Instance& in, const CompiledRules& r, int rules, const TaskDemand& d) const {
  for (int q : r.member_of)
    if (!in.query_ok[q]) return kFailMemberOf;
  if (r.distinct_instance)
    for (const auto& [g, n] : in.groups)
      if (g == rules && n > 0) return kFailDistinct;
  return resources(in, d);
}

Ec2Placer::Stage Ec2Placer::resources(const Instance& in, const TaskDemand& d) {
  if (in.cpu < d.cpu_units) return kFailCpu;
  if (in.memory < d.memory_mib) return kFailMemory;
  if (in.gpus < d.gpus) return kFailGpu;
  for (int p : d.host_ports)
    if (std::find(in.ports.begin(), in.ports.end(), p) != in.ports.end()) return kFailPort;
  if (d.awsvpc && in.enis < 1) return kFailEni;
  return kFits;
}

int Ec2Placer::tasks_of(const Instance& in, int rules) {
  for (const auto& [g, n] : in.groups)
    if (g == rules) return n;
  return 0;
}

long long Ec2Placer::key_part(const CompiledStrategy& s, const Instance& in, int rules) const {
  switch (s.key) {
    case Key::kSpreadInstance: return tasks_of(in, rules);
    case Key::kSpreadAttribute: {
      const int v = s.attribute < static_cast<int>(in.attribute_values.size()) ? in.attribute_values[s.attribute] : -1;
      return spread_count(rules, s.attribute, v);
    }
    case Key::kBinpackCpu: return in.cpu;
    case Key::kBinpackMemory: return in.memory;
    case Key::kRandom: break;
  }
  return 0;
}

PlacementResult Ec2Placer::choose_by_scan(int provider, int rules, const TaskDemand& d, Rng& rng, bool explain) const {
  const CompiledRules& r = rules_[rules];
  std::size_t ranked = r.strategies.size();
  const bool random = ranked > 0 && r.strategies.back().key == Key::kRandom;
  if (random) --ranked;
  std::vector<long long> best(ranked), key(ranked);
  std::vector<std::uint32_t> ties;
  for (std::uint32_t dense : members_[provider]) {
    const Instance& in = instances_[dense];
    if (!in.accepting || check(in, r, rules, d) != kFits) continue;
    for (std::size_t k = 0; k < ranked; ++k) key[k] = key_part(r.strategies[k], in, rules);
    if (ties.empty() || key < best) {
      best = key;
      ties.assign(1, dense);
    } else if (random && key == best) {
      ties.push_back(dense);
    }
  }
  if (ties.empty()) return explain ? failure(provider, rules, d) : PlacementResult{};
  const std::uint32_t pick = random ? ties[rng.uniform_index(ties.size())] : ties.front();
  return {instances_[pick].id, {}};
}

PlacementResult Ec2Placer::choose(int provider, int rules, const TaskDemand& d, Rng& rng, bool explain) const {
  const CompiledRules& r = rules_[rules];
  if (!r.indexed) return choose_by_scan(provider, rules, d, rng, explain);
  // Zones in order of the group's task count (one level when not spreading over zones).
  const auto& zones = sets_[static_cast<std::size_t>(r.index_class)][static_cast<std::size_t>(provider)];
  // The index of a zone: by (free resource, registration order), or by (the group's tasks,
  // registration order) with free memory, ENIs and CPU as the checked values.
  auto set_of = [&](int z) -> const FreeIndex& {
    if (r.index_by_count) return count_sets_[static_cast<std::size_t>(rules)][static_cast<std::size_t>(provider)][static_cast<std::size_t>(z)];
    return r.index_on_memory ? zones[static_cast<std::size_t>(z)].by_memory : zones[static_cast<std::size_t>(z)].by_cpu;
  };
  std::pair<long long, int> order[64];
  std::vector<std::pair<long long, int>> more;
  std::pair<long long, int>* ord = order;
  if (num_zones_ > 64) {
    more.resize(static_cast<std::size_t>(num_zones_));
    ord = more.data();
  }
  int count = 0;
  for (int z = 0; z < num_zones_; ++z) {
    if (set_of(z).empty()) continue;
    long long level = 0;
    if (r.index_spreads_zones) {
      // Every instance of a zone has the same zone attribute: read it from any member.
      level = spread_count(rules, zone_attribute_, zone_value(provider, z));
    }
    ord[count++] = {level, z};
  }
  std::sort(ord, ord + count);
  const int need = r.index_by_count ? 0 : r.index_on_memory ? d.memory_mib : d.cpu_units;
  const int need_other = r.index_by_count || !r.index_on_memory ? d.memory_mib : d.cpu_units;
  const int need_other2 = r.index_by_count ? d.cpu_units : 0;
  const int need_enis = d.awsvpc ? 1 : 0;
  for (int i = 0; i < count;) {
    int j = i;
    SetKey best{std::numeric_limits<int>::max(), std::numeric_limits<std::uint32_t>::max()};
    for (; j < count && ord[j].first == ord[i].first; ++j) {
      const FreeIndex& set = set_of(ord[j].second);
      // First fit on the indexed resources; the remaining checks (distinctInstance, ports)
      // move on to the next candidate.
      SetKey from{need, 0}, at{};
      while (set.first_fit(from, need_other, need_enis, &at, need_other2) && at < best) {
        if (check(instances_[at.second], r, rules, d) == kFits) {
          best = at;
          break;
        }
        from = {at.first, at.second + 1};
      }
    }
    if (best.second != std::numeric_limits<std::uint32_t>::max()) return {instances_[best.second].id, {}};
    i = j;
  }
  return explain ? failure(provider, rules, d) : PlacementResult{};
}

int Ec2Placer::zone_value(int provider, int zone) const {
  return zone_values_[static_cast<std::size_t>(provider) * static_cast<std::size_t>(num_zones_) + static_cast<std::size_t>(zone)];
}

PlacementResult Ec2Placer::failure(int provider, int rules, const TaskDemand& d) const {
  const CompiledRules& r = rules_[rules];
  int best_stage = -1;
  const Instance* closest = nullptr;
  for (std::uint32_t dense : members_[provider]) {
    const Instance& in = instances_[dense];
    if (!in.accepting) continue;
    const int stage = check(in, r, rules, d);
    if (stage > best_stage) {
      best_stage = stage;
      closest = &in;
    }
  }
  if (!closest) return {0, "No Container Instances were found in your capacity provider."};
  std::string why;
  switch (static_cast<Stage>(best_stage)) {
    case kFailMemberOf: why = "encountered error \"MemberOf placement constraint unsatisfied.\""; break;
    case kFailDistinct: why = "encountered error \"DistinctInstance placement constraint unsatisfied.\""; break;
    case kFailCpu: why = "has insufficient CPU units available."; break;
    case kFailMemory: why = "has insufficient memory available."; break;
    case kFailGpu: why = "encountered error \"RESOURCE:GPU\"."; break;
    case kFailPort: why = "is already using a port required by your task."; break;
    case kFailEni: why = "encountered error \"RESOURCE:ENI\"."; break;
    case kFits: why = "fits."; break;  // not reached: a fitting instance is never a failure
  }
  return {0, std::string(kUnplaceable) + "The closest matching container-instance " + instance_name(closest->id) + " " + why};
}

void Ec2Placer::reserve(std::uint32_t dense, int rules, const TaskDemand& d, int sign) {
  Instance& in = instances_[dense];
  if (in.accepting) class_sets_erase(dense);
  in.cpu -= sign * d.cpu_units;
  in.memory -= sign * d.memory_mib;
  if (d.awsvpc) in.enis -= sign;
  in.gpus -= sign * d.gpus;
  for (int p : d.host_ports) {
    if (sign > 0) {
      in.ports.push_back(p);
    } else if (auto it = std::find(in.ports.begin(), in.ports.end(), p); it != in.ports.end()) {
      in.ports.erase(it);
    }
  }
  auto g = std::find_if(in.groups.begin(), in.groups.end(), [&](const auto& e) { return e.first == rules; });
  if (g == in.groups.end()) g = in.groups.insert(in.groups.end(), {rules, 0});
  g->second += sign;
  if (g->second == 0) in.groups.erase(g);
  for (int a : spread_attributes_) {
    const int v = a < static_cast<int>(in.attribute_values.size()) ? in.attribute_values[a] : -1;
    spread_slot(rules, a, v) += sign;
  }
  if (!in.accepting) return;
  class_sets_insert(dense);
  // Task-count indexes: the reserving group's key moved; every other group's only needs
  // the new free resources.
  for (int k : in.count_rules) {
    auto& set = count_sets_[static_cast<std::size_t>(k)][static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(in.zone)];
    if (k == rules) set.insert(dense, tasks_of(in, k), in.memory, in.enis, in.cpu);
    else set.update(dense, in.memory, in.enis, in.cpu);
  }
}

PlacementResult Ec2Placer::place(int provider, int rules, const TaskDemand& d, Rng& rng, bool explain) {
  auto result = choose(provider, rules, d, rng, explain);
  if (result.instance) reserve(dense_of(result.instance), rules, d, +1);
  return result;
}

bool Ec2Placer::place_on(std::uint32_t id, int rules, const TaskDemand& d) {
  const auto dense = dense_of(id);
  const Instance& in = instances_[dense];
  if (!in.accepting || resources(in, d) != kFits) return false;
  reserve(dense, rules, d, +1);
  return true;
}

void Ec2Placer::release(std::uint32_t id, int rules, const TaskDemand& d) {
  auto it = dense_.find(id);
  if (it == dense_.end()) return;  // the instance is gone: nothing to give back
  reserve(it->second, rules, d, -1);
}

std::unique_ptr<InstancePlacer> make_ec2_placer(const ScenarioConfig& config) {
  if (config.asg_providers.empty()) return nullptr;
  return std::make_unique<Ec2Placer>(config);
}

}  // namespace ecsim::placement
