// Blue/green, linear and canary deployments (and CODE_DEPLOY's configurations on the same
// stages): hand-computed timelines. T is when the fourth green task turns healthy (SCALE_UP
// ends); every later time is T plus the configured waits, so the durations are AWS's worked
// ones: LINEAR = bake + stepBake x steps, CANARY = bake + canary bake.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_util.hpp"

namespace ecsim {
namespace {

// 4 tasks of web:1 behind a load balancer serving 200 requests/s (100 per task at most); at
// 10 min an update to web:2 (`v2_extra` in its ecsim block) with `deployment` as the
// service's deploymentConfiguration (and `service_extra` beside it). Deregistration delay 10 s,
// SIGTERM exit 2 s: a blue task is gone 12 s after CLEAN_UP begins.
std::string scenario(const std::string& deployment, const std::string& v2_extra = "", const std::string& service_extra = "",
                     const std::string& timeline_extra = "") {
  return R"(ecsim: 1
name: traffic-shift
duration: 2h
timings: {loadBalancer: {deregistrationDelay: 10s}}
clusters: [{clusterName: c}]
taskDefinitions:
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:1}], ecsim: {imageSizeMiB: 100, capacity: {requestsPerSecond: 100}}}
  - {family: web, requiresCompatibilities: [FARGATE], networkMode: awsvpc, cpu: "256", memory: "512",
     containerDefinitions: [{name: web, image: web:2}], ecsim: {imageSizeMiB: 100, capacity: {requestsPerSecond: 100})" +
         v2_extra + R"(}}
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: 4
    launchType: FARGATE
    loadBalancers: [{targetGroupArn: blue, containerName: web, containerPort: 80,
                     advancedConfiguration: {alternateTargetGroupArn: green, productionListenerRule: rule}}]
    load: {constant: {requestsPerSecond: 200}}
    deploymentConfiguration: )" +
         deployment + "\n" + service_extra + R"(
timeline:
  - {at: 10m, updateService: {service: web, taskDefinition: "web:2"}}
)" + timeline_extra;
}

// When SCALE_UP ended: the last TASK_HEALTHY of a task created at the deployment (ids 5-8).
double scaled_up(const testing::Ran& r) {
  double t = 0;
  for (std::uint64_t id = 5; id <= 8; ++id) {
    const auto h = r.times("TASK_HEALTHY", id);
    EXPECT_EQ(h.size(), 1u) << "task " << id;
    if (!h.empty()) t = std::max(t, h.front());
  }
  return t;
}

std::vector<std::string> details(const testing::Ran& r, const std::string& kind) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == kind) out.push_back(r.log->detail[i]);
  return out;
}

TEST(TrafficShift, LinearShiftsInEqualStepsWithABakeBetweenAndAfter) {
  auto r = testing::run_yaml(scenario("{strategy: LINEAR, bakeTimeInMinutes: 5, linearConfiguration: {stepPercent: 25, stepBakeTimeInMinutes: 2}}"));
  const double t = scaled_up(r);
  EXPECT_GT(t, 600.0);
  // 25, 50, 75, 100 % at T, T+2, T+4, T+6 min; both run 5 more min; blue gone 12 s later.
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), (std::vector<double>{t, t + 120, t + 240, t + 360}));
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED").front(), "production=web:2 percent=25 step=1/4");
  EXPECT_EQ(r.times("TASK_STOPPING"), std::vector<double>(4, t + 360 + 300 + 10));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{t + 672});
  const auto& d = r.sim->services()[0].deployments.at(0);
  EXPECT_EQ(d.strategy, "LINEAR");
  ASSERT_TRUE(d.bake_ends);
  // AWS's worked duration, first shift to the end of the bake: bake + stepBake x steps = 5 + 2 x 3 min.
  EXPECT_EQ(to_seconds(*d.bake_ends) - t, 660.0);
  EXPECT_EQ(d.peak_tasks, 8);
  // Green serves 25 % of 200 requests/s for 2 min, 50 % and 75 % likewise, then all of it.
  const double completed = t + 672;
  EXPECT_DOUBLE_EQ(d.new_revision_requests, 50 * 120 + 100 * 120 + 150 * 120 + 200 * (completed - (t + 360)));
  EXPECT_EQ(r.sim->services()[0].unserved_requests, 200 * 54.5);  // only before the first tasks were healthy
}

