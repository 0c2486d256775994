// Runs at the scale ECS allows: thousands of container instances in one cluster.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pthread.h>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::scenarios {
namespace {

// Runs `body` on a thread with a stack of `bytes` (a Python or Dask worker thread, or a
// sanitizer's larger frames, leave less room than a main thread's 8 MiB).
template <class Body>
void on_small_stack(std::size_t bytes, Body body) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, bytes);
  pthread_t thread;
  auto run = [](void* p) -> void* {
    (*static_cast<Body*>(p))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, run, &body), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

// Managed scaling takes 4,000 idle instances out in one step. Auto Scaling's scale-in used to
// recurse once per instance (terminate -> reconcile -> terminate ...) and overflowed a 1 MiB
// stack; it now loops.
TEST(LargeScale, AScaleInOfThousandsOfInstancesAtOnceNeedsNoDeepStack) {
  ScenarioSource src;
  src.file_name = "scale_in.yaml";
  src.text = R"(
ecsim: 1
name: scale-in
duration: 1h
capacityProviders:
  - name: asg
    autoScalingGroupProvider:
      managedScaling: {status: ENABLED, targetCapacity: 100, maximumScalingStepSize: 10000}
      managedTerminationProtection: DISABLED
    autoScalingGroup: {MinSize: 0, MaxSize: 5000, DesiredCapacity: 4000, InstanceType: m5.large, AvailabilityZones: [us-east-1a]}
clusters:
  - {clusterName: c, capacityProviders: [asg], defaultCapacityProviderStrategy: [{capacityProvider: asg, weight: 1}]}
taskDefinitions:
  - {family: web, requiresCompatibilities: [EC2], networkMode: bridge, cpu: "256", memory: "512", containerDefinitions: [{name: web, image: web:1}]}
)";
  const ScenarioConfig cfg = load(src);
  std::string summary;
  on_small_stack(1u << 20, [&] {
    auto sim = build(cfg, 0);
    summary = summary_json(*sim, run_timed(*sim));
  });
  ASSERT_FALSE(summary.empty());
  const auto asg = nlohmann::json::parse(summary)["capacityProviders"]["asg"];
  EXPECT_EQ(asg["instancesLaunched"], 4000);
  EXPECT_EQ(asg["instancesTerminated"], 4000);
  EXPECT_EQ(asg["desiredCapacity"], 0);
}

}  // namespace
}  // namespace ecsim::scenarios
