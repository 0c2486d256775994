// The RunTask API limit (account.runTaskApiRate) and the caller's SDK retries in standard
// mode (runTasks[].client): hand-computed counts of calls accepted, retried and given up.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "../test_util.hpp"

namespace ecsim {
namespace {

// One trace row asking for `tasks` tasks at t = 0, each running 60 s. The file is the test's
// own (ctest runs tests side by side, and the dev and ASan suites at once).
std::string one_row_trace(int tasks) {
  static int written = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("ecsim_runtask_api_" + std::to_string(::getpid()) + "_" + std::to_string(++written) + "_" + std::to_string(tasks) + ".csv");
  std::ofstream(path) << "t,n,d\n0," << tasks << ",60\n";
  return path.string();
}

std::string scenario(int tasks, const std::string& account, const std::string& client) {
  return testing::fargate_scenario("10m", "account: {fargateLaunchRate: {burst: 10000, perSecond: 10000}, " + account + R"(}
runTasks:
  - {name: b, cluster: c, taskDefinition: web:1, launchType: FARGATE,
     arrivals: {trace: {file: )" + one_row_trace(tasks) + R"(, time: t, count: n, duration: {column: d}}})" + client + "}\n");
}

// 1,000 tasks at once are 100 calls of 10; the bucket holds 20. With one attempt per call
// (no retries) 20 calls start 200 tasks and 80 calls, 800 tasks, are given up at once.
TEST(RunTaskApi, ABurstPastTheBucketIsRefusedCallByCall) {
  auto r = testing::run_yaml(scenario(1000, "runTaskApiRate: {burst: 20, perSecond: 20}", ", client: {maxAttempts: 1}"));
  const auto& g = r.sim->run_task_groups()[0];
  EXPECT_EQ(g.api_calls, 100);
  EXPECT_EQ(g.submitted, 200);
  EXPECT_EQ(g.throttled_attempts, 80);
  EXPECT_EQ(g.retries, 0);
  EXPECT_EQ(g.calls_given_up, 80);
  EXPECT_EQ(g.tasks_given_up, 800);
  ASSERT_EQ(r.count("RUN_TASK_THROTTLED"), 1u);  // one row for the 80 calls of that millisecond
  for (std::size_t i = 0; i < r.log->t.size(); ++i)
    if (r.log->kind[i] == "RUN_TASK_THROTTLED") {
      EXPECT_EQ(r.log->detail[i], "calls=80 tasks=800 reason=max attempts");
      EXPECT_EQ(r.log->service[i], "b");  // the group, in the service column
      EXPECT_EQ(r.log->t[i], 0.0);
    }
  EXPECT_EQ(r.count("RUN_TASK_SUBMITTED"), 200u);
}

// The SDK's retry quota: 500, 5 per retry. One token in the bucket (and none again within
// the run): of 200 calls the first is accepted, 100 throttled ones are retried (500 / 5) and
// fail again, the other 99 find the quota empty and give up at once.
TEST(RunTaskApi, TheRetryQuotaBoundsRetriesWhenNothingSucceeds) {
  auto r = testing::run_yaml(scenario(2000, "runTaskApiRate: {burst: 1, perSecond: 0.000001}", ""));
  const auto& g = r.sim->run_task_groups()[0];
  EXPECT_EQ(g.api_calls, 200);
  EXPECT_EQ(g.submitted, 10);
  EXPECT_EQ(g.retries, 100);
  EXPECT_EQ(g.throttled_attempts, 199 + 100);
  EXPECT_EQ(g.calls_given_up, 199);
  EXPECT_EQ(g.tasks_given_up, 1990);
  EXPECT_EQ(g.retry_quota, 0);
  // at t = 0: 99 calls found the quota empty; the 100 retries each fail alone later
  const auto rows = r.times("RUN_TASK_THROTTLED");
  EXPECT_EQ(rows.front(), 0.0);
  EXPECT_LE(rows.size(), 101u);
  // every retry waited rand(0,1) x min(1 s x 2^0, 20 s): at most 1 s
  EXPECT_LE(g.max_retry_delay_seconds, 1.0);
  EXPECT_GT(g.max_retry_delay_seconds, 0.5);  // the longest of 100 uniform draws
}

// Attempts and backoff: 3 attempts by default, so a call is retried at most twice, the
// second time after at most 2 s; maxBackoff caps both. No quota limit here.
TEST(RunTaskApi, BackoffDoublesPerAttemptUpToMaxBackoff) {
  const std::string no_quota = ", client: {retryQuota: {capacity: 1000000}}";
  auto r = testing::run_yaml(scenario(100, "runTaskApiRate: {burst: 1, perSecond: 0.000001}", no_quota));
  const auto& g = r.sim->run_task_groups()[0];
  EXPECT_EQ(g.api_calls, 10);
  EXPECT_EQ(g.retries, 2 * 9);
  EXPECT_EQ(g.calls_given_up, 9);
  EXPECT_LE(g.max_retry_delay_seconds, 2.0);
  EXPECT_GT(g.max_retry_delay_seconds, 1.0);  // some second retry drew past 1 s (seed 1)
  auto capped = testing::run_yaml(scenario(100, "runTaskApiRate: {burst: 1, perSecond: 0.000001}",
                                           ", client: {maxAttempts: 5, maxBackoff: 300ms, retryQuota: {capacity: 1000000}}"));
  const auto& c = capped.sim->run_task_groups()[0];
  EXPECT_EQ(c.retries, 4 * 9);
  EXPECT_LE(c.max_retry_delay_seconds, 0.3);
}

// A retried call that succeeds gives its last retry's cost back, and its tasks' wait counts
// from the first attempt. Bucket: 1 token, 1 per second; 2 calls at t = 0: the second is
// throttled and retried until a token has refilled (t >= 1 s).
TEST(RunTaskApi, ARetryThatSucceedsStartsTheTasksAndReturnsItsQuota) {
  auto r = testing::run_yaml(scenario(20, "runTaskApiRate: {burst: 1, perSecond: 1}", ", client: {maxAttempts: 10}"));
  const auto& g = r.sim->run_task_groups()[0];
  EXPECT_EQ(g.submitted, 20);
  EXPECT_EQ(g.calls_given_up, 0);
  ASSERT_GE(g.retries, 1);
  EXPECT_EQ(g.throttled_attempts, g.retries);
  EXPECT_EQ(g.retry_quota, 500 - 5 * (g.retries - 1));
  // the second call's tasks were created at t = 0 (its first attempt) but submitted at >= 1 s
  const auto submitted = r.times("RUN_TASK_SUBMITTED");
  ASSERT_EQ(submitted.size(), 20u);
  EXPECT_GE(submitted.back(), 1.0);
  EXPECT_GE(g.wait_seconds.max(), submitted.back());
}

// One bucket for the account, one retry quota per group. Two groups at t = 0: a asks for 100
// tasks (10 calls), then b for 200 (20 calls); the bucket holds 20, no retries: a gets all 10,
// b 10 of its 20. Each group counts its own calls.
TEST(RunTaskApi, GroupsShareTheAccountsBucketAndCountTheirOwnCalls) {
  const std::string rows = one_row_trace(100), more = one_row_trace(200);
  auto r = testing::run_yaml(testing::fargate_scenario("10m", R"(account: {runTaskApiRate: {burst: 20, perSecond: 0.000001}}
runTasks:
  - {name: a, cluster: c, taskDefinition: web:1, launchType: FARGATE, client: {maxAttempts: 1},
     arrivals: {trace: {file: )" + rows + R"(, time: t, count: n, duration: {column: d}}}}
  - {name: b, cluster: c, taskDefinition: web:1, launchType: FARGATE, client: {maxAttempts: 1},
     arrivals: {trace: {file: )" + more + R"(, time: t, count: n, duration: {column: d}}}}
)"));
  const auto& a = r.sim->run_task_groups()[0];
  const auto& b = r.sim->run_task_groups()[1];
  EXPECT_EQ(a.api_calls, 10);
  EXPECT_EQ(a.submitted, 100);
  EXPECT_EQ(a.calls_given_up, 0);
  EXPECT_EQ(b.api_calls, 20);
  EXPECT_EQ(b.submitted, 100);
  EXPECT_EQ(b.calls_given_up, 10);
  EXPECT_EQ(b.tasks_given_up, 100);
}

// A high limit changes nothing: every call is accepted at once.
TEST(RunTaskApi, UnderTheLimitNothingIsThrottled) {
  auto r = testing::run_yaml(scenario(100, "runTaskApiRate: {burst: 20, perSecond: 20}", ""));
  const auto& g = r.sim->run_task_groups()[0];
  EXPECT_EQ(g.api_calls, 10);
  EXPECT_EQ(g.submitted, 100);
  EXPECT_EQ(g.throttled_attempts, 0);
  EXPECT_EQ(g.retry_quota, 500);
}

TEST(RunTaskApi, TheDefaultsAreAwsDocumentedFigures) {
  const ScenarioConfig cfg = testing::load_yaml(scenario(10, "", ""));
  EXPECT_EQ(cfg.account.run_task_api.burst, 20);
  EXPECT_EQ(cfg.account.run_task_api.per_second, 20);
  const auto& c = cfg.run_tasks[0].client;
  EXPECT_EQ(c.max_attempts, 3);
  EXPECT_EQ(c.base_delay, std::chrono::seconds(1));
  EXPECT_EQ(c.max_backoff, std::chrono::seconds(20));
  EXPECT_EQ(c.quota_capacity, 500);
  EXPECT_EQ(c.retry_cost, 5);
  EXPECT_EQ(c.no_retry_increment, 1);
}

TEST(RunTaskApi, OtherRetryModesAreRefusedAsNotModelled) {
  try {
    testing::load_yaml(scenario(10, "", ", client: {retryMode: adaptive, maxAtempts: 2}"));
    FAIL() << "accepted";
  } catch (const std::exception& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("runTasks[0].client.retryMode: not modelled: retry mode 'adaptive'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("maxAtempts"), std::string::npos) << msg;  // every problem at once
  }
}

}  // namespace
}  // namespace ecsim
