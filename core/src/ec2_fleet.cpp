// EC2 capacity: Auto Scaling groups, container instances, placement on instances.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/core/ec2_fleet.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace ecsim {

Ec2Fleet::Ec2Fleet(World& w, ModelScheduler& sched, const Recorder& rec, const CostModel& cost, TaskControl& tasks,
                   std::unique_ptr<InstancePlacer> placer, const RngStreams& streams)
    : w_(w),
      sched_(sched),
      rec_(rec),
      cost_(cost),
      tasks_(tasks),
      placer_(std::move(placer)),
      placement_rng_(streams.stream("ec2/placement")),
      instance_spot_rng_(streams.stream("ec2/spot-interruptions")),
      instance_latency_rng_(streams.stream("ec2/instance-latency")),
      reclaim_rng_(streams.stream("ec2/spot-reclaim")) {
  if (!w_.config.asg_providers.empty() && !placer_) throw std::invalid_argument("EC2 capacity providers need an instance placer");
}

// Instance launch and boot jitter (timings.ec2.jitterCv) from their own stream.
SimDuration Ec2Fleet::instance_jittered(SimDuration d) {
  return jittered(d, instance_latency_rng_, w_.config.timings.ec2.jitter_cv);
}

void Ec2Fleet::asg_reconcile(int provider) {
  auto& a = *w_.providers[provider].asg;
  if (w_.config.asg(provider).managed_instances) return;  // no Auto Scaling group: ECS launches and retires each instance
  if (a.reconciling) {
    a.reconcile_again = true;
    return;
  }
  a.reconciling = true;
  do {
    a.reconcile_again = false;
    asg_reconcile_once(provider);
  } while (a.reconcile_again);
  a.reconciling = false;
}

void Ec2Fleet::asg_reconcile_once(int provider) {
  auto& a = *w_.providers[provider].asg;
  const auto& ac = w_.config.asg(provider);
  // DesiredCapacity counts capacity units (WeightedCapacity; one per instance without weights).
  // Launches may overshoot it by less than one instance's weight; scale-in never goes below it.
  while (a.in_service_units < a.desired) launch_instance(provider);
  while (a.in_service_units > a.desired) {
    // Default termination policy: the zone with the most instances, then (our tie-break)
    // an instance without tasks, then the newest: the largest (zone count, idle, id) of the
    // instances in service (with managed termination protection, of the idle ones).
    const auto& per_zone = a.in_service_per_zone;
    const bool protect = ac.managed_termination_protection;
    if (protect && a.in_service_with_tasks >= a.in_service) break;  // every instance is protected
    int fullest = 0;
    for (int z : ac.zones) fullest = std::max(fullest, per_zone[static_cast<std::size_t>(z)]);
    std::uint32_t victim = 0;
    std::pair<int, std::uint32_t> best{-1, 0};  // (instances in its zone, id) of the best idle one
    for (int z : ac.zones) {
      const auto& idle = a.idle_in_service_per_zone[static_cast<std::size_t>(z)];
      if (!idle.empty()) best = std::max(best, std::pair<int, std::uint32_t>{per_zone[static_cast<std::size_t>(z)], *idle.rbegin()});
    }
    if (best.first >= fullest || (protect && best.first >= 0)) {
      victim = best.second;
    } else if (!protect) {
      // No idle instance in a fullest zone: the newest one in service there. Members are in
      // launch (id) order.
      for (auto it = a.members.rbegin(); it != a.members.rend() && victim == 0; ++it) {
        const auto& in = w_.instances[*it - 1];
        if (in.in_service && per_zone[static_cast<std::size_t>(in.zone)] >= fullest) victim = *it;
      }
    }
    if (victim == 0) break;  // every instance is protected: the scale-in waits
    if (a.in_service_units - w_.instances[victim - 1].weight < a.desired) break;  // would fall below desired
    begin_instance_exit(victim, ac.managed_draining, "Auto Scaling scale-in (desired " + std::to_string(a.desired) + ")");
  }
}