TEST(TrafficShift, ShiftCountsFollowCloudFormationsRule) {
  DeploymentStrategyConfig c;
  c.name = "LINEAR";
  c.step_tenths = 100;  // 10 %: 10 shifts, 100/10 - 1 = 9 step bakes
  EXPECT_EQ(c.shifts(), (std::vector<int>{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}));
  EXPECT_EQ(c.wait_after_shift(8), 6min);
  EXPECT_EQ(c.wait_after_shift(9), 0min);  // "not applied after reaching 100 percent"
  c.step_tenths = 110;  // 11 %: floor(100/11) = 9 step bakes
  EXPECT_EQ(c.shifts().size(), 10u);
  EXPECT_EQ(c.shifts()[8], 990);
  c.step_tenths = 33;  // 3.3 %: floor(100/3.3) = 30 step bakes
  EXPECT_EQ(c.shifts().size(), 31u);
  c.step_tenths = 1000;
  EXPECT_EQ(c.shifts(), std::vector<int>{1000});
  c.name = "CANARY";
  c.canary_tenths = 50;
  EXPECT_EQ(c.shifts(), (std::vector<int>{50, 1000}));
  EXPECT_EQ(c.wait_after_shift(0), 10min);
  c.name = "BLUE_GREEN";
  EXPECT_EQ(c.shifts(), std::vector<int>{1000});
}

TEST(TrafficShift, CanaryExposesItsShareOfTheTrafficToABadRevision) {
  auto r = testing::run_yaml(scenario("{strategy: CANARY, bakeTimeInMinutes: 5, canaryConfiguration: {canaryPercent: 10, canaryBakeTimeInMinutes: 3}}",
                                      ", errorRate: 0.5"));
  const double t = scaled_up(r);
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), (std::vector<double>{t, t + 180}));
  const auto& d = r.sim->services()[0].deployments.at(0);
  // CANARY = bake + canary bake = 5 + 3 min from the first shift.
  EXPECT_EQ(to_seconds(*d.bake_ends) - t, 480.0);
  const double completed = t + 480 + 12;
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{completed});
  // 10 % of 200 requests/s for 3 min, then all of it; half of each answered with an error.
  EXPECT_DOUBLE_EQ(d.new_revision_requests, 20 * 180 + 200 * (completed - (t + 180)));
  EXPECT_DOUBLE_EQ(d.new_revision_failed_requests, d.new_revision_requests / 2);
  // After the deployment web:2 serves everything until the end of the run (7200 s).
  EXPECT_DOUBLE_EQ(r.sim->services()[0].failed_requests, d.new_revision_failed_requests + 100 * (7200 - completed));
}

