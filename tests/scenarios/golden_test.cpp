// The safety net for behaviour: golden outputs compared byte for byte.
//
// 1. Golden traces: each tests/golden/NAME.yaml must reproduce NAME.events.csv,
//    NAME.timeseries.csv, NAME.tasks.csv and NAME.summary.json (wallSeconds masked) exactly.
// 2. The oracle: every scenario under scenarios/examples/, tests/golden/ and tests/validation/
//    must reproduce the hashes of all four outputs recorded in tests/golden/oracle.txt.
//
// After an intended behaviour change, refresh both with
//   ECSIM_UPDATE_GOLDEN=1 ctest --preset dev -R 'Golden|Oracle'
// (or .ci/refresh-goldens) and review `git diff tests/golden` before committing: the traces
// show what changed, the oracle which scenarios it reached.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "ecsim/core/event_log.hpp"
#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"
#include "test_util.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
const fs::path kSource = fs::path(ECSIM_SOURCE_DIR);
const fs::path kGolden = kSource / "tests" / "golden";
const fs::path kOracle = kGolden / "oracle.txt";

bool updating() { return std::getenv("ECSIM_UPDATE_GOLDEN") != nullptr; }

std::vector<std::string> goldens() { return ecsim::testing::yaml_stems(kGolden); }

/// summary.json without its one wall-clock field, so that it compares byte for byte.
std::string mask_wall_clock(const std::string& summary) {
  static const std::regex kWall(R"("wallSeconds": [0-9.eE+-]+)");
  return std::regex_replace(summary, kWall, R"("wallSeconds": "masked")");
}

/// All four outputs of one run, whatever the scenario's run.outputs says.
std::map<std::string, std::string> all_outputs(const fs::path& scenario) {
  auto sim = build(load(read_scenario_file(scenario)));
  auto out = run_in_memory(*sim, true, true, true);
  return {{"events.csv", out.events_csv},
          {"timeseries.csv", out.timeseries_csv},
          {"tasks.csv", out.tasks_csv},
          {"summary.json", mask_wall_clock(out.summary_json)}};
}

std::string read_file(const fs::path& p) { return ecsim::testing::slurp(p); }

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, EveryOutputMatchesTheCheckedInFiles) {
  const auto outputs = all_outputs(kGolden / (GetParam() + ".yaml"));
  for (const auto& [file, got] : outputs) {
    const fs::path expected = kGolden / (GetParam() + "." + file);
    if (updating()) {
      std::ofstream(expected, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(expected)) << "missing " << expected << " (set ECSIM_UPDATE_GOLDEN=1 to create it)";
    EXPECT_EQ(got, read_file(expected)) << expected << " differs";
  }
  if (updating()) GTEST_SKIP() << "rewrote the golden outputs of " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Traces, Golden, ::testing::ValuesIn(goldens()), [](const auto& param_info) { return param_info.param; });

// --- the oracle: hashes of every output of every bundled scenario --------------------------------

/// 64-bit FNV-1a: stable across compilers and platforms (std::hash is not).
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::vector<fs::path> oracle_scenarios() {
  std::vector<fs::path> out;
  for (const char* dir : {"scenarios/examples", "tests/golden", "tests/validation"})
    for (const auto& e : fs::recursive_directory_iterator(kSource / dir))
      if (e.path().extension() == ".yaml" && e.path().stem().extension() != ".grid")  // NAME.grid.yaml: a sweep grid
        out.push_back(fs::relative(e.path(), kSource));
  std::sort(out.begin(), out.end());
  return out;
}

/// One line per output: "<scenario> <file> <bytes> <fnv1a hex>".
std::string oracle_line(const fs::path& scenario, const std::string& file, const std::string& text) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
  return scenario.generic_string() + " " + file + " " + std::to_string(text.size()) + " " + hex;
}

TEST(Oracle, EveryBundledScenarioReproducesTheHashesOfAllItsOutputs) {
  std::ostringstream got;
  for (const auto& scenario : oracle_scenarios())
    for (const auto& [file, text] : all_outputs(kSource / scenario)) got << oracle_line(scenario, file, text) << '\n';
  if (updating()) {
    std::ofstream(kOracle, std::ios::binary) << got.str();
    GTEST_SKIP() << "rewrote " << kOracle;
  }
  ASSERT_TRUE(fs::exists(kOracle)) << "missing " << kOracle << " (set ECSIM_UPDATE_GOLDEN=1 to create it)";
  // Line by line, so a failure names the scenarios and files that changed.
  std::istringstream want_lines(read_file(kOracle)), got_lines(got.str());
  std::map<std::string, std::string> want, have;
  for (std::string l; std::getline(want_lines, l);) want[l.substr(0, l.find(' ', l.find(' ') + 1))] = l;
  for (std::string l; std::getline(got_lines, l);) have[l.substr(0, l.find(' ', l.find(' ') + 1))] = l;
  for (const auto& [key, line] : have) {
    auto it = want.find(key);
    if (it == want.end()) ADD_FAILURE() << "not in the oracle: " << line;
    else EXPECT_EQ(line, it->second) << key << " changed";
  }
  for (const auto& [key, line] : want)
    if (!have.count(key)) ADD_FAILURE() << "in the oracle but no longer produced: " << line;
}

TEST(Oracle, MaskingRemovesOnlyTheWallClock) {
  EXPECT_EQ(mask_wall_clock("{\n  \"wallSeconds\": 0.017,\n  \"events\": 7169\n}"),
            "{\n  \"wallSeconds\": \"masked\",\n  \"events\": 7169\n}");
  EXPECT_NE(fnv1a("a"), fnv1a("b"));
  EXPECT_EQ(fnv1a(""), 14695981039346656037ull);  // the FNV offset basis
}

TEST(Determinism, SameFileAndSeedGiveByteIdenticalEventsCsv) {
  const fs::path f = kSource / "scenarios" / "examples" / "quickstart.yaml";
  const auto a = all_outputs(f), b = all_outputs(f);
  EXPECT_GT(a.at("events.csv").size(), 1000u);
  EXPECT_EQ(a, b);
}

TEST(Determinism, ADifferentSeedGivesADifferentEventsCsv) {
  const fs::path f = kSource / "scenarios" / "examples" / "quickstart.yaml";
  auto with_seed = [&](std::uint64_t seed) {
    auto cfg = load(read_scenario_file(f));
    cfg.seed = seed;
    auto sim = build(cfg);
    return run_in_memory(*sim, true, false, false).events_csv;
  };
  EXPECT_NE(with_seed(1), with_seed(2));
}

}  // namespace
}  // namespace ecsim::scenarios