// The group's zone with the fewest instances in service (ASG AZ balancing; Managed Instances
// spread over their subnets' zones the same way).
int Ec2Fleet::least_used_zone(int provider) const {
  const auto& per_zone = w_.providers[provider].asg->in_service_per_zone;
  const auto& zones = w_.config.asg(provider).zones;
  int zone = zones.front();
  for (int z : zones)
    if (per_zone[z] < per_zone[zone]) zone = z;
  return zone;
}

void Ec2Fleet::launch_instance(int provider) {
  auto& a = *w_.providers[provider].asg;
  const auto& ac = w_.config.asg(provider);
  const int on_demand = a.on_demand_units_in_service;  // capacity units
  const int zone = least_used_zone(provider);
  // Purchase option: OnDemandBaseCapacity first, then OnDemandPercentageAboveBaseCapacity
  // (On-Demand share rounded up) of the instances above the base.
  bool spot = false;
  // On-Demand: the first override (prioritized), or the lowest price per capacity unit
  // (lowest-price; ties keep the override order).
  std::size_t pick = 0;
  if (ac.on_demand_lowest_price)
    for (std::size_t k = 1; k < ac.instance_types.size(); ++k)
      if (w_.config.instance_types[ac.instance_types[k]].on_demand_usd_per_hour * ac.weight(pick) <
          w_.config.instance_types[ac.instance_types[pick]].on_demand_usd_per_hour * ac.weight(k))
        pick = k;
  if (ac.mixed) {
    // Purchase options are counted in capacity units, as AWS counts them with weights.
    const int total = a.in_service_units + ac.weight(pick);
    const int above = std::max(0, total - ac.on_demand_base);
    const int want_on_demand = std::min(total, ac.on_demand_base) + (above * ac.on_demand_percent_above_base + 99) / 100;
    spot = on_demand >= want_on_demand;
  }
  if (spot) {
    // Spot pools ranked as the allocation strategy says; the Advisor band stands in for
    // pool capacity (lower band: deeper pool). Ties keep the override order.
    // Prices compare per capacity unit (WeightedCapacity).
    auto rank = [&](std::size_t k) {
      const auto& it = w_.config.instance_types[ac.instance_types[k]];
      const double price = it.spot_usd_per_hour / ac.weight(k);
      switch (ac.spot_allocation) {
        case SpotAllocation::kLowestPrice: return std::pair<double, double>(price, 0);
        case SpotAllocation::kCapacityOptimized: return std::pair<double, double>(it.spot_band, 0);
        case SpotAllocation::kPriceCapacityOptimized: return std::pair<double, double>(it.spot_band, price);
      }
      return std::pair<double, double>(0, 0);
    };
    pick = 0;
    for (std::size_t k = 1; k < ac.instance_types.size(); ++k)
      if (rank(k) < rank(pick)) pick = k;
  }
  launch(provider, pick, zone, spot);
}

void Ec2Fleet::launch(int provider, std::size_t pick, int zone, bool spot) {
  auto& a = *w_.providers[provider].asg;
  const auto& ac = w_.config.asg(provider);
  const int type = ac.instance_types[pick];
  ContainerInstance in;
  in.id = static_cast<std::uint32_t>(w_.instances.size() + 1);
  in.provider = provider;
  in.zone = zone;
  in.type = type;
  in.spot = spot;
  in.weight = ac.weight(pick);
  in.launched = sched_.now();
  in.split_at = sched_.now();
  in.event = sched_.at(sched_.now() + instance_jittered(w_.config.timings.ec2.instance_launch), events::InstanceStep{in.id});
  const auto id = in.id;
  w_.instances.push_back(std::move(in));
  a.members.push_back(id);
  ++a.in_service;
  a.in_service_units += w_.instances.back().weight;
  ++a.in_service_per_zone[static_cast<std::size_t>(zone)];
  a.idle_in_service_per_zone[static_cast<std::size_t>(zone)].insert(id);
  if (!spot) a.on_demand_units_in_service += w_.instances.back().weight;
  ++a.instances_launched;
  a.instance_stats.set(sched_.now(), a.in_service);
  if (rec_.enabled())
    rec_.emit(RecordKind::kInstanceLaunched, nullptr, -1,
         "capacityProvider=" + ac.name + " instanceType=" + w_.config.instance_types[type].name + " lifecycle=" +
             (spot ? "spot" : "on-demand") + " availabilityZone=" + w_.config.availability_zones[zone],
         id);
}