TEST(TrafficShift, BlueGreenShiftsAllAtOnceAndKeepsBlueForTheBake) {
  auto r = testing::run_yaml(scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 15}"));
  const double t = scaled_up(r);
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<double>{t});
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<std::string>{"production=web:2 percent=100 step=1/1"});
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{t + 900 + 12});
  const auto& d = r.sim->services()[0].deployments.at(0);
  EXPECT_EQ(d.peak_tasks, 8);
  // Four tasks above the desired count from before T (green billed from its image pull) to
  // the end: at least the 4 x (900 + 12) s after T, at most since the deployment began.
  EXPECT_GE(d.extra_task_seconds, 4 * 912.0);
  EXPECT_LE(d.extra_task_seconds, 4 * (t + 912 - 600));
  ASSERT_TRUE(d.settled);
  EXPECT_EQ(to_seconds(*d.settled), t + 912);
  // The stages in order, once each.
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_STAGE"),
            (std::vector<std::string>{"stage=PRE_SCALE_UP", "stage=SCALE_UP", "stage=POST_SCALE_UP", "stage=TEST_TRAFFIC_SHIFT",
                                      "stage=POST_TEST_TRAFFIC_SHIFT", "stage=PRE_PRODUCTION_TRAFFIC_SHIFT",
                                      "stage=PRODUCTION_TRAFFIC_SHIFT", "stage=POST_PRODUCTION_TRAFFIC_SHIFT", "stage=BAKE_TIME",
                                      "stage=CLEAN_UP"}));
  // Before T green served nothing: blue held the traffic, nothing went unserved after startup.
  EXPECT_EQ(r.sim->services()[0].unserved_requests, 200 * 54.5);
}

TEST(TrafficShift, HooksRunAtTheirStagesAndAPauseBeforeEveryLinearStep) {
  auto r = testing::run_yaml(scenario(R"({strategy: LINEAR, bakeTimeInMinutes: 1, linearConfiguration: {stepPercent: 50, stepBakeTimeInMinutes: 2},
      lifecycleHooks: [
        {hookTargetArn: "arn:aws:lambda:us-east-1:1:function:smoke", lifecycleStages: [POST_SCALE_UP],
         ecsim: {outcome: SUCCEEDED, after: 2m}},
        {targetType: PAUSE, lifecycleStages: [PRE_PRODUCTION_TRAFFIC_SHIFT], ecsim: {outcome: CONTINUE, after: 1m}}]})"));
  const double t = scaled_up(r);
  // smoke test 2 min; the pause 1 min before each of the two shifts; a 2-min step bake between.
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_LIFECYCLE_HOOK"), (std::vector<double>{t + 120, t + 180, t + 360}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), (std::vector<double>{t + 180, t + 360}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{t + 360 + 60 + 12});
  const auto& d = r.sim->services()[0].deployments.at(0);
  ASSERT_EQ(d.hook_runs.size(), 3u);
  EXPECT_EQ(d.hook_runs[0].hook, "arn:aws:lambda:us-east-1:1:function:smoke");
  EXPECT_EQ(d.hook_runs[0].stage, "POST_SCALE_UP");
  EXPECT_EQ(d.hook_runs[0].outcome, "SUCCEEDED");
  EXPECT_EQ(d.hook_runs[1].hook, "PAUSE#1");
  EXPECT_EQ(d.hook_runs[2].outcome, "CONTINUE");
}

TEST(TrafficShift, HooksOfOneStageRunInParallelAndTheStageWaitsForTheLast) {
  auto r = testing::run_yaml(scenario(R"({strategy: BLUE_GREEN, bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {hookTargetArn: "arn:aws:lambda:us-east-1:1:function:quick", lifecycleStages: [POST_SCALE_UP], ecsim: {outcome: SUCCEEDED, after: 1m}},
        {hookTargetArn: "arn:aws:lambda:us-east-1:1:function:slow", lifecycleStages: [POST_SCALE_UP], ecsim: {outcome: SUCCEEDED, after: 3m}},
        {targetType: PAUSE, lifecycleStages: [POST_SCALE_UP], ecsim: {outcome: CONTINUE, after: 2m}}]})"));
  const double t = scaled_up(r);
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_LIFECYCLE_HOOK"), (std::vector<double>{t + 60, t + 120, t + 180}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<double>{t + 180});
}

