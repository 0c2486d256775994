// Cluster auto scaling (ECS managed scaling) of Auto Scaling group capacity providers.
// SPDX-License-Identifier: Apache-2.0
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "ecsim/core/ec2_fleet.hpp"

namespace ecsim {

// Cluster auto scaling, once a minute per provider with managed scaling:
// CapacityProviderReservation = M / N * 100 (N instances in service; M a lower bound of the
// instances needed for running plus PROVISIONING tasks), tracked to targetCapacity by a
// high alarm (1 of 1) and a low alarm (15 of 15).
void ManagedScaling::on(const events::ManagedScalingTick& e) {
  const auto& et = w_.config.timings.ec2;
  sched_.at(sched_.now() + et.managed_scaling_period, events::ManagedScalingTick{e.provider});
  auto& p = w_.providers[e.provider];
  auto& a = *p.asg;
  const auto& ac = w_.config.asg(e.provider);
  const auto& ms = ac.managed_scaling;
  const int n = a.in_service;
  int m = a.in_service_with_tasks;
  // Tasks waiting for capacity: at least one more instance, and as many as their summed
  // demand needs on the group's largest instance type, resource by resource (CPU units,
  // memory, task ENIs, GPUs), and as many as wait for any one static host port (one task per
  // port per instance): the binpacking lower bound ("Amazon ECS managed scaling behavior":
  // vCPU, memory, ENIs, ports and GPUs).
  using Resources = Eigen::Array4d;  // cpu units, memory MiB, task ENIs, GPUs
  Resources demand = Resources::Zero();
  int waiting = 0;
  std::map<int, int> on_port;  // static host port -> waiting tasks that need it
  // The smallest instance type, resource by resource, is the protection: a task it cannot run
  // is left out of the estimate ("not compatible"), and when every waiting task is, cluster
  // auto scaling holds the reservation at targetCapacity.
  Resources smallest = Resources::Constant(std::numeric_limits<double>::infinity()), largest = Resources::Ones();
  for (int ti : ac.instance_types) {
    const auto& type = w_.config.instance_types[ti];
    const Resources offers(type.vcpu * 1024.0, type.memory_mib - et.reserved_memory_mib, type.max_enis - 1, type.gpus);
    smallest = smallest.min(offers);
    largest = largest.max(offers);
  }
  int incompatible = 0;
  for (const auto& w : a.waiting)
    for (auto slot : w.slots) {
      const Task& t = w_.tasks[slot];
      if (t.state != TaskState::kProvisioning || t.phase != TaskPhase::kWaitingForCapacity) continue;
      const auto& d = w_.demand_of(t.task_definition);
      const Resources need(d.cpu_units, d.memory_mib, d.awsvpc ? 1 : 0, d.gpus);
      if ((need > smallest).any()) {
        ++incompatible;
        continue;
      }
      ++waiting;
      demand += need;
      for (int port : d.host_ports) ++on_port[port];
    }
  if (waiting > 0) {
    double extra = std::max(1.0, (demand / largest).ceil().maxCoeff());
    for (const auto& [port, tasks] : on_port) extra = std::max(extra, static_cast<double>(tasks));
    m = static_cast<int>(std::min(n + extra, 1e6));
  }
  double reservation;
  if (waiting == 0 && incompatible > 0) reservation = ms.target_capacity;  // every waiting task is too big for the smallest type
  else if (n == 0) reservation = m > 0 ? et.first_step_percent : 100.0;
  else reservation = 100.0 * m / n;
  a.reservation = reservation;
  const double target = ms.target_capacity;
  a.high_streak = reservation > target ? a.high_streak + 1 : 0;
  a.low_streak = reservation < target ? a.low_streak + 1 : 0;
  int to = a.desired;
  std::string why;
  if (a.high_streak >= et.scale_out_datapoints) {
    // Warm-up blocks scale-out. Members are in launch order, so the newest in service
    // decides whether any is still warming up.
    for (auto it = a.members.rbegin(); it != a.members.rend(); ++it) {
      const auto& in = w_.instances[*it - 1];
      if (!in.in_service) continue;
      if (sched_.now() - in.launched < ms.instance_warmup) return;
      break;
    }
    const int tracked = static_cast<int>(std::ceil(std::max(n, 1) * reservation / target - 1e-9));
    int step = std::clamp(tracked - n, ms.minimum_step, ms.maximum_step);
    if (et.mixed_groups_step_by_minimum && (ac.instance_types.size() > 1 || ac.zones.size() > 1)) step = ms.minimum_step;
    to = std::min(ac.max_size, n + step);
    why = "scale-out";
  } else if (a.low_streak >= et.scale_in_datapoints) {
    const int tracked = static_cast<int>(std::ceil(n * reservation / target - 1e-9));
    const int most = std::max(1, static_cast<int>(std::floor(n * et.scale_in_max_fraction)));
    to = std::max(ac.min_size, n - std::min(n - tracked, most));
    why = "scale-in";
  }
  if (why.empty() || to == a.desired) return;
  if (why == "scale-in" && to > a.desired) return;
  if (why == "scale-out" && to < a.desired) return;
  ++a.scaling_actions;
  if (rec_.enabled())
    rec_.emit(RecordKind::kManagedScaling, nullptr, -1,
         "capacityProvider=" + ac.name + " " + why + " reservation=" + std::to_string(static_cast<int>(std::lround(reservation))) +
             " from=" + std::to_string(a.desired) + " to=" + std::to_string(to));
  a.desired = to;
  fleet_.asg_reconcile(e.provider);
}


}  // namespace ecsim
