// The interface through which the simulator asks which EC2 container instance takes a
// task. Implemented by ecsim::placement::Ec2Placer; the simulator owns the instances'
// lifecycle and tells the placer when they join, drain and leave.
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ecsim/core/rng.hpp"

namespace ecsim {

/// The EC2 instance id as events.csv and placement messages spell it: i-0000002a.
inline void append_instance_name(std::string& out, std::uint32_t id) {
  char s[10] = {'i', '-'};
  for (int k = 9; k >= 2; --k, id >>= 4) s[k] = "0123456789abcdef"[id & 0xF];
  out.append(s, sizeof s);
}
inline std::string instance_name(std::uint32_t id) {
  std::string s;
  append_instance_name(s, id);
  return s;
}

/// What one task needs from a container instance.
struct TaskDemand {
  int cpu_units = 0;
  int memory_mib = 0;
  bool awsvpc = false;          ///< needs one free task ENI
  std::vector<int> host_ports;  ///< bridge/host network modes: ports that must be free
  int gpus = 0;                 ///< GPUs reserved (resourceRequirements type GPU)
};

/// A container instance as placement sees it. `attributes` holds the built-in ones
/// (ecs.instance-type, ecs.availability-zone, ecs.os-type, ecs.cpu-architecture) and any
/// custom attributes.
struct InstanceInfo {
  std::uint32_t id = 0;  ///< > 0, unique in the run
  int provider = 0;
  int zone = 0;
  int cpu_units = 0;
  int memory_mib = 0;
  int task_enis = 0;  ///< ENIs free for awsvpc tasks (the primary ENI is not one)
  int gpus = 0;
  std::vector<std::pair<std::string, std::string>> attributes;
};

struct PlacementResult {
  std::uint32_t instance = 0;  ///< 0: no instance fits
  std::string reason;          ///< why not, in ECS's words
};

/// `rules` indexes the placement rules compiled at construction: services first (rules i =
/// service i), then runTasks groups (rules S+g). The task group whose tasks spread and
/// distinctInstance count is the same index.
class InstancePlacer {
 public:
  virtual ~InstancePlacer() = default;
  virtual void add_instance(const InstanceInfo& info) = 0;
  /// A DRAINING instance keeps its tasks and takes no new ones.
  virtual void set_accepting(std::uint32_t id, bool accepting) = 0;
  virtual void remove_instance(std::uint32_t id) = 0;
  /// Chooses an instance of `provider` for a task and reserves its resources there. When none
  /// fits, `reason` says why in ECS's words if `explain` (finding the closest instance scans
  /// the provider's instances, so callers that will not report it pass false).
  virtual PlacementResult place(int provider, int rules, const TaskDemand& demand, Rng& rng, bool explain) = 0;
  PlacementResult place(int provider, int rules, const TaskDemand& demand, Rng& rng) {
    return place(provider, rules, demand, rng, /*explain=*/true);
  }
  /// Reserves resources on a given instance (DAEMON tasks); false if they do not fit.
  virtual bool place_on(std::uint32_t id, int rules, const TaskDemand& demand) = 0;
  /// Gives back what place()/place_on() reserved.
  virtual void release(std::uint32_t id, int rules, const TaskDemand& demand) = 0;
};

}  // namespace ecsim
