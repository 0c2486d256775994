// The invariant checker, check by check: a hand-built, consistent world (one EC2 group with
// one m5.large, one Fargate provider, one service with a scalable target of [2, 10], one task
// RUNNING and healthy on the instance) passes every check; each case then breaks exactly one
// thing and the checker must name it, with the time. A checker that passes a broken world
// is as bad as a model that breaks one.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>

#include "ecsim/core/cost_model.hpp"
#include "ecsim/core/invariants.hpp"
#include "test_util.hpp"

namespace ecsim {
namespace {

class BoundedScaler final : public ServiceScaler {
 public:
  int min_capacity() const override { return 2; }
  int max_capacity() const override { return 10; }
  std::optional<ScalingAction> on_datapoint(const MetricDatapoint&, SimTime, int) override { return std::nullopt; }
  std::optional<SimTime> next_scheduled(SimTime) const override { return std::nullopt; }
  std::optional<ScalingAction> on_scheduled(SimTime, int) override { return std::nullopt; }
};

const ScenarioConfig& config() {
  static const ScenarioConfig cfg = testing::load_yaml(R"(ecsim: 1
name: inv
duration: 1h
capacityProviders:
  - name: grp
    autoScalingGroupProvider: {managedScaling: {status: DISABLED}}
    autoScalingGroup: {MinSize: 0, MaxSize: 2, DesiredCapacity: 1, InstanceType: m5.large, AvailabilityZones: [us-east-1a]}
clusters:
  - {clusterName: c, capacityProviders: [FARGATE, grp]}
taskDefinitions:
  - family: web
    requiresCompatibilities: [EC2, FARGATE]
    networkMode: awsvpc
    cpu: "1024"
    memory: "2048"
    containerDefinitions: [{name: web, image: web:1}]
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: 1
    capacityProviderStrategy: [{capacityProvider: grp, weight: 1}]
runTasks:
  - {name: jobs, cluster: c, taskDefinition: web:1, launchType: FARGATE, arrivals: {poisson: {ratePerSecond: 1, duration: {fixed: 1m}}}}
)");
  return cfg;
}

int group_index(const ScenarioConfig& c) {
  for (int p = 0; p < c.num_providers(); ++p)
    if (c.is_asg(p)) return p;
  return -1;
}

struct Fixture {
  World w{config()};
  CostModel cost{w};
  InvariantChecker check{w, cost};
  int grp = group_index(config());

