// Every bundled example loads and runs (examples are tests).
#include <gtest/gtest.h>

#include <cctype>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"
#include "ecsim/scenarios/sweep.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> examples() {
  std::vector<std::string> out;
  const fs::path root = fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples";
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().extension() == ".yaml" && e.path().stem().extension() != ".grid")  // NAME.grid.yaml: a sweep grid
      out.push_back(fs::relative(e.path(), root).replace_extension().string());
  std::sort(out.begin(), out.end());
  return out;
}

class Examples : public ::testing::TestWithParam<std::string> {};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Each example writes exactly the files its run.outputs names, and they hold the same bytes
// as an in-memory run of the same scenario (the CLI's threaded writers against the
// synchronous ones); the summary's total is the sum of its providers. The oracle
// (golden_test.cpp) pins the values themselves.
TEST_P(Examples, WritesTheOutputsItAsksForAndTheyMatchAnInMemoryRun) {
  const fs::path file = fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples" / (GetParam() + ".yaml");
  ScenarioConfig cfg;
  try {
    cfg = load(read_scenario_file(file));
  } catch (const ScenarioError& e) {
    FAIL() << e.what();
  }
  auto sim = build(cfg);
  const fs::path out = fs::path(ECSIM_BINARY_DIR) / "example-out" / GetParam();
  fs::remove_all(out);
  const std::string summary = run_to_directory(*sim, out);
  EXPECT_EQ(sim->now(), sim->horizon());
  auto again = build(cfg);
  const auto mem = run_in_memory(*again, cfg.run.write_events, cfg.run.write_timeseries, cfg.run.write_tasks);
  const std::pair<bool, std::pair<const char*, const std::string*>> files[] = {
      {cfg.run.write_events, {"events.csv", &mem.events_csv}},
      {cfg.run.write_timeseries, {"timeseries.csv", &mem.timeseries_csv}},
      {cfg.run.write_tasks, {"tasks.csv", &mem.tasks_csv}}};
  for (const auto& [wanted, named] : files) {
    EXPECT_EQ(fs::exists(out / named.first), wanted) << named.first;
    if (wanted) {
      EXPECT_EQ(slurp(out / named.first), *named.second) << named.first;
    }
  }
  EXPECT_EQ(fs::exists(out / "summary.json"), cfg.run.write_summary);
  const auto j = nlohmann::json::parse(summary);
  EXPECT_EQ(j["scenario"], cfg.name);
  EXPECT_EQ(j["events"].get<std::uint64_t>(), sim->events_processed());
  double sum = 0;
  for (const auto& [name, usd] : j["cost"]["byCapacityProvider"].items()) sum += usd.get<double>();
  // With Savings Plans the total is what is paid; the providers stay at list prices.
  EXPECT_NEAR(j["cost"].value("listPriceUsd", j["cost"]["totalUsd"].get<double>()), sum, 1e-5);
  double by_model = 0;
  for (const auto& [name, usd] : j["cost"]["byPricingModel"].items()) by_model += usd.get<double>();
  EXPECT_NEAR(j["cost"]["totalUsd"].get<double>(), by_model, 1e-5) << "the pricing models must add up to the total";
}

INSTANTIATE_TEST_SUITE_P(Bundled, Examples, ::testing::ValuesIn(examples()), [](const auto& param_info) {
  std::string name = param_info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
});

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