void Ec2Fleet::on(const events::InstanceStep& e) {
  auto& in = w_.instances[e.id - 1];
  in.event = kNoEvent;
  switch (in.state) {
    case InstanceState::kPending:
      in.state = InstanceState::kBooting;
      in.event = sched_.at(sched_.now() + instance_jittered(w_.config.timings.ec2.boot + w_.config.timings.ec2.agent_registration), events::InstanceStep{in.id});
      return;
    case InstanceState::kBooting: register_instance(in.id); return;
    case InstanceState::kDraining: terminate_instance(in.id, in.spot_warned ? "EC2 Spot interruption" : "drained"); return;
    case InstanceState::kActive:
      if (in.spot_warned) terminate_instance(in.id, "EC2 Spot interruption");  // reclaimed without draining
      return;
    case InstanceState::kTerminated: return;
  }
}

// ECS refuses a RegisterContainerInstance past the cluster's quota; the instance runs (and is
// billed) without taking tasks. The agent keeps retrying: AWS publishes no retry interval, so
// ecsim registers waiting instances, in boot order, as soon as a registered one leaves.
void Ec2Fleet::register_instance(std::uint32_t id) {
  auto& in = w_.instances[id - 1];
  const int c = w_.cluster_of_provider(in.provider);
  if (c >= 0) {
    auto& cs = w_.clusters[static_cast<std::size_t>(c)];
    if (cs.registered_instances >= w_.config.account.container_instances_per_cluster) {
      cs.awaiting_registration.push_back(id);
      ++w_.providers[in.provider].asg->registrations_refused;
      rec_.emit(RecordKind::kInstanceRegistrationFailed, nullptr, -1,
                "capacityProvider=" + w_.config.asg(in.provider).name + " cluster " + w_.config.clusters[static_cast<std::size_t>(c)].name +
                    " has " + std::to_string(cs.registered_instances) +
                    " container instances (account.containerInstancesPerCluster); it registers when one leaves",
                id);
      return;
    }
    ++cs.registered_instances;
  }
  activate_instance(id);
}

void Ec2Fleet::admit_awaiting_registration(int cluster) {
  auto& cs = w_.clusters[static_cast<std::size_t>(cluster)];
  while (!cs.awaiting_registration.empty() && cs.registered_instances < w_.config.account.container_instances_per_cluster) {
    const std::uint32_t id = cs.awaiting_registration.front();
    cs.awaiting_registration.pop_front();
    if (w_.instances[id - 1].state != InstanceState::kBooting) continue;  // terminated while it waited
    ++cs.registered_instances;
    activate_instance(id);
  }
}

