// Every malformed scenario under tests/data/bad/ must produce exactly the error text in its
// .expected file (one located message per line), never a crash. To refresh after an
// intended change: ECSIM_UPDATE_EXPECTED=1 ctest -R BadFixtures, then review `git diff`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
const fs::path kBad = fs::path(ECSIM_SOURCE_DIR) / "tests" / "data" / "bad";

std::vector<std::string> fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kBad))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class BadFixtures : public ::testing::TestWithParam<std::string> {};

TEST_P(BadFixtures, ProducesExactlyTheExpectedErrors) {
  const std::string name = GetParam();
  ScenarioSource src = read_scenario_file(kBad / (name + ".yaml"));
  src.file_name = name + ".yaml";  // stable text, wherever the tree is checked out
  std::string got;
  try {
    load(src);
    FAIL() << name << ".yaml loaded without errors";
  } catch (const ScenarioError& e) {
    ASSERT_FALSE(e.errors().empty());
    for (const auto& d : e.errors()) got += d.str() + "\n";
  }
  const fs::path expected_path = kBad / (name + ".expected");
  if (std::getenv("ECSIM_UPDATE_EXPECTED")) {
    std::ofstream(expected_path, std::ios::binary) << got;
    GTEST_SKIP() << "rewrote " << expected_path;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
  EXPECT_EQ(got, slurp(expected_path));
}

INSTANTIATE_TEST_SUITE_P(All, BadFixtures, ::testing::ValuesIn(fixtures()),
                         [](const auto& param_info) { return param_info.param; });

TEST(BadFixtureSet, HasAtLeastFifteenFixtures) { EXPECT_GE(fixtures().size(), 15u); }

}  // namespace
}  // namespace ecsim::scenarios
