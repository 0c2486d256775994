// What a run costs, computed from the entity state (no side effects on the model).
// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <utility>

#include "ecsim/core/world.hpp"

namespace ecsim {

/// Fargate tasks are billed per second from the start of their image pull (one-minute
/// minimum, applied when they stop); EC2 instances per second from launch to termination
/// (60 s minimum). On EC2 a task is allocated a share of its instance's cost by AWS split cost
/// allocation: the instance price is cut into a CPU part and a memory part by weighted
/// capacity, each part shared by the tasks reserving that resource. All reads are of `World`.
/// The bill by pricing model (summary.json's cost.byPricingModel): Savings Plans settle each
/// UTC hour of the run; the rest is at the On-Demand and Spot rates.
struct Bill {
  double reserved_instances = 0;    ///< Reserved Instances' hourly fees, used or not
  double savings_plan_covered = 0;  ///< commitment used: eligible usage at the plans' rates
  double unused_commitment = 0;     ///< commitment paid that no usage used
  double on_demand = 0;             ///< On-Demand usage the plans did not cover
  double spot = 0;                  ///< Fargate Spot and EC2 Spot
  double other = 0;                 ///< Fargate ephemeral storage, Managed Instances' fee
  double eligible_on_demand = 0;    ///< On-Demand-equivalent of the usage plans could cover
  double covered_on_demand = 0;     ///< ... of the part they did cover
  struct Plan {
    double committed = 0, used = 0, covered_on_demand = 0;
    int hours = 0;  ///< hours of the run within its term (partial first and last hours count)
  };
  std::vector<Plan> plans;
  struct Reservation {
    double paid = 0, used_units = 0, units = 0, covered_on_demand = 0;
    int hours = 0;
  };
  std::vector<Reservation> reservations;
  /// The same amounts for each UTC hour of the run, from the hour that holds t = 0.
  struct Hour {
    double reserved_instances = 0, savings_plan_covered = 0, unused_commitment = 0, on_demand = 0, spot = 0, other = 0;
  };
  std::vector<Hour> hourly;
  std::int64_t first_hour_unix = 0;  ///< the first hour's start, Unix seconds
  double total() const { return reserved_instances + savings_plan_covered + unused_commitment + on_demand + spot + other; }
};

class CostModel {
 public:
  explicit CostModel(const World& w) : w_(w) {}
  /// Cost of a task from the start of its image pull to `until` (no minimum applied); on EC2
  /// its allocated share of its instance.
  double accrued_cost(const Task& task, SimTime until) const;
  /// A service's tasks: stopped ones as billed, live ones so far.
  double service_cost(int service, SimTime until) const;
  /// A capacity provider: its Fargate tasks, or its EC2 instances.
  double provider_cost(int provider, SimTime until) const;
  /// An instance from launch to `until` (or its termination), 60 s minimum once terminated.
  double instance_cost(const ContainerInstance& instance, SimTime until) const;
  /// Of a Managed Instances provider's cost to `until`, the management fee.
  double management_fee(int provider, SimTime until) const;
  /// The share of an instance's cost that is the management fee (0 outside Managed Instances).
  double fee_share(const ContainerInstance& instance) const;
  /// Instance cost no task reserved (booting, empty or idle capacity, the minimum).
  double unallocated_cost(int provider, SimTime until) const;
  /// The instance's cumulative cost per reserved vCPU and per reserved GB at `until`.
  std::pair<double, double> split_marks(const ContainerInstance& in, SimTime until) const;
  /// Brings the instance's cumulative split-cost values up to `now` (before its reservations change).
  void advance_split(ContainerInstance& in, SimTime now) const;
  /// The bill up to `until`, Savings Plans applied hour by hour.
  Bill bill(SimTime until) const;
  /// Books a stopped On-Demand Fargate task's billed interval by hour (Savings Plans only).
  static void book_fargate_usage(World& w, const Task& t, SimTime from, SimTime to);

 private:
  const World& w_;
};

}  // namespace ecsim
