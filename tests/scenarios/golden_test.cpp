// Golden event logs: each tests/golden/NAME.yaml must reproduce tests/golden/NAME.events.csv
// byte for byte. After an intended behaviour change, refresh with
//   ECSIM_UPDATE_GOLDEN=1 ctest --preset dev -R Golden
// and review the diff of tests/golden/*.events.csv before committing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ecsim/core/event_log.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = fs::path(ECSIM_SOURCE_DIR) / "tests" / "golden";

std::vector<std::string> goldens() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kGolden))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string events_of(const fs::path& scenario, std::uint64_t seed_override = 0, bool override_seed = false) {
  auto cfg = load(read_scenario_file(scenario));
  if (override_seed) cfg.seed = seed_override;
  auto sim = build(cfg);
  std::ostringstream out;
  EventCsvWriter w(out);
  sim->add_observer(&w);
  sim->run();
  return out.str();
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, EventLogMatchesTheCheckedInTrace) {
  const std::string got = events_of(kGolden / (GetParam() + ".yaml"));
  const fs::path expected = kGolden / (GetParam() + ".events.csv");
  if (std::getenv("ECSIM_UPDATE_GOLDEN")) {
    std::ofstream(expected, std::ios::binary) << got;
    GTEST_SKIP() << "rewrote " << expected;
  }
  ASSERT_TRUE(fs::exists(expected)) << "missing " << expected << " (set ECSIM_UPDATE_GOLDEN=1 to create it)";
  std::ifstream in(expected, std::ios::binary);
  std::ostringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str());
}

INSTANTIATE_TEST_SUITE_P(Traces, Golden, ::testing::ValuesIn(goldens()), [](const auto& param_info) { return param_info.param; });

TEST(Determinism, SameFileAndSeedGiveByteIdenticalEventsCsv) {
  const fs::path f = fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples" / "quickstart.yaml";
  const std::string a = events_of(f), b = events_of(f);
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
}

TEST(Determinism, ADifferentSeedGivesADifferentEventsCsv) {
  const fs::path f = fs::path(ECSIM_SOURCE_DIR) / "scenarios" / "examples" / "quickstart.yaml";
  EXPECT_NE(events_of(f, 1, true), events_of(f, 2, true));
}

}  // namespace
}  // namespace ecsim::scenarios
