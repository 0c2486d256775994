// Predictive scaling: the forecaster, the forecast schedule, SchedulingBufferTime, the
// maximum-capacity rules and the combination with target tracking, on hand-computed
// histories; then through the whole simulator, the loader and the Python-free build.
#include <gtest/gtest.h>

#include "ecsim/core/load_source.hpp"
#include "ecsim/scaling/auto_scaler.hpp"
#include "ecsim/scaling/predictive.hpp"
#include "test_util.hpp"

namespace ecsim::scaling {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 898'473'600;  // 1998-06-22T00:00:00Z
constexpr std::int64_t kH = 3600;

// `days` days of hourly history before kStart; hour h of the day has load at(h).
template <class F>
std::vector<HourlyLoad> daily_history(int days, F at) {
  std::vector<HourlyLoad> out;
  for (std::int64_t hour = kStart - days * 24 * kH; hour < kStart; hour += kH)
    out.push_back(HourlyLoad{hour, at(static_cast<int>((hour / kH) % 24)), 3600});
  return out;
}

PredictiveScalingConfig config(bool scale = true, SimDuration buffer = 300s) {
  PredictiveScalingConfig c;
  c.metric = PredictiveMetric::kCpu;
  c.target_value = 60;
  c.forecast_and_scale = scale;
  c.scheduling_buffer = buffer;
  return c;
}

std::unique_ptr<AutoScaler> scaler(const PredictiveScalingConfig& c, std::vector<HourlyLoad> history, int min = 1, int max = 100) {
  AutoScalingConfig a;
  a.min_capacity = min;
  a.max_capacity = max;
  a.policies.push_back(ScalingPolicyConfig{"forecast", c});
  PolicyContext ctx;
  ctx.start_unix_seconds = kStart;
  ctx.history = std::move(history);
  return make_auto_scaler(a, ctx);
}

SimTime at_s(std::int64_t s) { return at_millis(s * 1000); }

TEST(Forecaster, SameHourMeanAveragesTheSameHourOfTheLastDays) {
  // Three days; hour 5 held 100, 200, 600 (oldest first): 2 days -> (200 + 600) / 2 = 400,
  // 7 days -> all three = 300. Hour 6 held 10 every day -> 10.
  std::vector<HourlyLoad> h;
  const double at5[3] = {100, 200, 600};
  for (int d = 0; d < 3; ++d)
    for (int hr = 0; hr < 24; ++hr)
      h.push_back(HourlyLoad{kStart - (3 - d) * 24 * kH + hr * kH, hr == 5 ? at5[d] : 10.0, 3600});
  auto two = make_same_hour_mean_forecaster(2)->forecast(h, kStart, 48);
  auto seven = make_same_hour_mean_forecaster(7)->forecast(h, kStart, 48);
  ASSERT_EQ(two.size(), 48u);
  EXPECT_DOUBLE_EQ(two[5], 400);
  EXPECT_DOUBLE_EQ(seven[5], 300);
  EXPECT_DOUBLE_EQ(two[6], 10);
  // Tomorrow's hour 5 (index 29) has the same days to draw from (yesterday is the newest).
  EXPECT_DOUBLE_EQ(two[29], 400);
  EXPECT_DOUBLE_EQ(seven[29], 300);
}

TEST(Forecaster, AnHourNoDayHasGetsTheHistoryMean) {
  // Only hours 0 and 1 of one day, loads 100 and 300: hour 2 has no same-hour value -> 200.
  std::vector<HourlyLoad> h = {{kStart - 24 * kH, 100, 3600}, {kStart - 23 * kH, 300, 3600}};
  auto f = make_same_hour_mean_forecaster(7)->forecast(h, kStart, 3);
  EXPECT_DOUBLE_EQ(f[0], 100);
  EXPECT_DOUBLE_EQ(f[1], 300);
  EXPECT_DOUBLE_EQ(f[2], 200);
}

TEST(PredictiveScaling, CapacityIsTheLoadOverTheTargetRoundedUp) {
  EXPECT_EQ(predictive_capacity(600, 60), 10);
  EXPECT_EQ(predictive_capacity(600.5, 60), 11);
  EXPECT_EQ(predictive_capacity(0, 60), 0);
  MetricDatapoint d = MetricDatapoint::over(at_s(0), 20s);
  d.requests = 1200;  // in 20 s: 3600 per minute
  EXPECT_DOUBLE_EQ(*predictive_load(d, PredictiveMetric::kAlbRequestCount), 3600);
  d.cpu_total_percent = 420;
  EXPECT_DOUBLE_EQ(*predictive_load(d, PredictiveMetric::kCpu), 420);
  EXPECT_FALSE(predictive_load(d, PredictiveMetric::kMemory));
}

TEST(PredictiveScaling, ForecastsAtCreationAndSchedulesEachHourTheBufferEarly) {
  // Hour 0 of the day: 600 (10 tasks at 60 %); hour 1: 1200 (20 tasks); others 120 (2).
  auto s = scaler(config(), daily_history(1, [](int h) { return h == 0 ? 600.0 : h == 1 ? 1200.0 : 120.0; }));
  ASSERT_EQ(s->first_scheduled(), at_s(0));
  auto a = s->on_scheduled(at_s(0), 3);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 10);
  EXPECT_EQ(a->policy, "forecast");
  EXPECT_NE(a->reason.str().find("forecast capacity 10 for the hour from 1998-06-22T00:00:00Z"), std::string::npos) << a->reason.str();
  auto notes = s->take_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("history=24h from=1998-06-22T00:00:00Z hours=48 capacity=2..20 peak=1998-06-22T01:00:00Z"), std::string::npos)
      << notes[0];
  // Hour 1 is applied 300 s before it starts.
  EXPECT_EQ(s->next_scheduled(at_s(0)), at_s(3300));
  a = s->on_scheduled(at_s(3300), 10);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 20);
  // Hour 2 (2 tasks) never scales in.
  EXPECT_EQ(s->next_scheduled(at_s(3300)), at_s(6900));
  EXPECT_FALSE(s->on_scheduled(at_s(6900), 20));
  // The view: hour 1's forecast from 3600 on, its capacity scheduled from 3300 on.
  auto v = s->forecast(at_s(3400));
  EXPECT_DOUBLE_EQ(*v->load, 600);
  EXPECT_EQ(*v->capacity, 10);
  EXPECT_EQ(*v->scheduled, 20);
}