TEST(TrafficShift, AFailingHookAfterTheShiftRollsTheTrafficBackToBlue) {
  auto r = testing::run_yaml(scenario(R"({strategy: BLUE_GREEN, bakeTimeInMinutes: 10,
      lifecycleHooks: [{hookTargetArn: "arn:aws:lambda:us-east-1:1:function:check", lifecycleStages: [POST_PRODUCTION_TRAFFIC_SHIFT],
                        ecsim: {outcome: FAILED, after: 3m}}]})"));
  const double t = scaled_up(r);
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_FAILED"), std::vector<double>{t + 180});
  // The rollback moves all production traffic back to web:1 at once; green stops (12 s).
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"),
            (std::vector<std::string>{"production=web:2 percent=100 step=1/1", "production=web:1 percent=100 rollback=true"}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), (std::vector<double>{t, t + 180}));
  EXPECT_EQ(r.tasks("TASK_STOPPING"), (std::vector<std::uint64_t>{5, 6, 7, 8}));
  EXPECT_EQ(r.times("TASK_STOPPING"), std::vector<double>(4, t + 180 + 10));
  const auto& s = r.sim->services()[0];
  ASSERT_EQ(s.deployments.size(), 2u);
  EXPECT_EQ(s.deployments[0].rollout, Deployment::Rollout::kFailed);
  EXPECT_TRUE(s.deployments[0].rolled_back);
  EXPECT_EQ(s.deployments[0].failure, "lifecycleHook arn:aws:lambda:us-east-1:1:function:check");
  EXPECT_TRUE(s.deployments[1].is_rollback);
  EXPECT_EQ(s.deployments[1].rollout, Deployment::Rollout::kCompleted);
  EXPECT_EQ(to_seconds(*s.deployments[1].completed), t + 192);
  EXPECT_EQ(s.primary_task_definition, 0);
  // Green served everything for the 3 minutes it had the traffic.
  EXPECT_DOUBLE_EQ(s.deployments[0].new_revision_requests, 200 * 180);
}

TEST(TrafficShift, APauseAnsweredWithRollbackEndsTheDeploymentBeforeAnyTrafficMoves) {
  auto r = testing::run_yaml(scenario(R"({strategy: CANARY, bakeTimeInMinutes: 5,
      lifecycleHooks: [{targetType: PAUSE, lifecycleStages: [POST_TEST_TRAFFIC_SHIFT], ecsim: {outcome: ROLLBACK, after: 90s}}]})"));
  const double t = scaled_up(r);
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_LIFECYCLE_HOOK"), std::vector<double>{t + 90});
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_LIFECYCLE_HOOK"), std::vector<std::string>{"hook=PAUSE#0 stage=POST_TEST_TRAFFIC_SHIFT outcome=ROLLBACK after=90s"});
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_FAILED"), std::vector<double>{t + 90});
  // Only the rollback's "shift" (back to web:1, which had it all along); green stops.
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<std::string>{"production=web:1 percent=100 rollback=true"});
  EXPECT_EQ(r.tasks("TASK_STOPPING"), (std::vector<std::uint64_t>{5, 6, 7, 8}));
  const auto& s = r.sim->services()[0];
  EXPECT_EQ(s.deployments.at(0).failure, "lifecycleHook PAUSE#0");
  EXPECT_DOUBLE_EQ(s.deployments[0].new_revision_requests, 0.0);
  EXPECT_EQ(s.deployments.at(1).rollout, Deployment::Rollout::kCompleted);
}

