// Sweeps: every point x replication runs; a failing point reports its error in its row.
#include "ecsim/scenarios/sweep.hpp"

#include <gtest/gtest.h>
#include "ecsim/scenarios/outputs.hpp"
#include <nlohmann/json.hpp>

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

// Hand-written rows with different metric names: the columns are their sorted union, a row
// lacking one leaves its cell empty, and fields with commas or quotes are quoted.
TEST(Sweep, CsvColumnsAreTheUnionOfEveryRowsMetrics) {
  SweepGrid grid;
  grid.axes = {{"services[web].desiredCount", {"1", "2"}}};
  std::vector<SweepRow> rows = {
      {{"1"}, 0, "", {{"b", "2"}, {"d", "x,y"}}},
      {{"2"}, 0, "bad \"input\"", {}},
      {{"2"}, 1, "", {{"a", "1"}, {"b", "3"}, {"c", "4"}}},
      {{"1"}, 1, "", {{"b", "5"}, {"e", "6"}}},
  };
  EXPECT_EQ(sweep_csv(grid, rows),
            "services[web].desiredCount,replication,error,a,b,c,d,e\n"
            "1,0,,,2,,\"x,y\",\n"
            "2,0,\"bad \"\"input\"\"\",,,,,\n"
            "2,1,,1,3,4,,\n"
            "1,1,,,5,,,6\n");
}

// The flattened summary keeps the order given; a lookup is exact and finds the last of equal
// paths; a sweep's CSV sorts the columns and keeps that last value too.
TEST(Sweep, SummaryMetricsKeepTheirOrderAndLookUpExactly) {
  const SummaryMetrics m({{"b.x", "1"}, {"a", "2"}, {"b.x", "3"}, {"b", "4"}, {"c", "6"}});
  std::vector<std::string> paths;
  for (const auto& [path, value] : m) paths.push_back(path + "=" + value);
  EXPECT_EQ(paths, (std::vector<std::string>{"b.x=1", "a=2", "b.x=3", "b=4", "c=6"}));
  EXPECT_EQ(m.at("b.x"), "3");
  EXPECT_EQ(m.find("b."), nullptr);
  EXPECT_EQ(m.count("d"), 0u);
  EXPECT_EQ(m.count("c"), 1u);
  EXPECT_THROW((void)m.at("bx"), std::out_of_range);
  EXPECT_TRUE(SummaryMetrics{}.empty());
  SweepGrid grid;
  grid.axes = {{"p", {"1"}}};
  EXPECT_EQ(sweep_csv(grid, {{{"1"}, 0, "", m}, {{"2"}, 0, "", {{"c", "7"}, {"a", "8"}}}, {{"3"}, 0, "", m}}),
            "p,replication,error,a,b,b.x,c\n"
            "1,0,,2,4,3,6\n"
            "2,0,,8,,,7\n"
            "3,0,,2,4,3,6\n");
}

// A prepared scenario loads exactly what load() loads: the same outputs for every golden
// scenario (with an override applied both ways), the same errors, lines and columns included,
// for every bad fixture (whose positions a copied tree has lost: those loads parse again).
std::string outputs_without_wall_time(const ScenarioConfig& cfg) {
  auto sim = build(cfg, 0);
  auto out = run_in_memory(*sim, true, true, false);
  auto j = nlohmann::json::parse(out.summary_json);
  j.erase("wallSeconds");
  return j.dump() + out.events_csv + out.timeseries_csv;
}

TEST(PreparedScenario, LoadsWhatLoadLoads) {
  const std::filesystem::path dir = std::filesystem::path(ECSIM_SOURCE_DIR) / "tests" / "golden";
  for (const auto& stem : ecsim::testing::yaml_stems(dir)) {
    const auto src = read_scenario_file(dir / (stem + ".yaml"));
    const PreparedScenario prepared(src);
    const std::vector<std::string> extra = {"seed=11"};
    ScenarioSource with = src;
    with.overrides.insert(with.overrides.end(), extra.begin(), extra.end());
    EXPECT_EQ(outputs_without_wall_time(prepared.load(extra)), outputs_without_wall_time(load(with))) << stem;
    EXPECT_EQ(prepared.load().seed, load(src).seed) << stem;
  }
}

