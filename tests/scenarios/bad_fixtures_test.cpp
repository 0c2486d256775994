// Every malformed scenario under tests/data/bad/ must produce exactly the error text in its
// .expected file (one located message per line), never a crash. To refresh after an
// intended change: ECSIM_UPDATE_EXPECTED=1 ctest -R BadFixtures, then review `git diff`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ecsim/scenarios/scenario.hpp"
#include "test_util.hpp"

namespace ecsim::scenarios {
namespace {

namespace fs = std::filesystem;
const fs::path kBad = fs::path(ECSIM_SOURCE_DIR) / "tests" / "data" / "bad";

std::vector<std::string> fixtures() { return ecsim::testing::yaml_stems(kBad); }

using ecsim::testing::slurp;

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

// Trace content is read during the run: a bad row stops it with the file, the line and the
// problem (the command line exits 1). tests/data/bad_runtime/NAME.yaml must fail that way
// with the text in NAME.expected.
namespace ecsim::scenarios {
namespace {

std::vector<std::string> runtime_fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(fs::path(ECSIM_SOURCE_DIR) / "tests" / "data" / "bad_runtime"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class BadRuntime : public ::testing::TestWithParam<std::string> {};

TEST_P(BadRuntime, RunStopsWithTheFileLineAndProblem) {
  const fs::path dir = fs::path(ECSIM_SOURCE_DIR) / "tests" / "data" / "bad_runtime";
  ScenarioSource src = read_scenario_file(dir / (GetParam() + ".yaml"));
  ScenarioConfig cfg;
  ASSERT_NO_THROW(cfg = load(src));  // the header is fine: validation passes
  std::ifstream in(dir / (GetParam() + ".expected"));
  std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  try {
    auto sim = build(cfg, 0);
    sim->run();
    FAIL() << GetParam() << " ran without an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Traces, BadRuntime, ::testing::ValuesIn(runtime_fixtures()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace ecsim::scenarios

namespace ecsim::scenarios {
namespace {

TEST(HostileInput, AHundredMegabyteFileIsRefusedAtOnce) {
  const fs::path file = fs::path(ECSIM_BINARY_DIR) / "hundred_mb.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << "ecsim: 1\nname: big\nduration: 1h\nnotes: [";
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) out << chunk;
    out << "]\n";
  }
  try {
    read_scenario_file(file);
    FAIL() << "a 100 MB scenario was read";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_EQ(e.errors()[0].str(), file.string() + ":1:1: (file): the scenario is 100 MiB; scenario files are read up to 16 MiB "
                                                   "(put large data in CSV traces named by `file:`)");
  }
  fs::remove(file);
}

}  // namespace
}  // namespace ecsim::scenarios