void Ec2Fleet::activate_instance(std::uint32_t id) {
  auto& in = w_.instances[id - 1];
  const auto& type = w_.config.instance_types[in.type];
  const auto& ac = w_.config.asg(in.provider);
  in.state = InstanceState::kActive;
  in.active_at = sched_.now();
  InstanceInfo info;
  info.id = id;
  info.provider = in.provider;
  info.zone = in.zone;
  info.cpu_units = type.vcpu * 1024;
  info.memory_mib = std::max(0, type.memory_mib - w_.config.timings.ec2.reserved_memory_mib);
  info.task_enis = ac.managed_instances ? mi_task_enis(type, in.provider) : std::max(0, type.max_enis - 1);
  info.gpus = type.gpus;
  info.attributes = {{"ecs.instance-type", type.name},
                     {"ecs.availability-zone", w_.config.availability_zones[in.zone]},
                     {"ecs.os-type", "linux"},
                     {"ecs.cpu-architecture", type.architecture == CpuArchitecture::kArm64 ? "arm64" : "x86_64"},
                     {"ecs.capacity-provider", ac.name}};
  for (const auto& attr : ac.attributes) info.attributes.push_back(attr);
  placer_->add_instance(info);
  ++w_.providers[in.provider].asg->capacity_version;
  rec_.emit(RecordKind::kInstanceActive, nullptr, -1,
       "capacityProvider=" + ac.name + " registeredCpu=" + std::to_string(info.cpu_units) +
           " registeredMemory=" + std::to_string(info.memory_mib),
       id);
  if (in.spot) {
    const double pct = w_.config.timings.ec2.spot_interruption_percent_per_month[std::clamp(type.spot_band, 0, 4)];
    if (pct > 0) {
      // A monthly interruption probability p as a constant hazard: rate = -ln(1 - p) per 730 h.
      const double per_hour = -std::log(1.0 - std::min(pct, 99.9) / 100.0) / 730.0;
      const double hours = instance_spot_rng_.exponential(1.0 / per_hour);
      in.spot_event = sched_.at(sched_.now() + seconds(hours * 3600.0), events::InstanceSpotInterruption{id});
    }
  }
  if (ac.managed_instances) {
    // Idle from registration until a task lands; replaced from day 14 of its life.
    mi_arm_optimize(in);
    in.maintenance_event = sched_.at(std::max(sched_.now(), in.launched + w_.config.timings.managed_instances.maintenance_drain_after),
                                     events::InstanceMaintenance{id});
  }
  // DAEMON services first, then whatever waits for capacity, once every instance that
  // registers at this instant has (ECS places a batch, not one instance at a time).
  tasks_.daemons_changed_now();
  auto& p = w_.providers[w_.instances[id - 1].provider];
  if (p.wake_event == kNoEvent) p.wake_event = sched_.at(sched_.now(), events::ProviderWake{w_.instances[id - 1].provider});
}

void Ec2Fleet::on(const events::InstanceSpotInterruption& e) {
  auto& in = w_.instances[e.id - 1];
  in.spot_event = kNoEvent;
  if (in.state == InstanceState::kTerminated || in.spot_warned) return;
  in.spot_warned = true;
  auto& a = *w_.providers[in.provider].asg;
  ++a.spot_interruptions;
  ++w_.providers[in.provider].spot_interruptions;
  const auto& ac = w_.config.asg(in.provider);
  rec_.emit(RecordKind::kInstanceSpotInterruptionWarning, nullptr, -1,
       "capacityProvider=" + ac.name + " warning=" + format_seconds(w_.config.timings.ec2.spot_warning) + "s", e.id);
  begin_instance_exit(e.id, ac.managed_draining, "EC2 Spot interruption");
  // The instance is reclaimed when the notice runs out, drained or not (a drained one goes
  // as soon as its last task has stopped).
  auto& again = w_.instances[e.id - 1];
  if (again.state == InstanceState::kActive || (again.state == InstanceState::kDraining && again.service_tasks > 0)) {
    if (again.event != kNoEvent) sched_.cancel(again.event);
    again.event = sched_.at(sched_.now() + w_.config.timings.ec2.spot_warning, events::InstanceStep{e.id});
  }
}

// Takes an instance out of service. With managed draining it goes DRAINING: it takes no new
// tasks, its service tasks are stopped so the scheduler replaces them elsewhere, and it is
// terminated once no non-daemon task is left. Without, it is terminated at once.
void Ec2Fleet::begin_instance_exit(std::uint32_t id, bool drain, const std::string& why) {
  auto& in = w_.instances[id - 1];
  if (in.state == InstanceState::kTerminated || in.state == InstanceState::kDraining) return;
  const int provider = in.provider;
  auto& a = *w_.providers[provider].asg;
  take_out_of_service(in, a);
  const bool spot_notice = in.spot_warned;
  if (!drain || in.state != InstanceState::kActive) {
    // Not registered yet, or no managed draining: it goes now (a Spot instance without
    // draining keeps running its tasks until the notice runs out).
    if (!spot_notice || in.state != InstanceState::kActive) terminate_instance(id, why);
    asg_reconcile(provider);
    return;
  }
  in.state = InstanceState::kDraining;
  placer_->set_accepting(id, false);
  rec_.emit(RecordKind::kInstanceDraining, nullptr, -1, "reason=" + why, id);
  // Stop (and so replace) the tasks here; daemon tasks stay until the instance goes.
  const auto slots = in.task_slots;
  for (auto slot : slots) {
    Task& t = w_.tasks[slot];
    // A slot may have been recycled by a task stopped and replaced while this loop runs.
    if (t.instance != id || t.daemon || t.state == TaskState::kStopped) continue;
    if (spot_notice) {
      tasks_.interrupt_task(slot, /*count_for_provider=*/false);
    } else if (w_.config.asg(provider).managed_instances) {
      tasks_.replace_for_host(slot);  // start-before-stop; a standalone task runs on
    } else {
      tasks_.stop_for_host(slot, "Container instance " + instance_name(id) + " is draining");
    }
  }
  auto& again = w_.instances[id - 1];
  if (again.state == InstanceState::kDraining) {
    if (again.event != kNoEvent) sched_.cancel(again.event);
    SimDuration wait = again.service_tasks == 0 ? SimDuration{0} : w_.config.timings.ec2.draining_timeout;
    // Managed Instances: tasks that stay are stopped with the instance at its end of life.
    if (w_.config.asg(provider).managed_instances && again.service_tasks > 0 && !spot_notice)
      wait = std::max(SimDuration{0}, again.launched + w_.config.timings.managed_instances.maintenance_terminate_after - sched_.now());
    again.event = sched_.at(sched_.now() + wait, events::InstanceStep{id});
  }
  asg_reconcile(provider);
}