TEST(TrafficShift, AHookThatNeverAnswersTakesItsTimeoutAction) {
  for (const char* action : {"CONTINUE", "ROLLBACK"}) {
    auto r = testing::run_yaml(scenario(std::string(R"({strategy: BLUE_GREEN, bakeTimeInMinutes: 0,
      lifecycleHooks: [{targetType: PAUSE, lifecycleStages: [POST_SCALE_UP], timeoutConfiguration: {timeoutInMinutes: 7, action: )") +
                                        action + R"(}, ecsim: {outcome: NONE}}]})"));
    const double t = scaled_up(r);
    const auto& s = r.sim->services()[0];
    ASSERT_EQ(s.deployments.at(0).hook_runs.size(), 1u);
    EXPECT_EQ(to_seconds(s.deployments[0].hook_runs[0].ended), t + 420) << action;
    if (std::string(action) == "CONTINUE") {
      EXPECT_EQ(s.deployments[0].hook_runs[0].outcome, "TIMED_OUT_CONTINUE");
      EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<double>{t + 420});
      EXPECT_EQ(s.deployments[0].rollout, Deployment::Rollout::kCompleted);
    } else {
      EXPECT_EQ(s.deployments[0].hook_runs[0].outcome, "TIMED_OUT_ROLLBACK");
      EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_FAILED"), std::vector<double>{t + 420});
      EXPECT_EQ(s.primary_task_definition, 0);
      EXPECT_DOUBLE_EQ(s.deployments[0].new_revision_requests, 0.0);  // it never had production traffic
    }
  }
}

TEST(TrafficShift, TheCircuitBreakerRollsBackBeforeAnyTrafficMoves) {
  auto r = testing::run_yaml(scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 5, deploymentCircuitBreaker: {enable: true, rollback: true}}",
                                      ", appStartTime: 5s, failToStart: true"));
  const auto& s = r.sim->services()[0];
  ASSERT_EQ(s.deployments.size(), 2u);
  EXPECT_EQ(s.deployments[0].failure, "circuitBreaker");
  EXPECT_EQ(s.deployments[0].stage, Deployment::Stage::kScaleUp);  // it never got past SCALE_UP
  EXPECT_EQ(r.count("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), 1u);  // only the rollback's
  EXPECT_EQ(s.deployments[1].rollout, Deployment::Rollout::kCompleted);
  // Blue kept serving all along: nothing unserved after startup, no request reached web:2.
  EXPECT_EQ(s.unserved_requests, 200 * 54.5);
  EXPECT_DOUBLE_EQ(s.deployments[0].new_revision_requests, 0.0);
  for (const Task* task : r.sim->live_tasks()) EXPECT_EQ(task->task_definition, 0);
}

TEST(TrafficShift, AFailedDeploymentWithoutRollbackStartsNoMoreGreenTasks) {
  auto r = testing::run_yaml(scenario(R"({strategy: BLUE_GREEN, bakeTimeInMinutes: 5,
      deploymentCircuitBreaker: {enable: true, rollback: false, thresholdConfiguration: {type: COUNT, value: 3}}})",
                                      ", appStartTime: 5s, failToStart: true"));
  const auto failed = r.times("SERVICE_DEPLOYMENT_FAILED");
  ASSERT_EQ(failed.size(), 1u);
  // No task is created after the breaker tripped (the restart back-off would otherwise bring
  // a new green task every few minutes for the rest of the run).
  for (double t : r.times("TASK_PROVISIONING")) EXPECT_LE(t, failed[0]);
  const auto& s = r.sim->services()[0];
  EXPECT_EQ(s.deployments.size(), 1u);
  EXPECT_EQ(s.deployments[0].stage, Deployment::Stage::kScaleUp);
  EXPECT_EQ(s.unserved_requests, 200 * 54.5);  // blue keeps all the traffic
}

TEST(TrafficShift, AServiceAtZeroTasksGoesThroughEveryStage) {
  std::string y = scenario("{strategy: LINEAR, bakeTimeInMinutes: 1, linearConfiguration: {stepPercent: 50, stepBakeTimeInMinutes: 1}}");
  y.replace(y.find("desiredCount: 4"), 15, "desiredCount: 0");
  auto r = testing::run_yaml(y);
  // Nothing to scale up: the shifts come at once, a minute apart, then the 1-minute bake.
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), (std::vector<double>{600, 660}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{720});
}

