// AsyncFileBuf: bytes reach the file whole and in order, through many buffer hand-overs,
// and a failed write is reported by close() with the file's name.
#include "ecsim/scenarios/async_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::filesystem::path temp_file(const char* name) {
  return std::filesystem::temp_directory_path() / (std::string("ecsim_async_") + name + "_" + std::to_string(::getpid()));
}

TEST(AsyncFile, ManySmallWritesThroughTinyBuffersArriveInOrder) {
  const auto path = temp_file("order");
  std::string expected;
  {
    ecsim::scenarios::AsyncFileBuf buf(path, /*buffer_bytes=*/7, /*depth=*/2);
    std::ostream out(&buf);
    for (int i = 0; i < 5000; ++i) {
      const std::string line = std::to_string(i) + (i % 3 == 0 ? ",a long enough field to span buffers\n" : "\n");
      out << line;
      out.put('.');
      expected += line;
      expected += '.';
    }
    buf.close();
    buf.close();  // idempotent
  }
  EXPECT_EQ(slurp(path), expected);
  std::filesystem::remove(path);
}

TEST(AsyncFile, AStreamWritesTheSameBytesAsAnOfstream) {
  const auto a = temp_file("async"), b = temp_file("plain");
  {
    ecsim::scenarios::AsyncFileStream as(a);
    std::ofstream os(b, std::ios::binary);
    for (int i = 0; i < 100000; ++i) {
      as << i << ',' << i * 0.5 << '\n';
      os << i << ',' << i * 0.5 << '\n';
    }
    as.close();
  }
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_GT(std::filesystem::file_size(a), 1u << 20);  // more than one 1 MiB buffer
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST(AsyncFile, AFailedWriteIsReportedByClose) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  ecsim::scenarios::AsyncFileBuf buf("/dev/full", 16, 1);
  std::ostream out(&buf);
  out << std::string(100, 'x');
  try {
    buf.close();
    FAIL() << "close() should report the failed write";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("writing /dev/full failed"), std::string::npos) << e.what();
  }
}

TEST(AsyncFile, AnUnwritablePathIsRefusedAtOnce) {
  EXPECT_THROW(ecsim::scenarios::AsyncFileBuf("/nonexistent-dir/x.csv"), std::runtime_error);
}

}  // namespace

// The command line's files (rows formatted on worker threads) equal the in-memory CSV
// texts (formatted synchronously) byte for byte, for every golden scenario.
#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace {

class ThreadedOutputs : public ::testing::TestWithParam<std::string> {};

TEST_P(ThreadedOutputs, FilesEqualTheSynchronousTexts) {
  namespace sc = ecsim::scenarios;
  const auto scenario = std::filesystem::path(ECSIM_SOURCE_DIR) / "tests" / "golden" / (GetParam() + ".yaml");
  auto cfg = sc::load(sc::read_scenario_file(scenario));
  cfg.run.write_events = cfg.run.write_timeseries = cfg.run.write_tasks = cfg.run.write_summary = true;
  const auto dir = temp_file(GetParam().c_str());
  auto a = sc::build(cfg);
  sc::run_to_directory(*a, dir);
  auto b = sc::build(cfg);
  const auto mem = sc::run_in_memory(*b, true, true, true);
  ASSERT_FALSE(mem.events_csv.empty());
  EXPECT_EQ(slurp(dir / "events.csv"), mem.events_csv);
  EXPECT_EQ(slurp(dir / "tasks.csv"), mem.tasks_csv);
  EXPECT_EQ(slurp(dir / "timeseries.csv"), mem.timeseries_csv);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Golden, ThreadedOutputs,
                         ::testing::Values("batch_on_spot_with_retries", "ec2_spot_managed_scaling", "load_balanced_and_failing",
                                           "scale_out_2020_bucket"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
