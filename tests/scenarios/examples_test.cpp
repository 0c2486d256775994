// Every bundled example loads and runs (examples are tests).
#include <gtest/gtest.h>

#include <filesystem>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"
#include "ecsim/scenarios/sweep.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> examples() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class Examples : public ::testing::TestWithParam<std::string> {};

TEST_P(Examples, LoadsAndRunsToTheHorizon) {
  const fs::path file = fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples" / (GetParam() + ".yaml");
  ScenarioConfig cfg;
  try {
    cfg = load(read_scenario_file(file));
  } catch (const ScenarioError& e) {
    FAIL() << e.what();
  }
  auto sim = build(cfg);
  const fs::path out = fs::path(ECSIM_BINARY_DIR) / "example-out" / GetParam();
  const std::string summary = run_to_directory(*sim, out);
  EXPECT_EQ(sim->now(), sim->horizon());
  EXPECT_GT(sim->events_processed(), 0u);
  EXPECT_NE(summary.find("\"scenario\": \"" + cfg.name + "\""), std::string::npos);
  if (cfg.run.write_events) {
    EXPECT_TRUE(fs::exists(out / "events.csv"));
  }
  if (cfg.run.write_summary) {
    EXPECT_TRUE(fs::exists(out / "summary.json"));
  }
}

INSTANTIATE_TEST_SUITE_P(Bundled, Examples, ::testing::ValuesIn(examples()), [](const auto& param_info) { return param_info.param; });

TEST(ExampleSet, QuickstartIsBundled) {
  const auto e = examples();
  EXPECT_NE(std::find(e.begin(), e.end(), "quickstart"), e.end());
}

// The cost comparison (scenarios/examples/cost_compare/): every option runs, and the
// table keeps what each option is about.
TEST(CostCompare, FiveOptionsRunAndSpotIsCheaper) {
  std::vector<ScenarioSource> options;
  for (const char* f : {"1_fargate", "2_fargate_spot", "3_fargate_base_spot_mix", "4_ec2_on_demand", "5_ec2_spot"})
    options.push_back(read_scenario_file(fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples" / "cost_compare" /
                                                           (std::string(f) + ".yaml")));
  const auto rows = run_compare(options, 1, 2);
  const auto table = compare_table(rows);
  ASSERT_EQ(table.size(), 5u);
  for (const auto& l : table) EXPECT_TRUE(l.error.empty()) << l.file << ": " << l.error;
  // Fargate Spot costs 30 % of On-Demand per task-second (us-east-1 table rows); the same
  // load needs about the same task-seconds, so within a few percent of 0.3x.
  EXPECT_NEAR(table[1].cost_usd / table[0].cost_usd, 0.30, 0.02);
  EXPECT_GT(table[1].task_interruptions, 0);
  EXPECT_EQ(table[0].task_interruptions, 0);
  // The mix sits between its two providers.
  EXPECT_LT(table[2].cost_usd, table[0].cost_usd);
  EXPECT_GT(table[2].cost_usd, table[1].cost_usd);
  // EC2 options launch instances; Spot instances cost less than On-Demand ones.
  EXPECT_GT(table[3].instances_launched, 0);
  EXPECT_LT(table[4].cost_usd, table[3].cost_usd);
  for (const auto& r : rows) EXPECT_EQ(r.metrics.count("pricing.fargate.FARGATE.X86_64.source"), 1u);
}

}  // namespace
}  // namespace ecsim::scenarios
