// Parameter sweeps on local threads.
// SPDX-License-Identifier: Apache-2.0
#include "ecsim/scenarios/sweep.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ecsim/core/event_log.hpp"
#include "ecsim/scenarios/outputs.hpp"

namespace ecsim::scenarios {

SweepGrid read_sweep_grid(const std::filesystem::path& file) {
  const std::string name = file.string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(name);
  } catch (const YAML::BadFile&) {
    throw ScenarioError({Diagnostic{name, 1, 1, "(file)", "cannot read the grid file (does it exist?)"}});
  } catch (const YAML::ParserException& e) {
    throw ScenarioError({Diagnostic{name, e.mark.line + 1, e.mark.column + 1, "(syntax)", e.msg}});
  }
  std::vector<Diagnostic> errors;
  auto err = [&](const YAML::Node& n, const std::string& path, const std::string& msg) {
    const auto m = n.IsDefined() ? n.Mark() : YAML::Mark::null_mark();
    errors.push_back(Diagnostic{name, m.is_null() ? 1 : m.line + 1, m.is_null() ? 1 : m.column + 1, path, msg});
  };
  SweepGrid g;
  if (!root.IsMap()) {
    err(root, "(top level)", "expected a mapping with `grid` and optional `replications`");
    throw ScenarioError(errors);
  }
  // Nodes are copied out of the iterators before use: yaml-cpp's iterator proxies are
  // temporaries, and iterating a member of one outlives it (ASan: stack-use-after-scope).
  for (auto it = root.begin(); it != root.end(); ++it) {
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    const std::string key = key_node.Scalar();
    if (key == "grid") {
      if (!value.IsMap()) {
        err(value, "grid", "expected a mapping of YAML paths to lists of values");
        continue;
      }
      for (auto a = value.begin(); a != value.end(); ++a) {
        const YAML::Node path_node = a->first;
        const YAML::Node list = a->second;
        const std::string path = path_node.Scalar();
        if (!list.IsSequence() || list.size() == 0) {
          err(list, "grid." + path, "expected a non-empty list of values");
          continue;
        }
        std::vector<std::string> values;
        for (const auto& v : list) {
          YAML::Emitter e;
          e << YAML::Flow << v;
          values.emplace_back(e.c_str());
        }
        g.axes.emplace_back(path, values);
      }
    } else if (key == "replications") {
      try {
        g.replications = value.as<int>();
        if (g.replications < 1) err(value, "replications", "must be at least 1");
      } catch (const YAML::Exception&) {
        err(value, "replications", "expected an integer");
      }
    } else {
      err(key_node, key, "unknown key '" + key + "'; expected one of: grid, replications");
    }
  }
  if (!errors.empty()) throw ScenarioError(errors);
  return g;
}

namespace {

// One run: a prepared scenario (parsed once for every job that shares it) and the overrides
// of its point.
struct Job {
  const PreparedScenario* scenario;
  std::vector<std::string> overrides;
};

// Runs every (source, replication) job on `jobs` threads; row i gets job i's results.
void run_jobs(const std::vector<Job>& sources, std::vector<SweepRow>& rows, unsigned jobs,
              const std::function<void(std::size_t, std::size_t)>& progress, const std::atomic<bool>* interrupt) {
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex progress_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < rows.size(); i = next++) {
      SweepRow& row = rows[i];
      if (interrupt && interrupt->load(std::memory_order_relaxed)) {
        row.error = "interrupted: not run";
        continue;
      }
      try {
        auto cfg = sources[i].scenario->load(sources[i].overrides);
        auto sim = build(cfg, static_cast<std::uint64_t>(row.replication));
        sim->set_interrupt_flag(interrupt);
        const double wall = run_timed(*sim);
        if (sim->interrupted())
          row.error = sim->stop_reason().empty() ? "interrupted at simulated time " + format_seconds(sim->now()) + "s"
                                                 : "stopped at simulated time " + format_seconds(sim->now()) + "s: " + sim->stop_reason();
        else row.metrics = summary_metrics(*sim, wall);
      } catch (const ScenarioError& e) {
        row.error = e.errors().empty() ? e.what() : e.errors().front().str();
      } catch (const std::exception& e) {
        row.error = e.what();
      }
      const std::size_t d = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(d, rows.size());
      }
    }
  };
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<std::size_t>(1, rows.size())));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
}

}  // namespace

std::vector<SweepRow> run_sweep(const ScenarioSource& base, const SweepGrid& grid, unsigned jobs,
                                const std::function<void(std::size_t, std::size_t)>& progress,
                                const std::atomic<bool>* interrupt) {
  const PreparedScenario prepared(base);
  return run_sweep(prepared, grid, jobs, progress, interrupt);
}

std::vector<SweepRow> run_sweep(const PreparedScenario& prepared, const SweepGrid& grid, unsigned jobs,
                                const std::function<void(std::size_t, std::size_t)>& progress,
                                const std::atomic<bool>* interrupt) {
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& [path, values] : grid.axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& p : points)
      for (const auto& v : values) {
        auto q = p;
        q.push_back(v);
        next.push_back(std::move(q));
      }
    points = std::move(next);
  }
  std::vector<SweepRow> rows;
  std::vector<Job> sources;
  for (const auto& p : points)
    for (int r = 0; r < grid.replications; ++r) {
      rows.push_back(SweepRow{p, r, "", {}});
      Job job{&prepared, {}};
      for (std::size_t k = 0; k < grid.axes.size(); ++k) job.overrides.push_back(grid.axes[k].first + "=" + p[k]);
      sources.push_back(std::move(job));
    }
  run_jobs(sources, rows, jobs, progress, interrupt);
  return rows;
}