void Ec2Fleet::take_out_of_service(ContainerInstance& in, AsgState& a) {
  if (!in.in_service) return;
  in.in_service = false;
  --a.in_service;
  a.in_service_units -= in.weight;
  --a.in_service_per_zone[static_cast<std::size_t>(in.zone)];
  if (!in.spot) a.on_demand_units_in_service -= in.weight;
  if (in.service_tasks > 0) --a.in_service_with_tasks;
  else a.idle_in_service_per_zone[static_cast<std::size_t>(in.zone)].erase(in.id);
  a.instance_stats.set(sched_.now(), a.in_service);
}

void Ec2Fleet::terminate_instance(std::uint32_t id, const std::string& why) {
  auto& in = w_.instances[id - 1];
  if (in.state == InstanceState::kTerminated) return;
  const int provider = in.provider;
  auto& a = *w_.providers[provider].asg;
  take_out_of_service(in, a);
  const bool registered = in.state == InstanceState::kActive || in.state == InstanceState::kDraining;
  if (registered) placer_->set_accepting(id, false);  // nothing new lands here while its tasks stop
  if (in.event != kNoEvent) sched_.cancel(in.event);
  if (in.spot_event != kNoEvent) sched_.cancel(in.spot_event);
  if (in.optimize_event != kNoEvent) sched_.cancel(in.optimize_event);
  if (in.maintenance_event != kNoEvent) sched_.cancel(in.maintenance_event);
  in.event = in.spot_event = in.optimize_event = in.maintenance_event = kNoEvent;
  if (in.consolidating) {
    in.consolidating = false;
    --a.consolidating;
  }
  // Tasks still here die with the instance.
  const auto slots = in.task_slots;
  for (auto slot : slots) {
    Task& t = w_.tasks[slot];
    if (t.instance != id || t.state == TaskState::kStopped) continue;  // recycled slot, or already gone
    tasks_.lost_with_host(slot, "Host EC2 (instance " + instance_name(id) + ") terminated.");
  }
  auto& done = w_.instances[id - 1];
  if (registered) placer_->remove_instance(id);
  const int cluster = registered ? w_.cluster_of_provider(provider) : -1;
  if (cluster >= 0) --w_.clusters[static_cast<std::size_t>(cluster)].registered_instances;
  done.state = InstanceState::kTerminated;
  done.terminated_at = sched_.now() + w_.config.timings.ec2.instance_shutdown;
  done.cost_usd = cost_.instance_cost(done, done.terminated_at);
  a.instance_cost_usd += done.cost_usd;
  a.management_fee_usd += done.cost_usd * cost_.fee_share(done);
  ++a.instances_terminated;
  a.members.erase(std::lower_bound(a.members.begin(), a.members.end(), id));  // in id order
  rec_.emit(RecordKind::kInstanceTerminated, nullptr, -1, "reason=" + why, id);
  if (cluster >= 0) admit_awaiting_registration(cluster);
  tasks_.daemons_changed_later();
  asg_reconcile(provider);
}