  Fixture() {
    const auto& c = config();
    w.providers.resize(static_cast<std::size_t>(c.num_providers()));
    w.providers[static_cast<std::size_t>(grp)].asg.emplace();
    auto& a = *w.providers[static_cast<std::size_t>(grp)].asg;
    a.desired = 1;
    a.in_service = 1;
    a.members = {1};
    a.in_service_per_zone = {1};
    a.idle_in_service_per_zone = {{}};  // its one instance runs a task
    a.on_demand_units_in_service = 1;
    a.in_service_with_tasks = 1;
    for (const auto& td : c.task_definitions) w.demands.push_back(TaskDemand{td.cpu_units, td.memory_mib, true, td.host_ports, td.gpus});
    w.services.resize(1);
    auto& s = w.services[0];
    s.desired = 3;
    s.scaler = std::make_unique<BoundedScaler>();
    s.running = 1;
    s.healthy = 1;
    s.counted = 1;
    ContainerInstance in;
    in.id = 1;
    in.provider = grp;
    in.type = 0;
    in.state = InstanceState::kActive;
    in.task_slots = {0};
    in.service_tasks = 1;
    in.reserved_cpu_units = 1024;
    in.reserved_memory_mib = 2048;
    w.instances.push_back(in);
    Task t;
    t.id = 1;
    t.service = 0;
    t.provider = grp;
    t.instance = 1;
    t.state = TaskState::kRunning;
    t.phase = TaskPhase::kServing;
    t.healthy = true;
    w.tasks.push_back(t);
    w.providers[static_cast<std::size_t>(grp)].running = 1;
    w.groups.resize(1);
    auto& g = w.groups[0];  // 10 tasks asked for: 6 started, 2 in a call to retry, 2 given up
    g.tasks_requested = 10;
    g.submitted = 6;
    g.tasks_retrying = 2;
    g.tasks_given_up = 2;
  }
};

std::string violation(const std::function<void(Fixture&)>& breakit) {
  Fixture f;
  breakit(f);
  try {
    f.check.check_now(SimTime{std::chrono::milliseconds(90'000)});
  } catch (const std::logic_error& e) {
    return e.what();
  }
  return "";
}

TEST(InvariantChecks, AConsistentWorldPasses) { EXPECT_EQ(violation([](Fixture&) {}), ""); }

struct Case {
  const char* name;
  std::function<void(Fixture&)> breakit;
  const char* message;
};

class EachCheck : public ::testing::TestWithParam<Case> {};

TEST_P(EachCheck, NamesTheBrokenInvariantAndTheTime) {
  EXPECT_EQ(violation(GetParam().breakit), std::string("invariant violated at t=90s: ") + GetParam().message);
}

const char* const kRecount = "service web counters (provisioning ";

INSTANTIATE_TEST_SUITE_P(
    Checks, EachCheck,
    ::testing::Values(
        Case{"PrimarySuffixOff", [](Fixture& f) { f.w.services[0].primary_suffix = 1; }, "service web primary suffix 1, recounted 0"},
        Case{"RunTaskTasksLost", [](Fixture& f) { f.w.groups[0].tasks_retrying = 1; },
             "runTasks group jobs: 10 tasks requested, but 6 started + 0 deferred + 1 retrying + 2 given up"},
        Case{"RunTaskDeferredCounted", [](Fixture& f) {
               f.w.clusters.resize(1);
               f.w.clusters[0].registered_instances = 1;  // the fixture's active instance
               f.w.clusters[0].backlog.push_back({0, std::chrono::seconds(1), kTimeZero});
             },
             "runTasks group jobs: 10 tasks requested, but 6 started + 1 deferred + 2 retrying + 2 given up"},
        Case{"NegativeProvisioning", [](Fixture& f) { f.w.services[0].provisioning = -1; }, "service web has a negative task count"},
        Case{"NegativePending", [](Fixture& f) { f.w.services[0].pending = -1; }, "service web has a negative task count"},
        Case{"NegativeStopping", [](Fixture& f) { f.w.services[0].stopping = -1; }, "service web has a negative task count"},
        Case{"NegativeCounted", [](Fixture& f) { f.w.services[0].counted = -1; }, "service web has a negative task count"},
        Case{"MoreHealthyThanRunning", [](Fixture& f) { f.w.services[0].healthy = 2; },
             "service web has more healthy tasks than running ones"},
        Case{"DesiredBelowTheTarget", [](Fixture& f) { f.w.services[0].desired = 1; }, "service web desired count 1 outside [2, 10]"},
        Case{"DesiredAboveTheTarget", [](Fixture& f) { f.w.services[0].desired = 11; }, "service web desired count 11 outside [2, 10]"},
        Case{"NegativeProviderCount", [](Fixture& f) { f.w.providers[0].pending = -1; },
             "provider FARGATE has a negative count"},
        Case{"NegativeGroupSize", [](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].asg->desired = -1; },
             "group grp has a negative size"},
        Case{"StoppedButNotReleased", [](Fixture& f) { f.w.tasks[0].state = TaskState::kStopped; },
             "task 1 is STOPPED but not released"},
        Case{"RunningCounterOff", [](Fixture& f) {
               f.w.services[0].running = 2;
               f.w.services[0].healthy = 1;
             },
             "service web counters (provisioning 0, pending 0, running 2, stopping 0, healthy 1, counted 1) differ from a "
             "recount (0, 0, 1, 0, 1, 1)"},
        Case{"HealthyCounterOff", [](Fixture& f) { f.w.tasks[0].healthy = false; },
             "service web counters (provisioning 0, pending 0, running 1, stopping 0, healthy 1, counted 1) differ from a "
             "recount (0, 0, 1, 0, 0, 1)"},
        Case{"CountedOff", [](Fixture& f) {
               f.w.tasks[0].counts_toward_desired = false;
               f.w.tasks[0].healthy = false;
             },
             "service web counters (provisioning 0, pending 0, running 1, stopping 0, healthy 1, counted 1) differ from a "
             "recount (0, 0, 1, 0, 0, 0)"},
        Case{"HealthyButNotCounted", [](Fixture& f) { f.w.tasks[0].counts_toward_desired = false; },
             "task 1 is healthy but does not count toward desired"},
        Case{"LiveOutOfOrder", [](Fixture& f) {
               f.w.services[0].live.push_back(0, 0, 1);
               f.w.services[0].live.push_back(0, 0, 1);
             },
             "service web live tasks are not oldest first"},
        Case{"LiveWithAnotherTaskDefinition", [](Fixture& f) { f.w.services[0].live.push_back(0, 1, 1); },
             "service web live task definitions or ids are out of step with its live tasks"},
        Case{"LiveWithAnotherId", [](Fixture& f) { f.w.services[0].live.push_back(0, 0, 7); },
             "service web live task definitions or ids are out of step with its live tasks"},
        Case{"StoppingCountsAsOne", [](Fixture& f) {
               f.w.tasks[0].state = TaskState::kDeactivating;
               f.w.tasks[0].healthy = false;
             },
             "service web counters (provisioning 0, pending 0, running 1, stopping 0, healthy 1, counted 1) differ from a "
             "recount (0, 0, 0, 1, 0, 1)"},
        Case{"ProviderCounterOff", [](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].running = 0; },
             "provider grp counters differ from a recount"},
        Case{"ReservationOff", [](Fixture& f) { f.w.instances[0].reserved_memory_mib = 1024; },
             "instance i-00000001 reservations for cost allocation (1024 CPU, 1024 MiB) differ from a recount"},
        Case{"OverCommitted", [](Fixture& f) {
               f.w.demands[0].cpu_units = 4096;
               f.w.instances[0].reserved_cpu_units = 4096;
             },
             "instance i-00000001 is over-committed (cpu 4096/2048, memory 2048/7936)"},
        Case{"GroupZoneTotalOff", [](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].asg->in_service_per_zone = {2}; },
             "group grp totals (per zone, On-Demand units, instances with tasks, idle instances, member order) differ from a recount"},
        Case{"GroupOnDemandTotalOff", [](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].asg->on_demand_units_in_service = 0; },
             "group grp totals (per zone, On-Demand units, instances with tasks, idle instances, member order) differ from a recount"},
        Case{"GroupBusyTotalOff", [](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].asg->in_service_with_tasks = 0; },
             "group grp totals (per zone, On-Demand units, instances with tasks, idle instances, member order) differ from a recount"},
        Case{"GroupIdleSetOff", [](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].asg->idle_in_service_per_zone = {{1}}; },
             "group grp totals (per zone, On-Demand units, instances with tasks, idle instances, member order) differ from a recount"},
        Case{"ClusterRegistrationsOff", [](Fixture& f) { f.w.clusters.resize(1); },
             "cluster c has 1 registered instances (counted 0, quota 5000)"},
        Case{"OnATerminatedInstance", [](Fixture& f) { f.w.instances[0].state = InstanceState::kTerminated; },
             "task 1 lives on terminated instance i-00000001"}),
    [](const ::testing::TestParamInfo<Case>& param_info) { return std::string(param_info.param.name); });

