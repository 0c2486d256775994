// The ecsim command-line program: run and validate scenarios.
// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/aws_fields.hpp"
#include "ecsim/scenarios/scenario.hpp"
#include "ecsim/scenarios/sweep.hpp"
#include <fstream>

namespace {

// SIGINT / SIGTERM: the run stops at the current simulated time and keeps what it simulated.
std::atomic<bool> g_interrupt{false};
void on_interrupt(int) { g_interrupt.store(true, std::memory_order_relaxed); }
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

void catch_interrupts() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}


constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitInvalid = 2;

// A progress bar on stderr: only on a terminal, only after the run has taken a second.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled, std::string label)
      : enabled_(enabled && ::isatty(STDERR_FILENO)), label_(std::move(label)), start_(std::chrono::steady_clock::now()) {}
  void update(double fraction) {
    if (!enabled_) return;
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (elapsed < 1.0) return;
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    std::fprintf(stderr, "\r%s [%s%s] %3.0f%%  %.0fs elapsed, ~%.0fs left ", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), fraction * 100, elapsed, eta);
    std::fflush(stderr);
    drawn_ = true;
  }
  ~ProgressBar() {
    if (drawn_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

void print_errors(const ecsim::scenarios::ScenarioError& e) {
  for (const auto& d : e.errors()) std::cerr << d.str() << '\n';
  std::cerr << fmt::format("ecsim: the scenario is invalid ({} problem{})\n", e.errors().size(), e.errors().size() == 1 ? "" : "s");
}

void print_human_summary(const std::string& summary_text, const std::filesystem::path& dir) {
  const auto j = nlohmann::json::parse(summary_text);
  std::cout << fmt::format("{}: {} simulated seconds, {} events in {:.3f}s wall\n", j["scenario"].get<std::string>(),
                           j["simulatedSeconds"].get<double>(), j["events"].get<std::uint64_t>(), j["wallSeconds"].get<double>());
  std::cout << fmt::format("  cost: {:.4f} USD", j["cost"]["totalUsd"].get<double>());
  for (auto& [k, v] : j["cost"]["byCapacityProvider"].items()) std::cout << fmt::format("  {} {:.4f}", k, v.get<double>());
  std::cout << '\n';
  if (j["cost"].contains("savingsPlans")) {
    const auto& c = j["cost"];
    std::cout << fmt::format("  savings plans: list price {:.4f} USD, paid {:.4f}; coverage {:.1f} %", c["listPriceUsd"].get<double>(),
                             c["totalUsd"].get<double>(), c["savingsPlanCoveragePercent"].get<double>());
    for (const auto& p : c["savingsPlans"])
      std::cout << fmt::format("; {} {} USD/h: utilization {:.1f} %, savings {:.4f} USD", p["planType"].get<std::string>(),
                               p["commitmentUsdPerHour"].get<double>(), p["utilizationPercent"].get<double>(), p["savingsUsd"].get<double>());
    std::cout << '\n';
  }
  for (auto& [name, s] : j["services"].items()) {
    std::cout << fmt::format("  service {}: desired {}-{} (mean {:.1f}), running mean {:.1f}, {} started, {} stopped, cost {:.4f} USD\n",
                             name, s["desiredCount"]["min"].get<int>(), s["desiredCount"]["max"].get<int>(),
                             s["desiredCount"]["mean"].get<double>(), s["runningCount"]["mean"].get<double>(),
                             s["tasksStarted"].get<std::int64_t>(), s["tasksStopped"].get<std::int64_t>(), s["costUsd"].get<double>());
    if (s.contains("predictiveScaling")) {
      const auto& p = s["predictiveScaling"];
      std::cout << fmt::format("    predictive scaling: {} forecasts, {} scale-outs, load forecast error {:.1f} % over {} hours\n",
                               p["forecasts"].get<int>(), p["scaleOuts"].get<int>(), p["loadForecastMeanAbsolutePercentError"].get<double>(),
                               p["hoursCompared"].get<int>());
    }
    for (const auto& d : s["deployments"]) {
      const bool done = !d["completedAt"].is_null();
      std::cout << fmt::format("    {} {} {} at {:.0f}s: {}{}{}; peak {} tasks, {:.3f} extra task-hours ({:.4f} USD); "
                               "new revision served {:.0f} requests, {:.0f} failed\n",
                               d["rollback"].get<bool>() ? "rollback to" : "deployment", d["taskDefinition"].get<std::string>(),
                               d["strategy"].get<std::string>(), d["startedAt"].get<double>(),
                               d["rolledBack"].get<bool>() ? "rolled back" : d["rolloutState"].get<std::string>(),
                               d["failure"].is_null() ? std::string() : " (" + d["failure"].get<std::string>() + ")",
                               done ? fmt::format(" after {:.1f} min", (d["completedAt"].get<double>() - d["startedAt"].get<double>()) / 60.0)
                                    : std::string(),
                               d["peakTasks"].get<int>(), d["extraTaskHours"].get<double>(), d["extraTaskCostUsd"].get<double>(),
                               d["newRevisionRequests"].get<double>(), d["newRevisionFailedRequests"].get<double>());
    }
    if (s.value("rebalancedTasks", 0) > 0)
      std::cout << fmt::format("    availability zone rebalancing moved {} tasks\n", s["rebalancedTasks"].get<std::int64_t>());
  }
  const auto& rt = j["runTasks"];
  if (rt["submitted"].get<std::int64_t>() > 0) {
    std::cout << fmt::format("  runTasks: {} submitted, {} completed, wait p50 {:.1f}s p95 {:.1f}s\n", rt["submitted"].get<std::int64_t>(),
                             rt["completed"].get<std::int64_t>(), rt["waitSeconds"]["p50"].get<double>(),
                             rt["waitSeconds"]["p95"].get<double>());
  }
  std::cout << "  outputs: " << dir.string() << '\n';
  std::cout << "  report:  python -m ecsim report " << dir.string()
            << "   (one HTML file with the charts; needs the ecsim Python package and plotly, README: A report to look at)\n";
}

// `ecsim compare A.yaml B.yaml ...`: every option is validated first (all problems of all
// files reported, exit 2), then all run on the thread pool.
int run_compare_command(const std::vector<std::string>& files, const std::vector<std::string>& sets, int replications,
                        unsigned jobs, const std::string& out_dir, bool quiet) {
  namespace sc = ecsim::scenarios;
  std::vector<sc::ScenarioSource> options;
  std::vector<sc::Diagnostic> problems;
  for (const auto& f : files) {
    try {
      auto src = sc::read_scenario_file(f);
      src.overrides = sets;
      (void)sc::load(src);
      options.push_back(std::move(src));
    } catch (const sc::ScenarioError& e) {
      problems.insert(problems.end(), e.errors().begin(), e.errors().end());
    }
  }
  if (!problems.empty()) {
    print_errors(sc::ScenarioError(problems));
    return kExitInvalid;
  }
  try {
    ProgressBar bar(!quiet, "compare");
    catch_interrupts();
    const auto rows = sc::run_compare(options, replications, jobs, [&](std::size_t d, std::size_t n) {
      bar.update(static_cast<double>(d) / static_cast<double>(n));
    }, &g_interrupt);
    const std::filesystem::path dir = out_dir.empty() ? std::filesystem::path("ecsim-out") / "compare" : std::filesystem::path(out_dir);
    std::filesystem::create_directories(dir);
    sc::SweepGrid axis;
    axis.axes.emplace_back("file", std::vector<std::string>{});
    std::ofstream(dir / "compare.csv", std::ios::binary) << sc::sweep_csv(axis, rows);
    const auto table = sc::compare_table(rows);
    bool failed = false;
    if (!quiet) {
      std::cout << fmt::format("{:<34} {:>12} {:>16} {:>14} {:>14} {:>10} {:>13}\n", "option", "cost USD", "unserved req",
                               "overloaded s", "interruptions", "instances", "mean running");
      for (const auto& l : table) {
        const std::string name = l.name.empty() ? l.file : l.name;
        if (!l.error.empty()) {
          std::cout << fmt::format("{:<34} failed: {}\n", name, l.error);
          continue;
        }
        std::cout << fmt::format("{:<34} {:>12.2f} {:>16.0f} {:>14.0f} {:>14.1f} {:>10.1f} {:>13.1f}\n", name, l.cost_usd,
                                 l.unserved_requests, l.overloaded_seconds, l.task_interruptions, l.instances_launched,
                                 l.mean_running_tasks);
      }
      std::cout << fmt::format("(means over {} replication{}; every summary metric per run: {})\n", replications,
                               replications == 1 ? "" : "s", (dir / "compare.csv").string());
      std::cout << "(charts of one option: ecsim run OPTION.yaml --out DIR, then python -m ecsim report DIR)\n";
    }
    if (g_interrupt) {
      std::cerr << fmt::format("\necsim: interrupted; {} keeps the finished runs, the others are marked interrupted\n",
                               (dir / "compare.csv").string());
      return kExitInterrupted;
    }
    for (const auto& l : table) failed = failed || !l.error.empty();
    return failed ? kExitFailure : kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "ecsim: error: " << e.what() << '\n';
    return kExitFailure;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ecsim: a discrete-event simulator of Amazon ECS scheduling and autoscaling"};
  app.require_subcommand(1);
  std::string scenario_path, out_dir;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  bool quiet = false;

  auto* run = app.add_subcommand("run", "Run a scenario and write its outputs");
  run->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  run->add_option("--out", out_dir, "Output folder (default ./ecsim-out/<name>/)");
  run->add_option("--seed", seed, "Root seed (overrides the scenario's seed)");
  run->add_option("--set", sets, "Override one field: PATH=VALUE, e.g. services[web].desiredCount=8")->take_all();
  run->add_flag("--quiet,-q", quiet, "No progress bar and no summary on stdout");

  auto* validate = app.add_subcommand("validate", "Check a scenario and report every problem");
  validate->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  validate->add_option("--set", sets, "Override one field: PATH=VALUE")->take_all();

  std::string grid_path;
  unsigned jobs = 0;
  auto* sweep = app.add_subcommand("sweep", "Run a grid of overrides x replications on all cores; writes sweep.csv");
  sweep->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  sweep->add_option("--grid", grid_path, "GRID.yaml: `grid: {PATH: [values]}` and optional `replications: N`")->required();
  sweep->add_option("--jobs,-j", jobs, "Threads (default: all cores)");
  sweep->add_option("--out", out_dir, "Output folder (default ./ecsim-out/<name>-sweep/)");
  sweep->add_option("--set", sets, "Override one field for every point: PATH=VALUE")->take_all();
  sweep->add_flag("--quiet,-q", quiet, "No progress bar and no summary on stdout");

  std::vector<std::string> compare_files;
  int compare_replications = 1;
  auto* compare = app.add_subcommand("compare", "Run several scenarios (options) and print a table of cost and risk; writes compare.csv");
  compare->add_option("scenarios", compare_files, "Scenario YAML files, one per option")->required()->expected(1, -1);
  compare->add_option("--replications,-r", compare_replications, "Replications per option (derived seeds); the table shows means")
      ->check(CLI::Range(1, 100000));
  compare->add_option("--jobs,-j", jobs, "Threads (default: all cores)");
  compare->add_option("--out", out_dir, "Output folder (default ./ecsim-out/compare/)");
  compare->add_option("--set", sets, "Override one field in every option: PATH=VALUE")->take_all();
  compare->add_flag("--quiet,-q", quiet, "No progress bar and no table on stdout");

  std::string fields_format = "markdown";
  auto* fields = app.add_subcommand("fields", "Print how ecsim treats every field of the AWS shapes a scenario holds "
                                              "(modelled, refused, inert, ecsim)");
  fields->add_option("--format", fields_format, "markdown or json")->check(CLI::IsMember({"markdown", "json"}));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitInvalid;
  }

  namespace sc = ecsim::scenarios;
  if (fields->parsed()) {
    std::cout << (fields_format == "json" ? sc::aws_fields_json() : sc::aws_fields_markdown());
    return kExitOk;
  }
  if (compare->parsed()) return run_compare_command(compare_files, sets, compare_replications, jobs, out_dir, quiet);
  try {
    sc::ScenarioSource src = sc::read_scenario_file(scenario_path);
    src.overrides = sets;
    // A sweep parses the text once: its check here and every point load from the same tree.
    std::optional<sc::PreparedScenario> prepared;
    if (sweep->parsed()) prepared.emplace(src);
    ecsim::ScenarioConfig cfg = prepared ? prepared->load() : sc::load(src);
    for (const auto& n : cfg.notices)
      if (!quiet) std::cerr << "notice: " << n << '\n';
    if (validate->parsed()) {
      std::cout << fmt::format("{}: valid ({} task definitions, {} services, {} runTasks groups, {} timeline entries)\n",
                               scenario_path, cfg.task_definitions.size(), cfg.services.size(), cfg.run_tasks.size(),
                               cfg.timeline.size());
      return kExitOk;
    }
    if (sweep->parsed()) {
      const auto grid = sc::read_sweep_grid(grid_path);
      ProgressBar bar(!quiet, cfg.name + " sweep");
      catch_interrupts();
      const auto rows = sc::run_sweep(*prepared, grid, jobs, [&](std::size_t d, std::size_t n) {
        bar.update(static_cast<double>(d) / static_cast<double>(n));
      }, &g_interrupt);
      const std::filesystem::path dir = out_dir.empty() ? std::filesystem::path("ecsim-out") / (cfg.name + "-sweep") : std::filesystem::path(out_dir);
      std::filesystem::create_directories(dir);
      std::ofstream(dir / "sweep.csv", std::ios::binary) << sc::sweep_csv(grid, rows);
      std::size_t failed = 0;
      for (const auto& r : rows) failed += r.error.empty() ? 0 : 1;
      if (!quiet) std::cout << fmt::format("{}: {} runs ({} failed) -> {}\n", cfg.name, rows.size(), failed, (dir / "sweep.csv").string());
      if (g_interrupt) {
        std::cerr << fmt::format("\necsim: interrupted; {} keeps the finished points, the others are marked interrupted\n",
                                 (dir / "sweep.csv").string());
        return kExitInterrupted;
      }
      return kExitOk;
    }
    if (seed) cfg.seed = *seed;
    const std::filesystem::path base = out_dir.empty() ? std::filesystem::path("ecsim-out") / cfg.name : std::filesystem::path(out_dir);
    catch_interrupts();
    for (int rep = 0; rep < cfg.run.replications; ++rep) {
      auto sim = sc::build(cfg, static_cast<std::uint64_t>(rep));
      sim->set_interrupt_flag(&g_interrupt);
      const auto dir = cfg.run.replications == 1 ? base : base / fmt::format("replication-{}", rep);
      ProgressBar bar(!quiet, cfg.run.replications == 1 ? cfg.name : fmt::format("{} #{}", cfg.name, rep));
      const std::string summary = sc::run_to_directory(*sim, dir, [&](double f) { bar.update(f); });
      if (sim->interrupted()) {
        const bool limit = !sim->stop_reason().empty();
        std::cerr << fmt::format("\necsim: {} at simulated time {}s of {}s; the outputs in {} are complete up to then{}\n",
                                 limit ? "stopped" : "interrupted", ecsim::format_seconds(sim->now()),
                                 ecsim::format_seconds(sim->horizon()), dir.string(), limit ? ": " + sim->stop_reason() : "");
        return limit ? kExitFailure : kExitInterrupted;
      }
      if (!quiet) print_human_summary(summary, dir);
    }
    return kExitOk;
  } catch (const sc::ScenarioError& e) {
    print_errors(e);
    return kExitInvalid;
  } catch (const std::exception& e) {
    std::cerr << "ecsim: error: " << e.what() << '\n';
    return kExitFailure;
  }
}