void Ec2Fleet::pump(int provider) {
  if (!placer_) return;
  auto& a = *w_.providers[provider].asg;
  // Queues in order of their oldest task; each places tasks until one does not fit.
  // (A placed task can stop at once and pump again: a nested pump gets its own list.)
  std::vector<std::pair<std::uint64_t, std::size_t>> nested;
  auto& order = pump_depth_ == 0 ? pump_order_ : nested;
  struct Depth {
    int& d;
    explicit Depth(int& x) : d(++x) {}
    ~Depth() { --d; }
  } depth(pump_depth_);
  order.clear();
  for (std::size_t i = 0; i < a.nonempty.size();) {
    const std::size_t q = a.nonempty[i];
    auto& w = a.waiting[q];
    while (!w.slots.empty()) {
      const Task& t = w_.tasks[w.slots.front()];
      if (t.state != TaskState::kStopped && t.phase == TaskPhase::kWaitingForCapacity) break;
      w.slots.pop_front();
    }
    if (w.slots.empty()) {
      w.listed = false;
      a.nonempty[i] = a.nonempty.back();
      a.nonempty.pop_back();
      continue;
    }
    order.emplace_back(w_.tasks[w.slots.front()].id, q);
    ++i;
  }
  std::sort(order.begin(), order.end());
  for (const auto& [head, q] : order) {
    auto& w = a.waiting[q];
    if (w.failed_head == head && w.failed_version == a.capacity_version) continue;  // no room since it last failed
    while (!w.slots.empty()) {
      const std::uint32_t slot = w.slots.front();
      Task& t = w_.tasks[slot];
      if (t.state == TaskState::kStopped || t.phase != TaskPhase::kWaitingForCapacity) {
        w.slots.pop_front();
        continue;
      }
      // Only a failure that will be reported needs explaining (the head task, once, when the
      // events are recorded).
      const bool report = !t.placement_reported && rec_.enabled();
      auto result = placer_->place(provider, w.rules, w_.demand_of(w.task_definition), placement_rng_, /*explain=*/report);
      if (!result.instance) {
        if (report) {
          t.placement_reported = true;
          rec_.emit(RecordKind::kTaskPlacementFailed, &t, t.service,
                 (t.service >= 0 ? "(service " + w_.config.services[t.service].name + ") " : std::string()) + result.reason);
        }
        w.failed_head = t.id;
        w.failed_version = a.capacity_version;
        break;
      }
      w.slots.pop_front();
      start_on_instance(slot, result.instance);
    }
  }
  // Managed Instances: what found no room gets new instances, once the tasks created at this
  // instant have all been tried (one decision for a batch).
  if (managed_instances(provider) && a.provision_event == kNoEvent)
    for (const auto& w : a.waiting)
      if (!w.slots.empty()) {
        a.provision_event = sched_.at(sched_.now(), events::ManagedInstancesProvision{provider});
        break;
      }
}

void Ec2Fleet::start_on_instance(std::uint32_t slot, std::uint32_t instance) {
  Task& t = w_.tasks[slot];
  auto& in = w_.instances[instance - 1];
  t.instance = instance;
  in.task_slots.push_back(slot);
  if (!t.daemon && in.service_tasks++ == 0 && in.in_service) {
    auto& a = *w_.providers[in.provider].asg;
    ++a.in_service_with_tasks;
    a.idle_in_service_per_zone[static_cast<std::size_t>(in.zone)].erase(in.id);
  }
  cost_.advance_split(in, sched_.now());
  t.split_vcpu_mark = in.usd_per_reserved_vcpu;
  t.split_gb_mark = in.usd_per_reserved_gb;
  in.reserved_cpu_units += w_.demand_of(t.task_definition).cpu_units;
  in.reserved_memory_mib += w_.demand_of(t.task_definition).memory_mib;
  t.has_launched = true;
  t.launched = sched_.now();
  ++w_.providers[t.provider].tasks_launched;
  t.zone = in.zone;
  if (t.service >= 0 && t.counts_toward_desired) ++w_.services[t.service].per_zone[t.zone];
  if (managed_instances(in.provider)) mi_arm_optimize(in);
  tasks_.placed_on_instance(slot);
}