// A draining instance is still checked for over-commitment; a pending one is not yet.
TEST(InvariantChecks, DrainingInstancesAreCheckedPendingOnesAreNot) {
  auto over = [](InstanceState st) {
    return violation([st](Fixture& f) {
      f.w.demands[0].cpu_units = 4096;
      f.w.instances[0].reserved_cpu_units = 4096;
      f.w.instances[0].state = st;
    });
  };
  EXPECT_NE(over(InstanceState::kDraining), "");
  EXPECT_EQ(over(InstanceState::kPending), "");
}

// Desired counts set by UpdateService and DAEMON services are not held to the target.
TEST(InvariantChecks, AUserSetDesiredCountIsNotHeldToTheTarget) {
  EXPECT_EQ(violation([](Fixture& f) {
              f.w.services[0].desired = 50;
              f.w.services[0].desired_set_by_user = true;
            }),
            "");
}

// Costs never go down between full checks; tasks are never allocated more than their
// instances cost.
TEST(InvariantChecks, CostGoingDownIsReported) {
  Fixture f;
  auto& a = *f.w.providers[static_cast<std::size_t>(f.grp)].asg;
  a.instance_cost_usd = 5.0;
  f.w.providers[static_cast<std::size_t>(f.grp)].cost_usd = 5.0;  // stopped tasks were allocated all of it
  EXPECT_NO_THROW(f.check.check_now(SimTime{std::chrono::milliseconds(1000)}));
  a.instance_cost_usd = 1.0;
  f.w.providers[static_cast<std::size_t>(f.grp)].cost_usd = 0.0;
  try {
    f.check.check_now(SimTime{std::chrono::milliseconds(2000)});
    FAIL() << "a falling cost was not reported";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "invariant violated at t=2s: cost of grp went down");
  }
}

TEST(InvariantChecks, OverAllocationIsReported) {
  EXPECT_EQ(violation([](Fixture& f) { f.w.providers[static_cast<std::size_t>(f.grp)].cost_usd = 1000.0; }),
            "invariant violated at t=90s: tasks on grp are allocated more than its instances cost");
  EXPECT_EQ(violation([](Fixture& f) { f.w.providers[0].cost_usd = 1000.0; }), "");  // Fargate: nothing to allocate
}

// Time never goes back between events.
TEST(InvariantChecks, EventTimeGoingBackIsReported) {
  Fixture f;
  f.check.set_full_every(1000);
  EXPECT_NO_THROW(f.check.after_event(SimTime{std::chrono::milliseconds(5000)}, 1));
  try {
    f.check.after_event(SimTime{std::chrono::milliseconds(4000)}, 2);
    FAIL() << "time going back was not reported";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "invariant violated at t=4s: event time went backwards from 5s");
  }
}

// The full checks run every `full_every` events only.
TEST(InvariantChecks, FullChecksRunEveryNEvents) {
  Fixture f;
  f.w.services[0].running = 2;  // only a recount sees it
  f.w.services[0].healthy = 1;
  f.check.set_full_every(3);
  EXPECT_NO_THROW(f.check.after_event(SimTime{std::chrono::milliseconds(1)}, 1));
  EXPECT_NO_THROW(f.check.after_event(SimTime{std::chrono::milliseconds(2)}, 2));
  EXPECT_THROW(f.check.after_event(SimTime{std::chrono::milliseconds(3)}, 3), std::logic_error);
}

}  // namespace
}  // namespace ecsim
