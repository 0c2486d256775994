// The corpus of inputs published by AWS (tests/data/aws/): each NAME.yaml holds an input
// from AWS's CLI examples or samples, pasted unchanged into a scenario, with its provenance
// and licence in its opening comment. NAME.expected says what must come of it:
//  - a refusal: the exact diagnostics, one per line (as for tests/data/bad/);
//  - or a run: lines "PATH = VALUE" checked against summary.json (PATH is keys and list
//    indices joined by '/', VALUE a JSON value; numbers compare to 1e-9 relative), and
//    lines "notice ~ TEXT" requiring a notice that contains TEXT.
// Refresh a refusal after an intended change: ECSIM_UPDATE_EXPECTED=1 (runs are hand-written).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"
#include "test_util.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
const fs::path kAws = fs::path(ECSIM_SOURCE_DIR) / "tests" / "data" / "aws";

std::vector<std::string> inputs() { return ecsim::testing::yaml_stems(kAws); }

using ecsim::testing::slurp;

const nlohmann::json* at_path(const nlohmann::json& j, const std::string& path) {
  const nlohmann::json* cur = &j;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/')) {
    if (cur->is_object()) {
      if (!cur->contains(part)) return nullptr;
      cur = &(*cur)[part];
    } else if (cur->is_array() && !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit)) {
      const auto k = std::stoul(part);
      if (k >= cur->size()) return nullptr;
      cur = &(*cur)[k];
    } else {
      return nullptr;
    }
  }
  return cur;
}

class AwsCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(AwsCorpus, GivesItsExpectedOutcome) {
  const std::string name = GetParam();
  const std::string yaml = slurp(kAws / (name + ".yaml"));
  ASSERT_NE(yaml.find("# Source:"), std::string::npos) << name << ".yaml names no source";
  ASSERT_NE(yaml.find("# Licence:"), std::string::npos) << name << ".yaml names no licence";
  const std::string expected = slurp(kAws / (name + ".expected"));
  ScenarioSource src = read_scenario_file(kAws / (name + ".yaml"));
  src.file_name = name + ".yaml";
  const bool refusal = expected.find(name + ".yaml:") == 0;
  if (refusal || std::getenv("ECSIM_UPDATE_EXPECTED")) {
    std::string got;
    try {
      load(src);
    } catch (const ScenarioError& e) {
      for (const auto& d : e.errors()) got += d.str() + "\n";
    }
    if (std::getenv("ECSIM_UPDATE_EXPECTED") && (refusal || expected.empty()) && !got.empty()) {
      std::ofstream(kAws / (name + ".expected"), std::ios::binary) << got;
      GTEST_SKIP() << "rewrote " << name << ".expected";
    }
    if (refusal) {
      EXPECT_EQ(got, expected);
      return;
    }
    ASSERT_EQ(got, "") << name << ".yaml was expected to run";
  }
  const ScenarioConfig cfg = load(src);
  auto sim = build(cfg, 0);
  const auto summary = nlohmann::json::parse(run_to_directory(*sim, fs::path(ECSIM_BINARY_DIR) / "aws-corpus" / name, {}));
  std::stringstream lines(expected);
  std::string line;
  int checks = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    ++checks;
    if (line.rfind("notice ~ ", 0) == 0) {
      const std::string text = line.substr(9);
      bool found = false;
      for (const auto& n : summary["notices"]) found = found || n.get<std::string>().find(text) != std::string::npos;
      EXPECT_TRUE(found) << "no notice contains: " << text << "\nnotices: " << summary["notices"].dump();
      continue;
    }
    const auto eq = line.find(" = ");
    ASSERT_NE(eq, std::string::npos) << "bad line: " << line;
    const std::string path = line.substr(0, eq);
    const auto want = nlohmann::json::parse(line.substr(eq + 3));
    const nlohmann::json* got = at_path(summary, path);
    ASSERT_NE(got, nullptr) << "summary.json has no " << path;
    if (want.is_number() && got->is_number())
      EXPECT_NEAR(got->get<double>(), want.get<double>(), 1e-9 * std::max(1.0, std::abs(want.get<double>()))) << path;
    else
      EXPECT_EQ(*got, want) << path;
  }
  EXPECT_GT(checks, 0) << name << ".expected checks nothing";
}

INSTANTIATE_TEST_SUITE_P(Inputs, AwsCorpus, ::testing::ValuesIn(inputs()),
                         [](const auto& param_info) { return param_info.param; });

TEST(AwsCorpusSet, HoldsAtLeastThirtyInputs) { EXPECT_GE(inputs().size(), 30u); }

}  // namespace
}  // namespace ecsim::scenarios