void Ec2Fleet::on_task_stopped(std::uint32_t slot) {
  Task& t = w_.tasks[slot];
  if (t.instance == 0) return;
  auto& in = w_.instances[t.instance - 1];
  cost_.advance_split(in, sched_.now());
  t.cost_usd = cost_.accrued_cost(t, sched_.now());
  in.reserved_cpu_units -= w_.demand_of(t.task_definition).cpu_units;
  in.reserved_memory_mib -= w_.demand_of(t.task_definition).memory_mib;
  if (in.state != InstanceState::kTerminated) {
    placer_->release(in.id, w_.rules_of(t), w_.demand_of(t.task_definition));
    ++w_.providers[in.provider].asg->capacity_version;
  }
  in.task_slots.erase(std::find(in.task_slots.begin(), in.task_slots.end(), slot));
  if (!t.daemon && --in.service_tasks == 0 && in.in_service) {
    auto& a = *w_.providers[in.provider].asg;
    --a.in_service_with_tasks;
    a.idle_in_service_per_zone[static_cast<std::size_t>(in.zone)].insert(in.id);
  }
  if (in.state == InstanceState::kActive && managed_instances(in.provider)) mi_arm_optimize(in);
  // A draining instance goes once its last non-daemon task is gone.
  if (in.state == InstanceState::kDraining && in.service_tasks == 0) {
    if (in.event != kNoEvent) sched_.cancel(in.event);
    in.event = sched_.at(sched_.now(), events::InstanceStep{in.id});
  }
}

// An image already pulled on the instance is cached there (0 s).
SimDuration Ec2Fleet::pull_time(const Task& t) const {
  const auto& td = w_.config.task_definitions[t.task_definition];
  const auto& cache = w_.instances[t.instance - 1].cached_images;
  if (std::find(cache.begin(), cache.end(), t.task_definition) != cache.end()) return SimDuration{0};
  return seconds(td.image_size_mib / w_.config.timings.ec2.pull_mib_per_second);
}

void Ec2Fleet::on_image_pulled(const Task& t) {
  auto& cache = w_.instances[t.instance - 1].cached_images;
  if (std::find(cache.begin(), cache.end(), t.task_definition) == cache.end()) cache.push_back(t.task_definition);
}

// Reclaims round(fraction * n) of the group's Spot instances in service, chosen by a seeded
// partial shuffle; each gets the notice, in id order.
void Ec2Fleet::reclaim_spot(int provider, double fraction) {
  std::vector<std::uint32_t> spot;
  for (auto id : w_.providers[provider].asg->members) {
    const auto& in = w_.instances[id - 1];
    if (in.spot && in.in_service && !in.spot_warned) spot.push_back(id);
  }
  const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(spot.size())));
  for (std::size_t i = 0; i < k; ++i) std::swap(spot[i], spot[i + reclaim_rng_.uniform_index(spot.size() - i)]);
  spot.resize(k);
  std::sort(spot.begin(), spot.end());
  for (auto id : spot) on(events::InstanceSpotInterruption{id});
}

void AsgProvider::enqueue(std::uint32_t slot) {
  const Task& t = w_.tasks[slot];
  auto& waiting = w_.providers[provider_].asg->waiting;
  const int rules = w_.rules_of(t);
  auto q = std::find_if(waiting.begin(), waiting.end(),
                        [&](const AsgState::WaitQueue& w) { return w.rules == rules && w.task_definition == t.task_definition; });
  if (q == waiting.end()) q = waiting.insert(waiting.end(), AsgState::WaitQueue{rules, t.task_definition, {}});
  q->slots.push_back(slot);
  if (!q->listed) {
    q->listed = true;
    w_.providers[provider_].asg->nonempty.push_back(static_cast<std::size_t>(q - waiting.begin()));
  }
}

void AsgProvider::set_spot_capacity(bool, std::optional<SimDuration>) {
  throw std::logic_error("spotCapacity applies to FARGATE_SPOT only (the loader refuses it for a group)");
}

}  // namespace ecsim