std::vector<SweepRow> run_compare(const std::vector<ScenarioSource>& options, int replications, unsigned jobs,
                                  const std::function<void(std::size_t, std::size_t)>& progress,
                                  const std::atomic<bool>* interrupt) {
  std::vector<SweepRow> rows;
  std::vector<Job> sources;
  std::vector<std::unique_ptr<PreparedScenario>> prepared;
  for (const auto& o : options) {
    prepared.push_back(std::make_unique<PreparedScenario>(o));
    for (int r = 0; r < std::max(1, replications); ++r) {
      rows.push_back(SweepRow{{o.file_name}, r, "", {}});
      sources.push_back(Job{prepared.back().get(), {}});
    }
  }
  run_jobs(sources, rows, jobs, progress, interrupt);
  return rows;
}

std::vector<CompareLine> compare_table(const std::vector<SweepRow>& rows) {
  std::vector<CompareLine> out;
  auto number = [](const SummaryMetrics& m, const std::string& key) {
    const std::string* v = m.find(key);
    return v ? std::stod(*v) : 0.0;
  };
  auto sum_matching = [](const SummaryMetrics& m, const std::string& prefix, const std::string& suffix) {
    double total = 0;
    for (const auto& [k, v] : m)
      if (k.size() > prefix.size() + suffix.size() && k.compare(0, prefix.size(), prefix) == 0 &&
          k.compare(k.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          k.find('.', prefix.size()) == k.size() - suffix.size())
        total += std::stod(v);
    return total;
  };
  for (const auto& r : rows) {
    auto it = std::find_if(out.begin(), out.end(), [&](const CompareLine& l) { return l.file == r.point.front(); });
    if (it == out.end()) {
      it = out.insert(out.end(), CompareLine{});
      it->file = r.point.front();
    }
    CompareLine& l = *it;
    if (!r.error.empty()) {
      l.error = r.error;
      continue;
    }
    if (const std::string* name = r.metrics.find("scenario")) l.name = *name;
    ++l.replications;
    l.cost_usd += number(r.metrics, "cost.totalUsd");
    l.unserved_requests += sum_matching(r.metrics, "services.", ".unservedRequests");
    l.overloaded_seconds += sum_matching(r.metrics, "services.", ".overloadedSeconds");
    l.task_interruptions += sum_matching(r.metrics, "services.", ".spotInterruptions") + number(r.metrics, "runTasks.interrupted");
    l.instances_launched += sum_matching(r.metrics, "capacityProviders.", ".instancesLaunched");
    l.mean_running_tasks += sum_matching(r.metrics, "services.", ".runningCount.mean");
  }
  for (auto& l : out) {
    if (l.replications == 0) continue;
    const double n = l.replications;
    l.cost_usd /= n;
    l.unserved_requests /= n;
    l.overloaded_seconds /= n;
    l.task_interruptions /= n;
    l.instances_launched /= n;
    l.mean_running_tasks /= n;
  }
  return out;
}

namespace {

// Whether two rows' metrics have the same paths in the same order (the rule among the points
// of one scenario: the summary writes its leaves in a fixed order).
bool same_paths(const SummaryMetrics& a, const SummaryMetrics& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) { return x.first == y.first; });
}

}  // namespace

std::string sweep_csv(const SweepGrid& grid, const std::vector<SweepRow>& rows) {
  // The columns are the sorted union of the rows' metric paths. Rows come in runs with the
  // same paths in the same order: each run's paths are compared once, collected once and
  // mapped to columns once (no lookup per cell, no string per cell).
  std::vector<const SweepRow*> shapes;  // the first row of each run of equal paths
  std::vector<std::size_t> shape_of(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (shapes.empty() || !same_paths(shapes.back()->metrics, rows[i].metrics)) shapes.push_back(&rows[i]);
    shape_of[i] = shapes.size() - 1;
  }
  std::vector<std::string_view> names;
  for (const SweepRow* r : shapes)
    for (const auto& [path, value] : r->metrics) names.push_back(path);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<std::vector<std::size_t>> columns(shapes.size());  // shape's entry k -> its column
  for (std::size_t s = 0; s < shapes.size(); ++s)
    for (const auto& [path, value] : shapes[s]->metrics)
      columns[s].push_back(static_cast<std::size_t>(std::lower_bound(names.begin(), names.end(), path) - names.begin()));
  std::string out;
  for (const auto& [path, values] : grid.axes) {
    append_csv_field(out, path);
    out += ',';
  }
  out += "replication,error";
  for (const auto& n : names) {
    out += ',';
    append_csv_field(out, n);
  }
  out += '\n';
  std::vector<const std::string*> cells(names.size());  // this row's value per column
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    for (const auto& v : r.point) {
      append_csv_field(out, v);
      out += ',';
    }
    out += std::to_string(r.replication);
    out += ',';
    append_csv_field(out, r.error);
    std::fill(cells.begin(), cells.end(), nullptr);
    const auto& column = columns[shape_of[i]];
    std::size_t k = 0;
    for (const auto& [path, value] : r.metrics) cells[column[k++]] = &value;  // of equal paths, the last
    for (const std::string* c : cells) {
      out += ',';
      if (c) append_csv_field(out, *c);
    }
    out += '\n';
  }
  return out;
}

}  // namespace ecsim::scenarios
