// ECS Managed Instances: ECS chooses and launches instances for the tasks that wait, packs
// several tasks per instance, terminates idle instances and consolidates underused ones after
// scaleInAfter, and replaces every instance from day 14. The instances themselves (launch,
// boot, registration, placement, draining, Spot notices, billing) are the fleet's.
// SPDX-License-Identifier: Apache-2.0
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "ecsim/core/ec2_fleet.hpp"

namespace ecsim {

namespace {

using Resources = Eigen::Array4d;  // cpu units, memory MiB, task ENIs, GPUs

Resources need_of(const TaskDemand& d) { return Resources(d.cpu_units, d.memory_mib, d.awsvpc ? 1 : 0, d.gpus); }
/// What an instance of the type registers with ECS: CPU units, memory less the reserve, task ENIs, GPUs.
Resources registered(const InstanceTypeConfig& t, const Ec2Timings& et, int task_enis) {
  return Resources(t.vcpu * 1024.0, t.memory_mib - et.reserved_memory_mib, task_enis, t.gpus);
}

/// Tasks of one (task definition, rules) queue that found no room.
struct Group {
  int task_definition = 0;
  Resources need;
  std::vector<int> ports;  ///< static host ports: one such task per instance
  bool distinct = false;   ///< distinctInstance: one task of the queue per instance
  std::vector<int> zones;  ///< the zones of its subnets; empty: any
  int count = 0;
  bool allows(int zone) const { return zones.empty() || std::find(zones.begin(), zones.end(), zone) != zones.end(); }
};

/// How many of `g`'s `count` tasks fit in `room` (taken from it), with the ports already used.
int take(Resources& room, const Group& g, int count, std::set<int>& ports) {
  int n = count;
  for (int r = 0; r < 4; ++r)
    if (g.need[r] > 0) n = std::min(n, static_cast<int>(std::floor(room[r] / g.need[r] + 1e-9)));
  if (g.distinct) n = std::min(n, 1);
  if (!g.ports.empty()) {
    for (int p : g.ports)
      if (ports.count(p)) return 0;
    n = std::min(n, 1);
    if (n > 0) ports.insert(g.ports.begin(), g.ports.end());
  }
  n = std::max(n, 0);
  room -= g.need * n;
  return n;
}

/// Fills one instance's room (in `zone`) with the groups in order; returns the tasks it takes
/// per group.
std::vector<int> fill(Resources room, int zone, const std::vector<Group>& groups, const std::vector<int>& left) {
  std::vector<int> taken(groups.size(), 0);
  std::set<int> ports;
  for (std::size_t g = 0; g < groups.size(); ++g)
    if (left[g] > 0 && groups[g].allows(zone)) taken[g] = take(room, groups[g], left[g], ports);
  return taken;
}

/// The placement rules of a queue or a task: its service's, or its RunTask group's.
const PlacementRulesConfig& rules_of(const ScenarioConfig& c, int service, int group) {
  return service >= 0 ? c.services[static_cast<std::size_t>(service)].placement : c.run_tasks[static_cast<std::size_t>(group)].placement;
}
const std::vector<int>& zones_of(const ScenarioConfig& c, int service, int group) {
  return service >= 0 ? c.services[static_cast<std::size_t>(service)].zones : c.run_tasks[static_cast<std::size_t>(group)].zones;
}

}  // namespace

int Ec2Fleet::mi_task_enis(const InstanceTypeConfig& type, int provider) const {
  const auto& mi = *w_.config.asg(provider).managed_instances;
  if (mi.task_enis_per_instance_override > 0) return mi.task_enis_per_instance_override;
  const auto& t = w_.config.timings.managed_instances;
  // ENI trunking is on for Managed Instances: task ENIs scale with the instance's vCPUs.
  return std::min(t.trunk_task_enis_max, static_cast<int>(std::floor(t.trunk_task_enis_per_vcpu * type.vcpu + 1e-9)));
}

void Ec2Fleet::mi_arm_optimize(ContainerInstance& in) {
  const auto& after = w_.config.asg(in.provider).managed_instances->scale_in_after;
  if (in.optimize_event != kNoEvent) sched_.cancel(in.optimize_event);
  in.optimize_event = kNoEvent;
  if (!after) return;  // infrastructure optimization off (scaleInAfter -1)
  in.optimize_event = sched_.at(sched_.now() + *after, events::InstanceOptimize{in.id});
}

// The provisioning decision, once per instant while tasks wait: tasks that instances still
// launching will take are left to them; for the rest, instances are launched one at a time,
// each of the candidate type that runs the waiting tasks (first come, first packed) at the
// lowest price per task, price = EC2 rate + management fee; ties go to the smaller type.
void Ec2Fleet::on(const events::ManagedInstancesProvision& e) {
  auto& a = *w_.providers[e.provider].asg;
  a.provision_event = kNoEvent;
  const auto& ac = w_.config.asg(e.provider);
  const auto& mi = *ac.managed_instances;
  const auto& et = w_.config.timings.ec2;
  // The queues' waiting tasks, in order of their oldest task.
  std::vector<std::pair<std::uint64_t, Group>> queued;
  for (const auto& q : a.waiting) {
    Group g;
    std::uint64_t head = 0;
    for (auto slot : q.slots) {
      const Task& t = w_.tasks[slot];
      if (t.state == TaskState::kStopped || t.phase != TaskPhase::kWaitingForCapacity) continue;
      if (head == 0) head = t.id;
      ++g.count;
    }
    if (g.count == 0) continue;
    const auto& d = w_.demand_of(q.task_definition);
    g.task_definition = q.task_definition;
    g.need = need_of(d);
    g.ports = d.host_ports;
    const int services = static_cast<int>(w_.config.services.size());
    const int service = q.rules < services ? q.rules : -1, group = q.rules < services ? -1 : q.rules - services;
    for (const auto& c : rules_of(w_.config, service, group).constraints)
      g.distinct = g.distinct || c.type == PlacementConstraintType::kDistinctInstance;
    g.zones = zones_of(w_.config, service, group);
    queued.emplace_back(head, g);
  }
  if (queued.empty()) return;
  std::sort(queued.begin(), queued.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<Group> groups;
  std::vector<int> left;
  for (auto& [head, g] : queued) {
    left.push_back(g.count);
    groups.push_back(std::move(g));
  }
  // DAEMON services of the provider's cluster take their share of every new instance.
  Resources daemons = Resources::Zero();
  const int cluster = w_.cluster_of_provider(e.provider);
  for (std::size_t s = 0; s < w_.config.services.size(); ++s)
    if (w_.config.services[s].daemon && w_.config.services[s].cluster == cluster)
      daemons += need_of(w_.demand_of(w_.services[s].primary_task_definition));
  auto room_of = [&](int type) -> Resources {
    const auto& it = w_.config.instance_types[static_cast<std::size_t>(type)];
    return registered(it, et, mi_task_enis(it, e.provider)) - daemons;
  };
  auto consume = [&](const std::vector<int>& taken) {
    for (std::size_t g = 0; g < groups.size(); ++g) left[g] -= taken[g];
  };
  // Instances still launching or booting take what they can first.
  for (auto id : a.members) {
    const auto& in = w_.instances[id - 1];
    if (!in.in_service || (in.state != InstanceState::kPending && in.state != InstanceState::kBooting)) continue;
    consume(fill(room_of(in.type), in.zone, groups, left));
  }
  auto rate = [&](std::size_t k) {
    const auto& it = w_.config.instance_types[static_cast<std::size_t>(ac.instance_types[k])];
    return (mi.spot ? it.spot_usd_per_hour : it.on_demand_usd_per_hour) + it.management_fee_usd_per_hour;
  };
  int launched = 0;
  while (a.in_service < ac.max_size) {
    // The instance's zone: the least used of the zones the oldest waiting task may run in.
    const auto first = std::find_if(left.begin(), left.end(), [](int n) { return n > 0; });
    if (first == left.end()) break;
    const Group& head = groups[static_cast<std::size_t>(first - left.begin())];
    int zone = -1;
    for (int z : ac.zones)
      if (head.allows(z) && (zone < 0 || a.in_service_per_zone[z] < a.in_service_per_zone[zone])) zone = z;
    if (zone < 0) break;  // its subnets share no zone with the provider's (the loader refuses that)
    std::size_t best = ac.instance_types.size();
    double best_score = std::numeric_limits<double>::infinity();
    std::vector<int> best_taken;
    for (std::size_t k = 0; k < ac.instance_types.size(); ++k) {
      auto taken = fill(room_of(ac.instance_types[k]), zone, groups, left);
      int n = 0;
      for (int c : taken) n += c;
      if (n == 0) continue;
      const double score = rate(k) / n;
      const int vcpu = w_.config.instance_types[static_cast<std::size_t>(ac.instance_types[k])].vcpu;
      if (score < best_score - 1e-12 ||
          (std::abs(score - best_score) <= 1e-12 &&
           vcpu < w_.config.instance_types[static_cast<std::size_t>(ac.instance_types[best])].vcpu)) {
        best = k;
        best_score = score;
        best_taken = std::move(taken);
      }
    }
    if (best == ac.instance_types.size()) break;  // nothing left fits any candidate type
    consume(best_taken);
    ++launched;
    launch(e.provider, best, zone, mi.spot);
  }
  if (launched > 0) ++a.provisioning_decisions;
}

bool Ec2Fleet::mi_fits_elsewhere(const ContainerInstance& in) const {
  const auto& a = *w_.providers[in.provider].asg;
  const auto& et = w_.config.timings.ec2;
  std::vector<Resources> rooms;
  std::vector<int> room_zones;
  for (auto id : a.members) {
    const auto& o = w_.instances[id - 1];
    if (o.id == in.id || o.state != InstanceState::kActive || !o.in_service || o.consolidating) continue;
    const auto& it = w_.config.instance_types[static_cast<std::size_t>(o.type)];
    Resources room = registered(it, et, mi_task_enis(it, o.provider));
    for (auto slot : o.task_slots) {
      const Task& t = w_.tasks[slot];
      if (t.instance == o.id && t.state != TaskState::kStopped) room -= need_of(w_.demand_of(t.task_definition));
    }
    rooms.push_back(room);
    room_zones.push_back(o.zone);
  }
  // This instance's tasks, largest memory first, each into the first instance with room.
  std::vector<std::pair<Resources, const std::vector<int>*>> moving;  // need, allowed zones
  for (auto slot : in.task_slots) {
    const Task& t = w_.tasks[slot];
    if (t.instance != in.id || t.state == TaskState::kStopped || t.daemon) continue;
    const auto& d = w_.demand_of(t.task_definition);
    // Conservative: a task bound to a host port or to distinctInstance is not moved (the
    // only memberOf constraint on Managed Instances is its subnets' zones, checked below).
    if (!d.host_ports.empty()) return false;
    for (const auto& c : rules_of(w_.config, t.service, t.group).constraints)
      if (c.type == PlacementConstraintType::kDistinctInstance) return false;
    moving.emplace_back(need_of(d), &zones_of(w_.config, t.service, t.group));
  }
  std::stable_sort(moving.begin(), moving.end(), [](const auto& x, const auto& y) { return x.first[1] > y.first[1]; });
  for (const auto& [need, zones] : moving) {
    std::size_t k = 0;
    while (k < rooms.size() &&
           !((rooms[k] >= need).all() && (zones->empty() || std::find(zones->begin(), zones->end(), room_zones[k]) != zones->end())))
      ++k;
    if (k == rooms.size()) return false;
    rooms[k] -= need;
  }
  return true;
}

// scaleInAfter has passed since the last task start or stop here (or since registration).
void Ec2Fleet::on(const events::InstanceOptimize& e) {
  auto& in = w_.instances[e.id - 1];
  in.optimize_event = kNoEvent;
  if (in.state != InstanceState::kActive || !in.in_service) return;
  auto& a = *w_.providers[in.provider].asg;
  const auto after = format_seconds(*w_.config.asg(in.provider).managed_instances->scale_in_after);
  if (in.service_tasks == 0) {
    // Idle: DEREGISTERING, then terminated (daemon tasks go with it).
    ++a.idle_terminations;
    terminate_instance(e.id, "Managed Instances: idle for scaleInAfter (" + after + " s)");
    return;
  }
  for (auto slot : in.task_slots) {
    const Task& t = w_.tasks[slot];
    if (t.instance == in.id && t.state != TaskState::kStopped && t.service < 0 && !t.daemon) return;  // standalone tasks stay
  }
  if (a.consolidating > 0) {
    mi_arm_optimize(in);  // one consolidation at a time: this instance is looked at again later
    return;
  }
  if (!mi_fits_elsewhere(in)) return;
  ++a.consolidations;
  ++a.consolidating;
  in.consolidating = true;
  begin_instance_exit(e.id, /*drain=*/true, "Managed Instances: underutilized for scaleInAfter (" + after + " s); its tasks fit elsewhere");
}

void Ec2Fleet::on(const events::InstanceMaintenance& e) {
  auto& in = w_.instances[e.id - 1];
  in.maintenance_event = kNoEvent;
  if (in.state != InstanceState::kActive) return;
  ++w_.providers[in.provider].asg->maintenance_drains;
  begin_instance_exit(e.id, /*drain=*/true, "Managed Instances maintenance: instance replaced at " +
                                                 format_seconds(w_.config.timings.managed_instances.maintenance_drain_after) + " s of age");
}

}  // namespace ecsim