// Points that change service items only read those items again and replay the others: the
// same outputs as a full load for every golden scenario, with every other service changed.
TEST(PreparedScenario, PointsChangingServicesOnlyLoadWhatLoadLoads) {
  const std::filesystem::path root(ECSIM_SOURCE_DIR);
  std::vector<std::filesystem::path> files;
  for (const auto& stem : ecsim::testing::yaml_stems(root / "tests" / "golden")) files.push_back(root / "tests" / "golden" / (stem + ".yaml"));
  // target groups and deployment alarms resolved across sections
  files.push_back(root / "scenarios" / "examples" / "deployment_strategies.yaml");
  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    const auto src = read_scenario_file(file);
    const PreparedScenario prepared(src);
    const ScenarioConfig base = load(src);
    std::vector<std::string> extra;
    for (std::size_t i = 1; i < base.services.size(); i += 2) {
      const auto& s = base.services[i];
      extra.push_back("services[" + s.name + "].healthCheckGracePeriodSeconds=" + std::to_string(7 + i));
      if (!s.daemon) extra.push_back("services[" + std::to_string(i) + "].desiredCount=" + std::to_string(s.desired_count + 1));
    }
    ScenarioSource with = src;
    with.overrides.insert(with.overrides.end(), extra.begin(), extra.end());
    const std::size_t before = prepared.reused_loads();
    EXPECT_EQ(outputs_without_wall_time(prepared.load(extra)), outputs_without_wall_time(load(with))) << stem;
    EXPECT_EQ(prepared.reused_loads(), before + 1) << stem << ": the point was loaded in full";
    EXPECT_EQ(outputs_without_wall_time(prepared.load()), outputs_without_wall_time(base)) << stem;
    EXPECT_EQ(prepared.reused_loads(), before + 2) << stem;
  }
}

TEST(PreparedScenario, LoadsInFullWhatItCannotLoadInParts) {
  ScenarioSource src;
  src.text = ecsim::testing::fargate_scenario("10m", R"(
services:
  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}
  - {serviceName: api, cluster: c, taskDefinition: web:1, desiredCount: 2, launchType: FARGATE}
)");
  src.file_name = "t.yaml";
  const PreparedScenario prepared(src);
  EXPECT_EQ(prepared.load({"services[api].desiredCount=4"}).services[1].desired_count, 4);
  EXPECT_EQ(prepared.load({"services[1].desiredCount=5", "services[web].desiredCount=3"}).services[0].desired_count, 3);
  EXPECT_EQ(prepared.reused_loads(), 2u);
  // outside the service items, a rename, a whole item, an unknown item: loaded in full
  EXPECT_EQ(prepared.load({"duration=20m"}).duration, std::chrono::minutes(20));
  EXPECT_EQ(prepared.load({"services[api].serviceName=api2"}).services[1].name, "api2");
  EXPECT_EQ(prepared.load({"services[0]={serviceName: w, cluster: c, taskDefinition: web:1, launchType: FARGATE}"}).services[0].name, "w");
  EXPECT_THROW(prepared.load({"services[nope].desiredCount=1"}), ScenarioError);
  // a problem in a changed item: the full load's message
  EXPECT_THROW(prepared.load({"services[api].desiredCount=-1"}), ScenarioError);
  EXPECT_EQ(prepared.reused_loads(), 2u);
  // two services under one name: the later one is reported, as a full load reports it
  try {
    prepared.load({"services[api].serviceName=web"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("two services are named 'web'"), std::string::npos) << e.what();
  }
}

TEST(PreparedScenario, ReportsTheErrorsLoadReportsWithTheirPositions) {
  const std::filesystem::path dir = std::filesystem::path(ECSIM_SOURCE_DIR) / "tests" / "data" / "bad";
  int compared = 0;
  for (const auto& stem : ecsim::testing::yaml_stems(dir)) {
    const auto src = read_scenario_file(dir / (stem + ".yaml"));
    auto message = [](auto&& f) -> std::string {
      try {
        f();
      } catch (const std::exception& e) {
        return e.what();
      }
      return "(loaded)";
    };
    const PreparedScenario prepared(src);
    EXPECT_EQ(message([&] { prepared.load(); }), message([&] { load(src); })) << stem;
    ++compared;
  }
  EXPECT_GT(compared, 40);
  // an error that only an override brings: its --set position
  ScenarioSource ok;
  ok.text = ecsim::testing::fargate_scenario("10m", "services:\n  - {serviceName: web, cluster: c, taskDefinition: web:1, desiredCount: 1, launchType: FARGATE}\n");
  ok.file_name = "ok.yaml";
  const PreparedScenario p(ok);
  try {
    p.load({"services[web].desiredCount=-2"});
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.errors().front().str(), "--set services[web].desiredCount=-2: services[0].desiredCount: must be between 0 and 5000, got -2");
  }
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
