// Sweeps: every point x replication runs; a failing point reports its error in its row.
#include "ecsim/scenarios/sweep.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

namespace ecsim::scenarios {
namespace {

TEST(Sweep, RunsEveryPointAndReplicationAndKeepsErrorsInRows) {
  ScenarioSource src;
  src.text = ecsim::testing::fargate_scenario("10m", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
)");
  src.file_name = "t.yaml";
  const auto grid = read_sweep_grid(std::string(ECSIM_SOURCE_DIR) + "/tests/data/sweep/grid.yaml");
  ASSERT_EQ(grid.axes.size(), 1u);
  EXPECT_EQ(grid.replications, 2);
  std::size_t last_done = 0;
  const auto rows = run_sweep(src, grid, 2, [&](std::size_t d, std::size_t n) {
    EXPECT_EQ(n, 6u);
    last_done = d;
  });
  EXPECT_EQ(last_done, 6u);
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].metrics.at("services.web.runningCount.max"), "1");
  EXPECT_EQ(rows[3].metrics.at("services.web.runningCount.max"), "3");
  EXPECT_EQ(rows[3].replication, 1);
  EXPECT_EQ(rows[4].error, "--set services[web].desiredCount=-2: services[0].desiredCount: must be between 0 and 5000, got -2");
  EXPECT_TRUE(rows[4].metrics.empty());
  const std::string csv = sweep_csv(grid, rows);
  EXPECT_EQ(csv.substr(0, csv.find('\n')).rfind("services[web].desiredCount,replication,error,", 0), 0u);
}

TEST(Sweep, GridErrorsAreLocated) {
  try {
    read_sweep_grid(std::string(ECSIM_SOURCE_DIR) + "/tests/data/sweep/bad_grid.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.errors().size(), 2u);
    EXPECT_EQ(e.errors()[0].line, 2);
    EXPECT_EQ(e.errors()[0].message, "expected a non-empty list of values");
    EXPECT_EQ(e.errors()[1].message, "unknown key 'replicas'; expected one of: grid, replications");
  }
}

}  // namespace
}  // namespace ecsim::scenarios