TEST(PredictiveScaling, WithoutBufferCapacityComesOnTheHour) {
  auto s = scaler(config(true, 0s), daily_history(1, [](int h) { return h == 1 ? 1200.0 : 120.0; }));
  EXPECT_EQ(s->on_scheduled(at_s(0), 1)->desired, 2);
  EXPECT_EQ(s->next_scheduled(at_s(0)), at_s(3600));
  EXPECT_EQ(s->on_scheduled(at_s(3600), 2)->desired, 20);
}

TEST(PredictiveScaling, RefreshesEverySixHoursAndNeedsADayOfHistory) {
  // 23 hours of history: no forecast at creation, nothing scheduled but the refreshes.
  auto h = daily_history(1, [](int) { return 600.0; });
  h.erase(h.begin());
  auto s = scaler(config(), h);
  EXPECT_EQ(s->first_scheduled(), at_s(0));
  EXPECT_FALSE(s->on_scheduled(at_s(0), 1));
  auto notes = s->take_notes();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("no forecast: 23 h of history, 24 h needed"), std::string::npos) << notes[0];
  EXPECT_FALSE(s->forecast(at_s(0))->capacity);
  EXPECT_EQ(s->next_scheduled(at_s(0)), at_s(6 * kH));
  // The run's own datapoints (one an hour of 600 would do; here a minute each for 1 h) add the
  // missing hour: by 6 h there are 24 h and the forecast is made.
  for (int m = 0; m < 60; ++m) {
    MetricDatapoint d = MetricDatapoint::over(at_s(m * 60), 60s);
    d.cpu_total_percent = 600;
    d.cpu_percent = 60;
    s->on_datapoint(d, at_s(m * 60 + 60), 1);
  }
  auto a = s->on_scheduled(at_s(6 * kH), 1);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 10);
  EXPECT_NE(s->take_notes()[0].find("history=24h from=1998-06-22T06:00:00Z"), std::string::npos);
}

TEST(PredictiveScaling, OnlyTheLastFourteenDaysAreUsed) {
  // 20 days: the 6 oldest held 6000 at every hour, the newest 14 held 600. The forecast made
  // at creation sees 336 h of 600 -> 10 tasks, though this forecaster would average 20 days.
  std::vector<HourlyLoad> h;
  for (std::int64_t hour = kStart - 20 * 24 * kH; hour < kStart; hour += kH)
    h.push_back(HourlyLoad{hour, hour < kStart - 14 * 24 * kH ? 6000.0 : 600.0, 3600});
  auto c = config();
  c.forecaster_days = 20;
  auto s = scaler(c, h);
  EXPECT_EQ(s->on_scheduled(at_s(0), 1)->desired, 10);
  EXPECT_NE(s->take_notes()[0].find("history=336h"), std::string::npos);
}