TEST(TrafficShift, CodeDeployCanaryRunsOnTheSameStages) {
  auto r = testing::run_yaml(scenario("{}", "",
                                      "    deploymentController: {type: CODE_DEPLOY}\n"
                                      "    codeDeploy: {deploymentConfigName: CodeDeployDefault.ECSCanary10Percent5Minutes, terminationWaitTimeInMinutes: 3}"));
  const double t = scaled_up(r);
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), (std::vector<double>{t, t + 300}));
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED").front(), "production=web:2 percent=10 step=1/2");
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{t + 300 + 180 + 12});
  EXPECT_EQ(r.sim->services()[0].deployments.at(0).strategy, "CodeDeployDefault.ECSCanary10Percent5Minutes");
}

TEST(TrafficShift, AProtectedBlueTaskHoldsCleanUpUntilItsProtectionEnds) {
  auto r = testing::run_yaml(scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 1}", "", "",
                                      "  - {at: 5m, updateTaskProtection: {service: web, count: 1, protectionEnabled: true, expiresInMinutes: 30}}\n"));
  const double t = scaled_up(r);
  // Three blue tasks stop at CLEAN_UP; the protected one (task 1) when its protection ends at 35 min.
  const auto stopping = r.times("TASK_STOPPING");
  ASSERT_EQ(stopping.size(), 4u);
  EXPECT_EQ(std::vector<double>(stopping.begin(), stopping.begin() + 3), std::vector<double>(3, t + 60 + 10));
  EXPECT_EQ(stopping[3], 2100 + 10);
  EXPECT_EQ(r.times("TASK_STOPPING", 1), std::vector<double>{2110});
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{2112});
}

TEST(TrafficShift, ForceNewDeploymentReplacesEveryTaskThroughTheStages) {
  std::string y = scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 2}");
  y.replace(y.find("taskDefinition: \"web:2\""), std::string("taskDefinition: \"web:2\"").size(), "forceNewDeployment: true");
  auto r = testing::run_yaml(y);
  const double t = scaled_up(r);
  EXPECT_EQ(details(r, "SERVICE_DEPLOYMENT_TRAFFIC_SHIFTED"), std::vector<std::string>{"production=web:1 percent=100 step=1/1"});
  EXPECT_EQ(r.tasks("TASK_STOPPING"), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{t + 120 + 12});
  // Before the shift the forced-out tasks held the production traffic: nothing went unserved.
  EXPECT_EQ(r.sim->services()[0].unserved_requests, 200 * 54.5);
}

}  // namespace
}  // namespace ecsim

namespace ecsim {
namespace {

// A CloudWatch alarm on web's target errors: more than 100 in a minute, one period.
const char* kErrorsAlarm = R"(cloudWatchAlarms:
  - {AlarmName: web-5xx, Namespace: AWS/ApplicationELB, MetricName: HTTPCode_Target_5XX_Count,
     Dimensions: [{Name: TargetGroup, Value: blue}], Statistic: Sum, Period: 60, EvaluationPeriods: 1,
     Threshold: 100, ComparisonOperator: GreaterThanThreshold}
)";

TEST(DeploymentAlarms, AnAlarmOnTheCanarysErrorsRollsItBack) {
  auto r = testing::run_yaml(scenario(R"({strategy: LINEAR, bakeTimeInMinutes: 5, linearConfiguration: {stepPercent: 10, stepBakeTimeInMinutes: 5},
      alarms: {alarmNames: [web-5xx], enable: true, rollback: true}})",
                                      ", errorRate: 0.2", "", kErrorsAlarm));
  const double t = scaled_up(r);
  ASSERT_LT(t, 660.0);  // the first 10 % step lands in the minute [600, 660)
  // 10 % of 200 requests/s, a fifth failing: 4 errors/s. [600, 660) holds (660 - T) x 4 < 100;
  // [660, 720) holds 240: published at 780 s (60 s lag), ALARM, the deployment fails there.
  EXPECT_EQ(r.times("ALARM_STATE_CHANGED").front(), 780.0);
  EXPECT_EQ(details(r, "ALARM_STATE_CHANGED").front(), "alarm=web-5xx state=ALARM metric=HTTPCode_Target_5XX_Count statistic=240 threshold=100");
  EXPECT_EQ(r.times("SERVICE_DEPLOYMENT_FAILED"), std::vector<double>{780});
  const auto& s = r.sim->services()[0];
  ASSERT_EQ(s.deployments.size(), 2u);
  EXPECT_EQ(s.deployments[0].failure, "alarm web-5xx");
  EXPECT_TRUE(s.deployments[0].rolled_back);
  EXPECT_EQ(s.deployments[0].shifts.size(), 1u);  // still at its first step
  EXPECT_DOUBLE_EQ(s.deployments[0].new_revision_failed_requests, 4 * (780 - t));
  EXPECT_EQ(s.primary_task_definition, 0);
}

