// EC2 task placement: constraint filter, strategy ranking, and the ordered-set index.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/placement/ec2_placer.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ecsim::placement {

namespace {
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
    r.random = !r.strategies.empty() && r.strategies.back().key == Key::kRandom;
    rules_.push_back(std::move(r));
  }
  for (std::size_t k = 0; k < rules_.size(); ++k) compile_index(rules_[k], static_cast<int>(k));
}

void Ec2Placer::compile_index(CompiledRules& r, int rules) {
  IndexSpec spec;
  std::vector<CompiledStrategy> chain;
  for (const CompiledStrategy& s : r.strategies) {
    if (s.key == Key::kRandom) break;
    // A repeated strategy cannot split the ties of its first occurrence.
    const bool repeat = std::any_of(chain.begin(), chain.end(), [&](const CompiledStrategy& c) { return c.key == s.key && c.attribute == s.attribute; });
    if (!repeat) chain.push_back(s);
  }
  if (chain.size() > kMaxChain) return;  // scanned
  for (const CompiledStrategy& s : chain) {
    ChainPart part;
    if (s.key == Key::kSpreadAttribute) {
      part.attribute = true;
      part.slot = static_cast<int>(spec.attributes.size());
      spec.attributes.push_back(s.attribute);
      if (spec.parts.empty()) ++r.leading;
    } else {
      part.slot = static_cast<int>(spec.parts.size());
      spec.parts.push_back(s.key);
      if (s.key == Key::kSpreadInstance) spec.rules = rules;
      else spec.resource_part = true;
    }
    r.chain.push_back(part);
  }
  // The memberOf class: rules with the same expressions (compared by text) share one.
  if (!r.member_of.empty()) {
    auto same = [&](const std::vector<int>& c) {
      if (c.size() != r.member_of.size()) return false;
      for (std::size_t k = 0; k < c.size(); ++k)
        if (query_text_[static_cast<std::size_t>(c[k])] != query_text_[static_cast<std::size_t>(r.member_of[k])]) return false;
      return true;
    };
    auto it = std::find_if(classes_.begin() + 1, classes_.end(), same);
    if (it == classes_.end()) it = classes_.insert(classes_.end(), r.member_of);
    spec.klass = static_cast<int>(it - classes_.begin());
  }
  // Indexes without the group's own task count serve every rules of their class and shape.
  auto found = std::find_if(specs_.begin(), specs_.end(), [&](const IndexSpec& o) {
    return spec.rules < 0 && o.rules < 0 && o.klass == spec.klass && o.parts == spec.parts && o.attributes == spec.attributes;
  });
  if (found == specs_.end()) {
    spec.partitions.assign(static_cast<std::size_t>(num_providers_), {});
    found = specs_.insert(specs_.end(), std::move(spec));
  }
  r.spec = static_cast<int>(found - specs_.begin());
  r.indexed = true;
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
  const auto dense = static_cast<std::uint32_t>(instances_.size());
  for (std::size_t k = 0; k < specs_.size(); ++k) {
    IndexSpec& spec = specs_[k];
    const auto& klass = classes_[static_cast<std::size_t>(spec.klass)];
    if (!std::all_of(klass.begin(), klass.end(), [&](int q) { return in.query_ok[static_cast<std::size_t>(q)] != 0; })) continue;
    std::vector<int> values;
    for (int a : spec.attributes) values.push_back(a < static_cast<int>(in.attribute_values.size()) ? in.attribute_values[static_cast<std::size_t>(a)] : -1);
    auto& partitions = spec.partitions[static_cast<std::size_t>(in.provider)];
    auto it = std::find_if(partitions.begin(), partitions.end(), [&](const Partition& p) { return p.values == values; });
    if (it == partitions.end()) it = partitions.insert(partitions.end(), Partition{std::move(values), FreeIndex{}});
    in.specs.emplace_back(static_cast<int>(k), static_cast<int>(it - partitions.begin()));
  }
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

Ec2Placer::SetKey Ec2Placer::index_key(const IndexSpec& spec, const Instance& in, std::uint32_t dense) const {
  int p[3] = {0, 0, 0};
  for (std::size_t k = 0; k < spec.parts.size(); ++k) {
    switch (spec.parts[k]) {
      case Key::kSpreadInstance: p[k] = tasks_of(in, spec.rules); break;
      case Key::kBinpackCpu: p[k] = in.cpu; break;
      case Key::kBinpackMemory: p[k] = in.memory; break;
      case Key::kSpreadAttribute:
      case Key::kRandom: break;  // not key parts
    }
  }
  return FreeIndex::make_key(p[0], p[1], p[2], dense);
}

void Ec2Placer::index_insert(std::uint32_t dense) {
  const Instance& in = instances_[dense];
  for (const auto& [s, part] : in.specs) {
    IndexSpec& spec = specs_[static_cast<std::size_t>(s)];
    auto& index = spec.partitions[static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(part)].index;
    index.insert(index_key(spec, in, dense), {in.cpu, in.memory, in.enis});
  }
}

void Ec2Placer::index_erase(std::uint32_t dense) {
  const Instance& in = instances_[dense];
  for (const auto& [s, part] : in.specs)
    specs_[static_cast<std::size_t>(s)].partitions[static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(part)].index.erase(dense);
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

std::vector<std::uint32_t> Ec2Placer::scan_ties(int provider, int rules, const TaskDemand& d) const {
  const CompiledRules& r = rules_[rules];
  const std::size_t ranked = r.strategies.size() - (r.random ? 1 : 0);
  std::vector<long long> best(ranked), key(ranked);
  std::vector<std::uint32_t> ties;
  for (std::uint32_t dense : members_[provider]) {
    const Instance& in = instances_[dense];
    if (!in.accepting || check(in, r, rules, d) != kFits) continue;
    for (std::size_t k = 0; k < ranked; ++k) key[k] = key_part(r.strategies[k], in, rules);
    if (ties.empty() || key < best) {
      best = key;
      ties.clear();
    }
    if (key == best) ties.push_back(dense);
  }
  return ties;
}

PlacementResult Ec2Placer::choose_by_scan(int provider, int rules, const TaskDemand& d, Rng& rng, bool explain) const {
  const auto ties = scan_ties(provider, rules, d);
  if (ties.empty()) return explain ? failure(provider, rules, d) : PlacementResult{};
  const std::uint32_t pick = rules_[rules].random ? ties[rng.uniform_index(ties.size())] : ties.front();
  return {instances_[pick].id, {}};
}

std::vector<std::uint32_t> Ec2Placer::ties_by_scan(int provider, int rules, const TaskDemand& d) const {
  std::vector<std::uint32_t> ids;
  for (std::uint32_t dense : scan_ties(provider, rules, d)) ids.push_back(instances_[dense].id);
  return ids;
}

long long Ec2Placer::chain_value(const CompiledRules& r, int rules, const Partition& partition, const SetKey& key, std::size_t k) const {
  const ChainPart& part = r.chain[k];
  if (part.attribute) {
    const auto slot = static_cast<std::size_t>(part.slot);
    return spread_count(rules, specs_[static_cast<std::size_t>(r.spec)].attributes[slot], partition.values[slot]);
  }
  switch (part.slot) {
    case 0: return key.hi >> 31;
    case 1: return key.hi & 0x7fffffff;
    default: return key.lo;
  }
}

PlacementResult Ec2Placer::choose(int provider, int rules, const TaskDemand& d, Rng& rng, bool explain) const {
  const CompiledRules& r = rules_[rules];
  if (!r.indexed) return choose_by_scan(provider, rules, d, rng, explain);
  const IndexSpec& spec = specs_[static_cast<std::size_t>(r.spec)];
  const auto& partitions = spec.partitions[static_cast<std::size_t>(provider)];
  // Partitions in order of the group's tasks on their values of the leading spread
  // attributes; a group of partitions level on those is searched as one.
  auto& order = order_scratch_;
  order.clear();
  for (std::size_t p = 0; p < partitions.size(); ++p) {
    if (partitions[p].index.empty()) continue;
    Lead lead{};
    lead.partition = static_cast<int>(p);
    for (std::size_t k = 0; k < r.leading; ++k) lead.levels[k] = chain_value(r, rules, partitions[p], SetKey{}, k);
    order.push_back(lead);
  }
  if (r.leading > 0)
    std::sort(order.begin(), order.end(), [](const Lead& a, const Lead& b) {
      return std::tie(a.levels, a.partition) < std::tie(b.levels, b.partition);
    });
  // Chain order of two finds after the leading parts, the dense index aside.
  auto compare = [&](const Candidate& a, const Candidate& b) {
    for (std::size_t k = r.leading; k < r.chain.size(); ++k) {
      const long long va = chain_value(r, rules, partitions[static_cast<std::size_t>(a.partition)], a.key, k);
      const long long vb = chain_value(r, rules, partitions[static_cast<std::size_t>(b.partition)], b.key, k);
      if (va != vb) return va < vb ? -1 : 1;
    }
    return 0;
  };
  int from0 = 0;
  if (!spec.parts.empty() && spec.parts[0] == Key::kBinpackCpu) from0 = d.cpu_units;
  if (!spec.parts.empty() && spec.parts[0] == Key::kBinpackMemory) from0 = d.memory_mib;
  const SetKey first = FreeIndex::make_key(from0, 0, 0, 0);
  const FreeIndex::Checked need{d.cpu_units, d.memory_mib, d.awsvpc ? 1 : 0};
  auto& tied = tied_scratch_;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    Candidate best;
    tied.clear();
    for (; j < order.size() && order[j].levels == order[i].levels; ++j) {
      const FreeIndex& set = partitions[static_cast<std::size_t>(order[j].partition)].index;
      // First fit on the indexed resources; the remaining checks (distinctInstance, GPUs,
      // ports) move on to the next entry while it could still beat or tie the best.
      Candidate at{order[j].partition, {}};
      SetKey from = first;
      while (set.first_fit(from, need, &at.key)) {
        const int c = best.partition < 0 ? -1 : compare(at, best);
        if (c > 0 || (c == 0 && !r.random && best.key.dense < at.key.dense)) break;
        if (check(instances_[at.key.dense], r, rules, d) == kFits) {
          if (c < 0) tied.clear();
          if (c < 0 || best.key.dense > at.key.dense) best = at;
          tied.push_back(at);
          break;
        }
        from = at.key;
        ++from.dense;
      }
    }
    if (best.partition >= 0) {
      const std::uint32_t pick = r.random ? draw_tie(r, rules, partitions, tied.data(), tied.size(), d, rng) : best.key.dense;
      return {instances_[pick].id, {}};
    }
    i = j;
  }
  return explain ? failure(provider, rules, d) : PlacementResult{};
}

std::uint32_t Ec2Placer::draw_tie(const CompiledRules& r, int rules, const std::vector<Partition>& partitions, const Candidate* tied,
                                  std::size_t num_tied, const TaskDemand& d, Rng& rng) const {
  // Each tied partition's entries with the tied key parts form one rank range.
  struct Range {
    const FreeIndex* index;
    std::size_t from, to;
  };
  std::vector<Range> ranges;
  std::size_t total = 0;
  for (std::size_t t = 0; t < num_tied; ++t) {
    const FreeIndex& index = partitions[static_cast<std::size_t>(tied[t].partition)].index;
    const SetKey k = tied[t].key;
    const Range range{&index, index.rank({k.hi, k.lo, 0}), index.rank({k.hi, k.lo, std::numeric_limits<std::uint32_t>::max()})};
    total += range.to - range.from;
    ranges.push_back(range);
  }
  auto entry = [&](std::size_t u) {
    for (const Range& range : ranges) {
      if (u < range.to - range.from) return range.index->at(range.from + u).dense;
      u -= range.to - range.from;
    }
    throw std::logic_error("Ec2Placer: a tie draw past the ties");
  };
  // A draw that fits is uniform over the fitting ties; so is the count below.
  for (int n = 0; n < kRandomDraws; ++n) {
    const std::uint32_t dense = entry(rng.uniform_index(total));
    if (check(instances_[dense], r, rules, d) == kFits) return dense;
  }
  std::vector<std::uint32_t> fits;
  for (const Range& range : ranges)
    for (std::size_t k = range.from; k < range.to; ++k) {
      const std::uint32_t dense = range.index->at(k).dense;
      if (check(instances_[dense], r, rules, d) == kFits) fits.push_back(dense);
    }
  return fits[rng.uniform_index(fits.size())];  // not empty: the first fit is among them
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
  // Keys with free resources, or this group's task count, moved; other indexes only need the
  // new free resources.
  const FreeIndex::Checked values{in.cpu, in.memory, in.enis};
  for (const auto& [s, part] : in.specs) {
    IndexSpec& spec = specs_[static_cast<std::size_t>(s)];
    auto& index = spec.partitions[static_cast<std::size_t>(in.provider)][static_cast<std::size_t>(part)].index;
    if (spec.resource_part || spec.rules == rules) index.insert(index_key(spec, in, dense), values);
    else index.update(dense, values);
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