TEST(PredictiveScaling, HonorsMaxCapacityOrRaisesItWithTheBuffer) {
  // Forecast 3000 / 60 = 50 tasks against MaxCapacity 40 (AWS's example).
  auto flat = daily_history(1, [](int) { return 3000.0; });
  EXPECT_EQ(scaler(config(), flat, 1, 40)->on_scheduled(at_s(0), 1)->desired, 40);
  auto c = config();
  c.increase_max_capacity = true;
  c.max_capacity_buffer_percent = 10;
  auto s = scaler(c, flat, 1, 40);
  EXPECT_EQ(s->on_scheduled(at_s(0), 1)->desired, 50);
  EXPECT_EQ(s->max_capacity(), 55);  // 50 x 1.10, and it stays
  EXPECT_EQ(s->forecast_stats()->max_capacity_raised_to, 55);
  EXPECT_NE(s->take_notes().back().find("raises MaxCapacity from 40 to 55"), std::string::npos);
  c.max_capacity_buffer_percent = 0;
  auto z = scaler(c, flat, 1, 40);
  EXPECT_EQ(z->on_scheduled(at_s(0), 1)->desired, 50);
  EXPECT_EQ(z->max_capacity(), 50);
}

TEST(PredictiveScaling, ForecastErrorIsMeasuredOnWholeHours) {
  // Forecast 600 for every hour; the run measures 660 in hour 0 and 500 in hour 1 (whole hours),
  // and 30 minutes of hour 2 (not compared): (60/660 + 100/500) / 2 = 14.5454...%.
  auto s = scaler(config(), daily_history(1, [](int) { return 600.0; }));
  s->on_scheduled(at_s(0), 1);
  for (int m = 0; m < 150; ++m) {
    MetricDatapoint d = MetricDatapoint::over(at_s(m * 60), 60s);
    d.cpu_total_percent = m < 60 ? 660 : 500;
    s->on_datapoint(d, at_s(m * 60 + 60), 10);
  }
  auto st = s->forecast_stats();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->forecasts, 1);
  EXPECT_EQ(st->capacity_raises, 1);
  EXPECT_EQ(st->hours_compared, 2);
  EXPECT_NEAR(st->mean_absolute_percent_error, (60.0 / 660 + 100.0 / 500) / 2 * 100, 1e-9);
  EXPECT_FALSE(st->max_capacity_raised_to);
}

TEST(PredictiveScaling, ForecastOnlyWritesTheForecastAndNeverActs) {
  auto s = scaler(config(false), daily_history(1, [](int) { return 600.0; }));
  EXPECT_FALSE(s->on_scheduled(at_s(0), 1));
  auto v = s->forecast(at_s(100));
  EXPECT_EQ(*v->capacity, 10);
  EXPECT_DOUBLE_EQ(*v->load, 600);
  EXPECT_FALSE(v->scheduled);
  EXPECT_EQ(s->next_scheduled(at_s(0)), at_s(6 * kH));  // only the refreshes
}

// Target tracking (CPU 50 %) beside a predictive policy holding 10 tasks for every hour.
std::unique_ptr<AutoScaler> with_target_tracking(bool scale) {
  AutoScalingConfig a;
  a.min_capacity = 1;
  a.max_capacity = 100;
  a.policies.push_back(ScalingPolicyConfig{"tt", TargetTrackingConfig{50, MetricType::kCpuUtilization, 0s, 0s, false}});
  a.policies.push_back(ScalingPolicyConfig{"forecast", config(scale)});
  PolicyContext ctx;
  ctx.start_unix_seconds = kStart;
  ctx.history = daily_history(1, [](int) { return 600.0; });
  auto s = make_auto_scaler(a, ctx);
  s->on_scheduled(at_s(0), 10);
  return s;
}

std::optional<ScalingAction> feed(AutoScaler& s, double cpu, int minutes, int desired) {
  std::optional<ScalingAction> last;
  for (int m = 0; m < minutes; ++m) {
    MetricDatapoint d = MetricDatapoint::over(at_s(600 + m * 60), 60s);
    d.cpu_percent = cpu;
    if (auto a = s.on_datapoint(d, at_s(660 + m * 60), desired)) last = a;
  }
  return last;
}

TEST(PredictiveScaling, TargetTrackingScalesInNoLowerThanTheForecast) {
  // 14 tasks at 20 % CPU: target tracking alone asks ceil(14 x 20 / 50) = 6; predictive holds 10.
  auto s = with_target_tracking(true);
  auto a = feed(*s, 20, 15, 14);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 10);
  EXPECT_EQ(a->policy, "tt");
  // At 10 tasks there is nothing to remove.
  EXPECT_FALSE(feed(*with_target_tracking(true), 20, 15, 10));
  // In ForecastOnly the forecast holds nothing: 6.
  EXPECT_EQ(feed(*with_target_tracking(false), 20, 15, 14)->desired, 6);
}

TEST(PredictiveScaling, TargetTrackingScalesOutAboveTheForecast) {
  // 10 tasks at 90 %: ceil(10 x 90 / 50) = 18, above the forecast's 10: the larger wins.
  auto a = feed(*with_target_tracking(true), 90, 3, 10);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->desired, 18);
}

