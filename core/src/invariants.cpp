// Invariant checks of the entity state: counters against recounts, capacity, costs.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/invariants.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>

namespace ecsim {

namespace {
[[noreturn]] void violated(SimTime now, const std::string& what) {
  throw std::logic_error("invariant violated at t=" + format_seconds(now) + "s: " + what);
}
}  // namespace

void InvariantChecker::after_event(SimTime now, std::uint64_t events_processed) {
  if (now < last_event_time_) violated(now, "event time went backwards from " + format_seconds(last_event_time_) + "s");
  last_event_time_ = now;
  check_cheap(now);
  if (events_processed % full_every_ == 0) check_full(now);
}

void InvariantChecker::check_now(SimTime now) const {
  check_cheap(now);
  check_full(now);
}

void InvariantChecker::check_cheap(SimTime now) const {
  for (std::size_t i = 0; i < w_.services.size(); ++i) {
    const auto& s = w_.services[i];
    const auto& name = w_.config.services[i].name;
    if (s.provisioning < 0 || s.pending < 0 || s.running < 0 || s.healthy < 0 || s.stopping < 0 || s.counted < 0)
      violated(now, "service " + name + " has a negative task count");
    if (s.healthy > s.running) violated(now, "service " + name + " has more healthy tasks than running ones");
    if (s.scaler && !w_.config.services[i].daemon && !s.desired_set_by_user &&
        (s.desired < std::min(s.scaler->min_capacity(), w_.config.account.tasks_per_service) ||
         s.desired > std::max(s.scaler->max_capacity(), s.scaler->min_capacity())))
      violated(now, "service " + name + " desired count " + std::to_string(s.desired) + " outside [" +
                         std::to_string(s.scaler->min_capacity()) + ", " + std::to_string(s.scaler->max_capacity()) + "]");
  }
  for (std::size_t p = 0; p < w_.providers.size(); ++p) {
    const auto& ps = w_.providers[p];
    if (ps.provisioning < 0 || ps.pending < 0 || ps.running < 0) violated(now, "provider " + w_.config.provider_name(static_cast<int>(p)) + " has a negative count");
    if (ps.asg && (ps.asg->in_service < 0 || ps.asg->desired < 0)) violated(now, "group " + w_.config.provider_name(static_cast<int>(p)) + " has a negative size");
  }
}

void InvariantChecker::check_full(SimTime now) const {
  // Every live task in exactly one state, and the per-state counters equal a recount.
  std::vector<std::array<int, 5>> per_service(w_.services.size(), std::array<int, 5>{});
  std::vector<std::array<int, 3>> per_provider(w_.providers.size(), std::array<int, 3>{});
  std::vector<int> counted(w_.services.size(), 0);
  std::vector<std::int64_t> cpu(w_.instances.size(), 0), mem(w_.instances.size(), 0);
  for (const auto& t : w_.tasks) {
    if (t.id == 0 || t.phase == TaskPhase::kStopped) continue;
    if (t.state == TaskState::kStopped) violated(now, "task " + std::to_string(t.id) + " is STOPPED but not released");
    const auto st = static_cast<std::size_t>(t.state);
    if (t.service >= 0) {
      if (t.healthy && !t.counts_toward_desired)
        violated(now, "task " + std::to_string(t.id) + " is healthy but does not count toward desired");
      // provisioning, pending, running, deactivating+stopping (one counter), healthy
      ++per_service[static_cast<std::size_t>(t.service)][std::min<std::size_t>(st, 3)];
      if (t.healthy) ++per_service[static_cast<std::size_t>(t.service)][4];
      if (t.counts_toward_desired) ++counted[static_cast<std::size_t>(t.service)];
    }
    if (st <= 2) ++per_provider[static_cast<std::size_t>(t.provider)][st];
    if (t.instance != 0) {
      cpu[t.instance - 1] += w_.demand_of(t.task_definition).cpu_units;
      mem[t.instance - 1] += w_.demand_of(t.task_definition).memory_mib;
      if (w_.instances[t.instance - 1].state == InstanceState::kTerminated)
        violated(now, "task " + std::to_string(t.id) + " lives on terminated instance " + instance_name(t.instance));
    }
  }
  for (std::size_t i = 0; i < w_.services.size(); ++i) {
    const auto& s = w_.services[i];
    const auto& c = per_service[i];
    bool in_step = true, ordered = true;
    for (std::size_t k = 0; k < s.live.size(); ++k) {
      in_step = in_step && w_.tasks[s.live[k]].task_definition == s.live.task_definition(k) && w_.tasks[s.live[k]].id == s.live.id(k);
      ordered = ordered && (k == 0 || w_.tasks[s.live[k - 1]].id < w_.tasks[s.live[k]].id);
    }
    if (!in_step) violated(now, "service " + w_.config.services[i].name + " live task definitions or ids are out of step with its live tasks");
    if (!ordered) violated(now, "service " + w_.config.services[i].name + " live tasks are not oldest first");
    const std::size_t suffix = s.live.trailing(s.primary_task_definition);
    if (suffix != s.primary_suffix)
      violated(now, "service " + w_.config.services[i].name + " primary suffix " + std::to_string(s.primary_suffix) + ", recounted " +
                        std::to_string(suffix));
    if (c[0] != s.provisioning || c[1] != s.pending || c[2] != s.running || c[3] != s.stopping || c[4] != s.healthy ||
        counted[i] != s.counted)
      violated(now, "service " + w_.config.services[i].name + " counters (provisioning " + std::to_string(s.provisioning) +
                         ", pending " + std::to_string(s.pending) + ", running " + std::to_string(s.running) + ", stopping " +
                         std::to_string(s.stopping) + ", healthy " + std::to_string(s.healthy) + ", counted " +
                         std::to_string(s.counted) + ") differ from a recount (" + std::to_string(c[0]) + ", " +
                         std::to_string(c[1]) + ", " + std::to_string(c[2]) + ", " + std::to_string(c[3]) + ", " +
                         std::to_string(c[4]) + ", " + std::to_string(counted[i]) + ")");
  }
  for (std::size_t p = 0; p < w_.providers.size(); ++p) {
    const auto& ps = w_.providers[p];
    const auto& c = per_provider[p];
    if (c[0] != ps.provisioning || c[1] != ps.pending || c[2] != ps.running)
      violated(now, "provider " + w_.config.provider_name(static_cast<int>(p)) + " counters differ from a recount");
  }
  // Registered container instances per cluster equal a recount and stay within the quota.
  std::vector<int> registered(w_.clusters.size(), 0);
  for (const auto& in : w_.instances) {
    const int c = w_.cluster_of_provider(in.provider);
    if ((in.state == InstanceState::kActive || in.state == InstanceState::kDraining) && c >= 0 &&
        static_cast<std::size_t>(c) < registered.size())
      ++registered[static_cast<std::size_t>(c)];
  }
  for (std::size_t c = 0; c < registered.size() && c < w_.config.clusters.size(); ++c)
    if (registered[c] != w_.clusters[c].registered_instances || registered[c] > w_.config.account.container_instances_per_cluster)
      violated(now, "cluster " + w_.config.clusters[c].name + " has " + std::to_string(registered[c]) + " registered instances (counted " +
                        std::to_string(w_.clusters[c].registered_instances) + ", quota " +
                        std::to_string(w_.config.account.container_instances_per_cluster) + ")");
  // The groups' running totals equal a recount of their instances.
  for (std::size_t p = 0; p < w_.providers.size(); ++p) {
    if (!w_.providers[p].asg) continue;
    const auto& a = *w_.providers[p].asg;
    std::vector<int> per_zone(a.in_service_per_zone.size(), 0);
    std::vector<std::set<std::uint32_t>> idle(a.idle_in_service_per_zone.size());
    int on_demand = 0, with_tasks = 0;
    bool zones_ok = true;
    for (auto id : a.members) {
      const auto& in = w_.instances[id - 1];
      if (!in.in_service) continue;
      if (static_cast<std::size_t>(in.zone) < per_zone.size() && static_cast<std::size_t>(in.zone) < idle.size()) {
        ++per_zone[static_cast<std::size_t>(in.zone)];
        if (in.service_tasks == 0) idle[static_cast<std::size_t>(in.zone)].insert(id);
      } else {
        zones_ok = false;
      }
      if (!in.spot) on_demand += in.weight;
      if (in.service_tasks > 0) ++with_tasks;
    }
    if (!zones_ok || per_zone != a.in_service_per_zone || on_demand != a.on_demand_units_in_service ||
        with_tasks != a.in_service_with_tasks || idle != a.idle_in_service_per_zone ||
        !std::is_sorted(a.members.begin(), a.members.end()))
      violated(now, "group " + w_.config.provider_name(static_cast<int>(p)) +
                        " totals (per zone, On-Demand units, instances with tasks, idle instances, member order) differ from a recount");
  }
  // The split cost allocation's reservations equal a recount; no container instance over-committed.
  for (const auto& in : w_.instances) {
    if (in.state != InstanceState::kTerminated && (in.reserved_cpu_units != cpu[in.id - 1] || in.reserved_memory_mib != mem[in.id - 1]))
      violated(now, "instance " + instance_name(in.id) + " reservations for cost allocation (" + std::to_string(in.reserved_cpu_units) +
                         " CPU, " + std::to_string(in.reserved_memory_mib) + " MiB) differ from a recount");
    if (in.state != InstanceState::kActive && in.state != InstanceState::kDraining) continue;
    const auto& type = w_.config.instance_types[static_cast<std::size_t>(in.type)];
    const std::int64_t cap_cpu = type.vcpu * 1024LL;
    const std::int64_t cap_mem = std::max(0, type.memory_mib - w_.config.timings.ec2.reserved_memory_mib);
    if (cpu[in.id - 1] > cap_cpu || mem[in.id - 1] > cap_mem)
      violated(now, "instance " + instance_name(in.id) + " is over-committed (cpu " + std::to_string(cpu[in.id - 1]) + "/" +
                         std::to_string(cap_cpu) + ", memory " + std::to_string(mem[in.id - 1]) + "/" + std::to_string(cap_mem) + ")");
  }
  // Every task a RunTask call asked for (or a retry.attempts resubmission) is started, waiting for room under the cluster cap,
  // in a call waiting to be retried, or given up.
  for (std::size_t g = 0; g < w_.groups.size(); ++g) {
    const auto& gs = w_.groups[g];
    std::int64_t deferred = 0;
    if (const auto c = static_cast<std::size_t>(w_.config.run_tasks[g].cluster); c < w_.clusters.size())
      for (const auto& d : w_.clusters[c].backlog) deferred += d.group == static_cast<int>(g);
    if (gs.tasks_requested + gs.resubmitted != gs.submitted + deferred + gs.tasks_retrying + gs.tasks_given_up || gs.tasks_retrying < 0 || gs.retry_quota < 0)
      violated(now, "runTasks group " + w_.config.run_tasks[g].name + ": " + std::to_string(gs.tasks_requested) + " tasks requested, but " +
                        std::to_string(gs.submitted) + " started + " + std::to_string(deferred) + " deferred + " +
                        std::to_string(gs.tasks_retrying) + " retrying + " + std::to_string(gs.tasks_given_up) + " given up");
  }
  // Costs never go down.
  if (last_costs_.size() != w_.providers.size()) last_costs_.assign(w_.providers.size(), 0.0);
  for (std::size_t p = 0; p < w_.providers.size(); ++p) {
    const double c = cost_.provider_cost(static_cast<int>(p), now);
    if (c < last_costs_[p] - 1e-9) violated(now, "cost of " + w_.config.provider_name(static_cast<int>(p)) + " went down");
    last_costs_[p] = c;
    // Tasks are never allocated more than their instances cost.
    if (w_.providers[p].asg && cost_.unallocated_cost(static_cast<int>(p), now) < -1e-9 * std::max(1.0, c))
      violated(now, "tasks on " + w_.config.provider_name(static_cast<int>(p)) + " are allocated more than its instances cost");
  }
}

}  // namespace ecsim
