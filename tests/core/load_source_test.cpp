// Load sources: traces replayed from the scenario start, streamed.
#include "ecsim/core/load_source.hpp"

#include <gtest/gtest.h>

namespace ecsim {
namespace {

const std::string kTraces = std::string(ECSIM_SOURCE_DIR) + "/tests/data/traces/";

TEST(TraceLoad, ValuesHoldUntilTheNextRowAndEndAfterOneStep) {
  TraceLoad t{kTraces + "step_300_900_300.csv", "t", "rps", std::chrono::seconds(1), 2.0};
  auto src = make_load_source(t, 0);
  EXPECT_EQ(src->rate(), 600);
  ASSERT_EQ(src->next_change(), at_millis(1'800'000));
  src->advance(at_millis(1'800'000));
  EXPECT_EQ(src->rate(), 1800);
  ASSERT_EQ(src->next_change(), at_millis(5'400'000));
  src->advance(at_millis(5'400'000));
  EXPECT_EQ(src->rate(), 600);
  ASSERT_EQ(src->next_change(), at_millis(9'000'000));  // held one more step (3600 s)
  src->advance(at_millis(9'000'000));
  EXPECT_EQ(src->rate(), 0);
  EXPECT_EQ(src->next_change(), std::nullopt);
}

TEST(TraceLoad, ReplayStartsAtTheScenarioStart) {
  TraceLoad t{kTraces + "step_300_900_300.csv", "t", "rps", std::chrono::seconds(1), 1.0};
  auto src = make_load_source(t, /*start_unix_seconds=*/2000);  // t=0 is trace time 2000 s
  EXPECT_EQ(src->rate(), 900);
  EXPECT_EQ(src->next_change(), at_millis(3'400'000));
}

TEST(TraceLoad, RowsWithoutValuesAreCountedPerBin) {
  // Arrivals at 0.5, 0.7, 1.2, 3.0, 3.1, 3.9 s: per 1 s bins 2, 1, 0, 3 requests/s.
  TraceLoad t{kTraces + "arrivals.csv", "ts", "", std::chrono::seconds(1), 1.0};
  auto src = make_load_source(t, 0);
  std::vector<double> rates{src->rate()};
  while (auto next = src->next_change()) {
    src->advance(*next);
    rates.push_back(src->rate());
  }
  EXPECT_EQ(rates, (std::vector<double>{2, 1, 0, 3, 0}));
}

TEST(TraceLoad, UnreadableTraceThrows) {
  TraceLoad t{kTraces + "nope.csv", "t", "v", std::chrono::seconds(1), 1.0};
  EXPECT_THROW(make_load_source(t, 0), std::runtime_error);
}

TEST(TraceLoad, AMissingValueColumnIsNamedWithTheColumnsThere) {
  TraceLoad t{kTraces + "step_300_900_300.csv", "t", "requests", std::chrono::seconds(1), 1.0};
  try {
    make_load_source(t, 0);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("has no column 'requests'; columns: t, rps"), std::string::npos) << e.what();
  }
}

// A batch trace whose duration is its first column; a value with trailing characters is
// refused rather than read as its leading number.
TEST(BatchTrace, DurationInTheFirstColumnAndTrailingGarbage) {
  TraceArrivals t;
  t.path = kTraces + "duration_first.csv";
  t.time_column = "t";
  t.duration_column = "dur";
  const auto rows = read_batch_trace(t, 0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].work, std::chrono::seconds(30));
  EXPECT_EQ(rows[1].at, at_millis(10'000));
  EXPECT_EQ(rows[1].work, std::chrono::seconds(45));
  t.path = kTraces + "trailing_garbage.csv";
  try {
    read_batch_trace(t, 0);
    FAIL() << "'12abc' was read as a number";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("duration '12abc' is not a finite number"), std::string::npos) << e.what();
  }
}

// A header with a UTF-8 byte-order mark (spreadsheet exports) still names its first column;
// a row with too few columns is refused with its line.
TEST(BatchTrace, ByteOrderMarkAndShortRows) {
  TraceArrivals t;
  t.path = kTraces + "bom_header.csv";
  t.time_column = "t";
  t.count_column = "count";
  const auto rows = read_batch_trace(t, 0);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].count, 2);
  t.path = kTraces + "short_row.csv";
  t.count_column.clear();
  t.duration_column = "dur";
  try {
    read_batch_trace(t, 0);
    FAIL() << "a short row was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("short_row.csv:3: the row has too few columns"), std::string::npos) << e.what();
  }
}

TEST(TraceLoad, AShortRowIsRefusedWithItsLine) {
  CsvTraceReader r(kTraces + "short_row.csv", "t", "dur");
  std::int64_t ms = 0;
  double v = 0;
  ASSERT_TRUE(r.next(&ms, &v));
  EXPECT_EQ(v, 30);
  try {
    r.next(&ms, &v);
    FAIL() << "a short row was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("short_row.csv:3: the row has too few columns"), std::string::npos) << e.what();
  }
}

TEST(UtcParsing, AcceptsTheTraceFormats) {
  EXPECT_EQ(parse_utc_millis("1970-01-01T00:01Z"), 60'000);
  EXPECT_EQ(parse_utc_millis("1998-06-22T00:00:00Z"), 898'473'600'000LL);
  EXPECT_EQ(parse_utc_millis("2023-11-16 18:17:03.9799600"), 1'700'158'623'979LL);
  EXPECT_EQ(parse_utc_millis("1998-06-22"), 898'473'600'000LL);
  EXPECT_FALSE(parse_utc_millis("1998-06-22T00:00:00+02:00"));
  EXPECT_FALSE(parse_utc_millis("yesterday"));
  EXPECT_EQ(parse_utc_millis("2016-12-31T23:59:60Z"), 1'483'228'800'000LL);  // a leap second reads as the next second
  EXPECT_FALSE(parse_utc_millis("2024-03-01T00:00:61Z"));
  EXPECT_FALSE(parse_utc_millis("2024-03-01T24:00:00Z"));
  EXPECT_FALSE(parse_utc_millis("2024-03-01T00:60:00Z"));
}

}  // namespace
}  // namespace ecsim