TEST(DeploymentAlarms, ARollingDeploymentWatchesItsAlarmsForABakeTime) {
  // A good revision: the alarm never fires; the deployment stays IN_PROGRESS for Period x
  // EvaluationPeriods = 3 min after the service is steady on web:2, then completes.
  const std::string alarm = std::string(kErrorsAlarm).replace(std::string(kErrorsAlarm).find("EvaluationPeriods: 1"), 20, "EvaluationPeriods: 3");
  auto plain = testing::run_yaml(scenario("{}"));
  auto watched = testing::run_yaml(scenario("{alarms: {alarmNames: [web-5xx], enable: true, rollback: true}}", "", "", alarm));
  ASSERT_EQ(plain.times("SERVICE_DEPLOYMENT_COMPLETED").size(), 1u);
  EXPECT_EQ(watched.times("SERVICE_DEPLOYMENT_COMPLETED"), std::vector<double>{plain.times("SERVICE_DEPLOYMENT_COMPLETED")[0] + 180});
  EXPECT_EQ(watched.count("ALARM_STATE_CHANGED"), 0u);
}

TEST(DeploymentAlarms, AnAlarmAlreadyInAlarmIsIgnoredAndRollbackFalseOnlyFails) {
  // CPU above 1 % from the start: in ALARM before the deployment, so that deployment ignores it.
  const char* cpu = R"(cloudWatchAlarms:
  - {AlarmName: busy, Namespace: AWS/ECS, MetricName: CPUUtilization, Dimensions: [{Name: ServiceName, Value: web}, {Name: ClusterName, Value: c}],
     Statistic: Average, Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}
)";
  auto r = testing::run_yaml(scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 2, alarms: {alarmNames: [busy], enable: true, rollback: false}}", "", "", cpu));
  const auto& s = r.sim->services()[0];
  ASSERT_EQ(s.deployments.size(), 1u);
  EXPECT_EQ(s.deployments[0].ignored_alarms, std::vector<int>{0});
  EXPECT_EQ(s.deployments[0].rollout, Deployment::Rollout::kCompleted);
  // An alarm that is OK when the deployment starts and fires once green takes the traffic:
  // with rollback: false the deployment fails and stays where it was (traffic on green).
  auto r2 = testing::run_yaml(scenario("{strategy: BLUE_GREEN, bakeTimeInMinutes: 10, alarms: {alarmNames: [web-5xx], enable: true, rollback: false}}",
                                       ", errorRate: 0.2", "", kErrorsAlarm));
  const auto& s2 = r2.sim->services()[0];
  ASSERT_EQ(s2.deployments.size(), 1u);
  EXPECT_EQ(s2.deployments[0].failure, "alarm web-5xx");
  EXPECT_FALSE(s2.deployments[0].rolled_back);
  EXPECT_EQ(s2.primary_task_definition, 1);
  EXPECT_EQ(s2.primary_traffic_tenths, 1000);
  EXPECT_EQ(s2.deployments[0].rollout, Deployment::Rollout::kFailed);
}

}  // namespace
}  // namespace ecsim