TEST(DemandHistory, HoursBeforeStartWithTheirCoverage) {
  // 120 rps from 02:30 to the start at 05:00 (1970-01-01): 02:00 half covered, 03:00 and 04:00 whole.
  auto h = demand_history(ConstantLoad{120}, 5 * kH, 2 * kH + 1800);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].hour_unix, 2 * kH);
  EXPECT_DOUBLE_EQ(h[0].covered_seconds, 1800);
  EXPECT_DOUBLE_EQ(h[0].mean_rps, 120);
  EXPECT_DOUBLE_EQ(h[2].covered_seconds, 3600);
  // A diurnal load keeps its phase relative to the start: mean 100, amplitude 0.5, a 4 h
  // period, held per hour: the hour before the start is t = -1 h: 100 (1 + 0.5 sin(-pi/2)) = 50.
  DiurnalLoad d;
  d.mean_requests_per_second = 100;
  d.amplitude = 0.5;
  d.period = 4h;
  d.resolution = 1h;
  auto dh = demand_history(d, 5 * kH, 4 * kH);
  ASSERT_EQ(dh.size(), 1u);
  EXPECT_NEAR(dh[0].mean_rps, 50, 1e-9);
}

// Through the simulator: a constant 600 requests/s, tasks of 100 requests/s at 100 % CPU, a day
// of history: load 100 x 600 / 100 = 600 %, at a 60 % target 10 tasks from t = 0.
std::string scenario(const std::string& policy, const std::string& history = "{days: 1}") {
  return testing::fargate_scenario("12h", R"(
services:
  - serviceName: web
    taskDefinition: web:1
    desiredCount: 2
    launchType: FARGATE
    loadBalancers: [{targetGroupArn: tg, containerName: web, containerPort: 80}]
    load: {constant: {requestsPerSecond: 600}, history: )" + history + R"(}
    autoScaling:
      MinCapacity: 1
      MaxCapacity: 20
      policies:
        - PolicyName: forecast
          PolicyType: PredictiveScaling
          PredictiveScalingPolicyConfiguration:
)" + policy + R"(
run: {sample: 1h, outputs: [summary, timeseries, events]}
)", ", capacity: {requestsPerSecond: 100}");
}

const std::string kCpuPair = R"(            Mode: ForecastAndScale
            MetricSpecifications:
              - TargetValue: 60
                PredefinedMetricPairSpecification: {PredefinedMetricType: ECSServiceCPUUtilization})";

TEST(PredictiveScalingRun, ScalesToTheForecastAtStartAndRefreshesEverySixHours) {
  auto r = testing::run_yaml(scenario(kCpuPair));
  const auto& s = r.sim->services()[0];
  EXPECT_EQ(s.desired, 10);
  EXPECT_EQ(r.times("PREDICTIVE_SCALING_FORECAST"), (std::vector<double>{0, 21600, 43200}));
  ASSERT_EQ(r.count("SERVICE_SCALING_ACTIVITY"), 1u);
  EXPECT_EQ(r.times("SERVICE_SCALING_ACTIVITY")[0], 0);
  // The run's own datapoints keep the forecast at 10: 10 tasks at 60 % sum to 600 %.
  // (The forecast made at the 12 h refresh from 12 h of them and the day before.)
  auto v = s.scaler->forecast(at_s(12 * kH));
  ASSERT_TRUE(v && v->capacity && v->scheduled);
  EXPECT_EQ(*v->capacity, 10);
  EXPECT_EQ(*v->scheduled, 10);
}

TEST(PredictiveScalingRun, RequestCountPairCountsRequestsPerMinute) {
  // 600 requests/s = 36,000 a minute; 3,000 per target -> 12 tasks.
  auto r = testing::run_yaml(scenario(R"(            Mode: ForecastAndScale
            MetricSpecifications:
              - TargetValue: 3000
                PredefinedLoadMetricSpecification: {PredefinedMetricType: TotalALBRequestCount}
                PredefinedScalingMetricSpecification: {PredefinedMetricType: ALBRequestCountPerTarget})"));
  EXPECT_EQ(r.sim->services()[0].desired, 12);
}

TEST(PredictiveScalingRun, WithoutHistoryTheFirstForecastWaitsForADayOfDatapoints) {
  // history: none, 12 h: the refreshes at 0, 6 h and 12 h find 0, 6 and 12 h of datapoints.
  auto r = testing::run_yaml(scenario(kCpuPair, "none"));
  EXPECT_EQ(r.sim->services()[0].desired, 2);
  EXPECT_EQ(r.count("SERVICE_SCALING_ACTIVITY"), 0u);
  EXPECT_EQ(r.count("PREDICTIVE_SCALING_FORECAST"), 3u);
}

}  // namespace
}  // namespace ecsim::scaling
