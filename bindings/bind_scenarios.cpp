// Bindings of ecsim::scenarios: load/validate scenarios, run them, build simulators.
// SPDX-License-Identifier: Apache-2.0
#include <pybind11/gil_safe_call_once.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <stdexcept>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include "bindings.hpp"
#include "ecsim/scenarios/outputs.hpp"
#include "ecsim/scenarios/aws_fields.hpp"
#include "ecsim/scenarios/scenario.hpp"

namespace ecsim::bindings {

namespace {

ScenarioConfig configure(const scenarios::ScenarioSource& src, std::optional<std::uint64_t> seed) {
  ScenarioConfig cfg = scenarios::load(src);
  if (seed) cfg.seed = *seed;
  return cfg;
}

// The paths of a summary's leaves as a tuple, the same tuple object for every summary with the
// same paths (the points of a sweep, nearly always): no str per leaf per point, and the
// caller's grouping of rows by their paths tuple compares one object with itself. Called
// with the GIL held, which guards the cache.
py::tuple summary_keys(const std::vector<std::pair<std::string, scenarios::SummaryValue>>& leaves) {
  static std::vector<std::string>* paths = new std::vector<std::string>;  // never destroyed: outlives the interpreter
  static py::tuple* keys = nullptr;
  const bool same = keys && paths->size() == leaves.size() &&
                    std::equal(leaves.begin(), leaves.end(), paths->begin(), [](const auto& l, const auto& p) { return l.first == p; });
  if (!same) {
    py::tuple fresh(leaves.size());
    paths->clear();
    for (std::size_t i = 0; i < leaves.size(); ++i) {
      fresh[i] = py::str(leaves[i].first);
      paths->push_back(leaves[i].first);
    }
    if (!keys) keys = new py::tuple;  // leaked on purpose: a py::object must not be released after the interpreter ends
    *keys = std::move(fresh);
  }
  return *keys;
}

// Column tables to Python without a Python object per row (except free-text columns):
// ("f", float64 array) | ("i", (int64 array, bool mask)) | ("c", (int32 codes, categories))
// | ("s", list of str).
template <class T>
py::array_t<T> to_array(const std::vector<T>& v) {
  return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
}
py::tuple column(const std::vector<double>& v) { return py::make_tuple("f", to_array(v)); }
py::tuple column(const scenarios::IntColumn& c) {
  py::array_t<bool> mask(static_cast<py::ssize_t>(c.missing.size()));
  auto m = mask.mutable_unchecked<1>();
  for (std::size_t i = 0; i < c.missing.size(); ++i) m(static_cast<py::ssize_t>(i)) = c.missing[i] != 0;
  return py::make_tuple("i", py::make_tuple(to_array(c.values), mask));
}
py::tuple column(const scenarios::TextColumn& c) { return py::make_tuple("c", py::make_tuple(to_array(c.codes), py::cast(c.categories))); }
py::tuple column(const std::vector<std::string>& v) { return py::make_tuple("s", py::cast(v)); }

py::dict table(const scenarios::EventTable& e) {
  py::dict d;
  d["t"] = column(e.t);
  d["kind"] = column(e.kind);
  d["service"] = column(e.service);
  d["task"] = column(e.task);
  d["instance"] = column(e.instance);
  d["detail"] = column(e.detail);
  return d;
}
py::dict table(const scenarios::TimeseriesTable& ts) {
  py::dict d;
  d["t"] = column(ts.t);
  d["service"] = column(ts.service);
  d["desired"] = column(ts.desired);
  d["pending"] = column(ts.pending);
  d["running"] = column(ts.running);
  d["healthy"] = column(ts.healthy);
  d["cpu"] = column(ts.cpu);
  d["requestsPerSecond"] = column(ts.requests_per_second);
  d["costUsd"] = column(ts.cost_usd);
  d["capacityProvider"] = column(ts.capacity_provider);
  d["servedRequestsPerSecond"] = column(ts.served_requests_per_second);
  d["forecastLoad"] = column(ts.forecast_load);
  d["forecastCapacity"] = column(ts.forecast_capacity);
  d["scheduledCapacity"] = column(ts.scheduled_capacity);
  return d;
}
py::dict table(const scenarios::TasksTable& tk) {
  py::dict d;
  d["task"] = column(tk.task);
  d["service"] = column(tk.service);
  d["taskDefinition"] = column(tk.task_definition);
  d["capacityProvider"] = column(tk.capacity_provider);
  d["availabilityZone"] = column(tk.availability_zone);
  d["attempt"] = column(tk.attempt);
  d["createdAt"] = column(tk.created_at);
  d["pullStartedAt"] = column(tk.pull_started_at);
  d["runningAt"] = column(tk.running_at);
  d["healthyAt"] = column(tk.healthy_at);
  d["stoppedAt"] = column(tk.stopped_at);
  d["lastStatus"] = column(tk.last_status);
  d["stoppedReason"] = column(tk.stopped_reason);
  d["costUsd"] = column(tk.cost_usd);
  d["containerInstance"] = column(tk.container_instance);
  return d;
}

}  // namespace

// Runs `body` (a whole simulation) without the GIL so that it can be stopped:
// - On Python's main thread, on a worker thread while this thread checks Python's signals
//   every 100 ms: on KeyboardInterrupt (a notebook's stop button, a SIGINT) the simulation is
//   told to stop, the worker is joined, and the exception is raised. No thread outlives the call.
// - On any other thread (ecsim.sweep's thread pool), inline: Python delivers signals to the
//   main thread only, so there is nothing to check there. A sweep interrupted on the main
//   thread calls cancel_runs(), which sets the stop flag of every run in progress.
// Python scaling policies take the GIL from the simulating thread as usual.
std::mutex g_runs_mutex;
std::uint64_t g_cancel_generation = 0;                   // guarded by g_runs_mutex
std::unordered_set<std::atomic<bool>*> g_running_flags;  // guarded by g_runs_mutex; membership only
unsigned long g_main_thread = 0;                         // Python's main thread, set at import

// A run's stop flag, registered for cancel_runs() while it lives.
class RunningFlag {
 public:
  RunningFlag() {
    std::lock_guard lock(g_runs_mutex);
    generation_ = g_cancel_generation;
    g_running_flags.insert(&stop);
  }
  ~RunningFlag() {
    std::lock_guard lock(g_runs_mutex);
    g_running_flags.erase(&stop);
  }
  RunningFlag(const RunningFlag&) = delete;
  RunningFlag& operator=(const RunningFlag&) = delete;
  bool cancelled() const {
    std::lock_guard lock(g_runs_mutex);
    return g_cancel_generation != generation_;
  }
  std::atomic<bool> stop{false};

 private:
  std::uint64_t generation_ = 0;
};

void cancel_runs() {
  std::lock_guard lock(g_runs_mutex);
  ++g_cancel_generation;
  for (auto* flag : g_running_flags) *flag = true;
}

template <class Body>
auto run_interruptibly(Simulator& sim, Body&& body) -> decltype(body()) {
  using Result = decltype(body());
  RunningFlag flag;
  sim.set_interrupt_flag(&flag.stop);
  struct Unset {
    Simulator& sim;
    ~Unset() { sim.set_interrupt_flag(nullptr); }
  } unset{sim};
  if (PyThread_get_thread_ident() != g_main_thread) {
    std::optional<Result> result;
    {
      py::gil_scoped_release release;
      result.emplace(body());
    }
    if (flag.cancelled()) throw std::runtime_error("cancelled: the sweep this run belongs to was interrupted");
    return std::move(*result);
  }
  std::packaged_task<Result()> task(std::forward<Body>(body));
  auto result = task.get_future();
  std::thread worker(std::move(task));
  for (;;) {
    bool ready;
    {
      py::gil_scoped_release release;
      ready = result.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready;
    }
    if (ready || flag.cancelled()) break;  // cancel_runs() has set flag.stop
    if (PyErr_CheckSignals() != 0) {
      flag.stop = true;
      {
        py::gil_scoped_release release;
        worker.join();
      }
      throw py::error_already_set();
    }
  }
  {
    py::gil_scoped_release release;
    worker.join();
  }
  if (flag.cancelled()) throw std::runtime_error("cancelled: the sweep this run belongs to was interrupted");
  return result.get();  // rethrows what the simulation threw
}

// Builds and runs one configured scenario (the GIL released while C++ alone works) and returns
// the summary and the outputs asked for.
py::dict run_config(const ScenarioConfig& cfg, std::uint64_t replication, bool events, bool timeseries, bool tasks,
                    const py::dict& policies, bool csv, const py::dict& forecasters = py::dict()) {
  scenarios::ExtraPolicies extra;
  for (auto [service, list] : policies)
    for (auto p : list) extra[py::str(service)].push_back(std::make_unique<PythonPolicy>(py::reinterpret_borrow<py::object>(p)));
  scenarios::ExtraForecasters extra_forecasters;
  for (auto [service, f] : forecasters)
    extra_forecasters[py::str(service)] = std::make_shared<PythonForecaster>(py::reinterpret_borrow<py::object>(f));
  const bool python_policies = !extra.empty() || !extra_forecasters.empty();
  std::unique_ptr<Simulator> sim;
  try {
    if (python_policies) {
      sim = scenarios::build(cfg, replication, std::move(extra), std::move(extra_forecasters));
    } else {
      py::gil_scoped_release release;
      sim = scenarios::build(cfg, replication, std::move(extra), std::move(extra_forecasters));
    }
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  auto release_sim = [&] {  // Python policies are released with the GIL held
    if (python_policies) {
      sim.reset();
    } else {
      py::gil_scoped_release release;
      sim.reset();
    }
  };
  py::dict d;
  if (csv) {
    auto out = run_interruptibly(*sim, [&] { return scenarios::run_in_memory(*sim, events, timeseries, tasks); });
    release_sim();
    d["summary"] = py::str(out.summary_json);
    d["events"] = py::str(out.events_csv);
    d["timeseries"] = py::str(out.timeseries_csv);
    d["tasks"] = py::str(out.tasks_csv);
    d["billing"] = py::str(out.billing_csv);
    return d;
  }
  auto out = run_interruptibly(*sim, [&] { return scenarios::run_to_tables(*sim, events, timeseries, tasks); });
  release_sim();
  d["summary"] = py::str(out.summary_json);
  d["events"] = out.events ? py::object(table(*out.events)) : py::object(py::none());
  d["timeseries"] = out.timeseries ? py::object(table(*out.timeseries)) : py::object(py::none());
  d["tasks"] = out.tasks ? py::object(table(*out.tasks)) : py::object(py::none());
  d["billing"] = py::str(out.billing_csv);
  return d;
}

void bind_scenarios(py::module_& m) {
  g_main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object> error_type;
  error_type.call_once_and_store_result([&]() {
    return py::object(py::reinterpret_borrow<py::object>(
        PyErr_NewExceptionWithDoc("ecsim.ScenarioError", "The scenario is invalid; `.errors` lists every problem.",
                                  PyExc_ValueError, nullptr)));
  });
  m.attr("ScenarioError") = error_type.get_stored();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const scenarios::ScenarioError& e) {
      py::list errors;
      for (const auto& d : e.errors()) errors.append(d.str());
      py::object type = error_type.get_stored();
      py::object instance = type(py::str(e.what()));
      instance.attr("errors") = errors;
      PyErr_SetObject(type.ptr(), instance.ptr());
    }
  });

  py::class_<scenarios::ScenarioSource>(m, "ScenarioSource", "A scenario's YAML text, origin and --set overrides.")
      .def(py::init<>())
      .def_readwrite("text", &scenarios::ScenarioSource::text, "The YAML text.")
      .def_readwrite("file_name", &scenarios::ScenarioSource::file_name, "Name used in error messages.")
      .def_readwrite("base_dir", &scenarios::ScenarioSource::base_dir, "Folder that relative `file:` paths resolve against.")
      .def_readwrite("overrides", &scenarios::ScenarioSource::overrides, "PATH=VALUE overrides, applied in order.");

  m.def("aws_fields_json", &scenarios::aws_fields_json, "The AWS field classification table as JSON (as `ecsim fields --format json`).");
  m.def("read_scenario_file", &scenarios::read_scenario_file, py::arg("path"), "Read a scenario file into a ScenarioSource.");
  m.def(
      "validate", [](const scenarios::ScenarioSource& src) { return scenarios::load(src).notices; }, py::arg("source"),
      "Validate; returns the notices, raises ScenarioError listing every problem.");
  m.def(
      "scenario_name", [](const scenarios::ScenarioSource& src) { return scenarios::load(src).name; }, py::arg("source"),
      "The scenario's name.");
  py::class_<scenarios::PreparedScenario>(m, "PreparedScenario",
                                          "A scenario parsed once, loaded many times with different overrides (sweeps).")
      .def(py::init([](const scenarios::ScenarioSource& src) {
             py::gil_scoped_release release;
             return std::make_unique<scenarios::PreparedScenario>(src);
           }),
           py::arg("source"))
      .def_property_readonly("source", &scenarios::PreparedScenario::source);
  m.def(
      "run",
      [](const scenarios::ScenarioSource& src, std::optional<std::uint64_t> seed, std::uint64_t replication, bool events,
         bool timeseries, bool tasks, const py::dict& policies, bool csv, const py::dict& forecasters) {
        std::optional<ScenarioConfig> cfg;
        {
          py::gil_scoped_release release;  // loading is C++ only: other Python threads go on
          cfg.emplace(configure(src, seed));
        }
        return run_config(*cfg, replication, events, timeseries, tasks, policies, csv, forecasters);
      },
      py::arg("source"), py::arg("seed") = py::none(), py::arg("replication") = 0, py::arg("events") = true,
      py::arg("timeseries") = true, py::arg("tasks") = false, py::arg("policies") = py::dict(), py::arg("csv") = false,
      py::arg("forecasters") = py::dict(),
      "Run a scenario to its horizon without the GIL. Returns the summary JSON and, per output, column tables\n"
      "(csv=False) or the CSV texts (csv=True).");
  m.def(
      "run_prepared",
      [](const scenarios::PreparedScenario& prepared, const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed,
         std::uint64_t replication, bool events, bool timeseries, bool tasks, bool csv) {
        std::optional<ScenarioConfig> cfg;
        {
          py::gil_scoped_release release;
          cfg.emplace(prepared.load(overrides));
          if (seed) cfg->seed = *seed;
        }
        return run_config(*cfg, replication, events, timeseries, tasks, py::dict(), csv);
      },
      py::arg("prepared"), py::arg("overrides"), py::arg("seed") = py::none(), py::arg("replication") = 0, py::arg("events") = false,
      py::arg("timeseries") = false, py::arg("tasks") = false, py::arg("csv") = false,
      "run() of a prepared scenario with extra overrides (a sweep point): the text is not parsed again.");
  m.def(
      "run_prepared_row",
      [](const scenarios::PreparedScenario& prepared, const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed,
         std::uint64_t replication) {
        std::unique_ptr<Simulator> sim;
        {
          py::gil_scoped_release release;
          ScenarioConfig cfg = prepared.load(overrides);
          if (seed) cfg.seed = *seed;
          sim = scenarios::build(cfg, replication);
        }
        auto leaves = run_interruptibly(*sim, [&] { return scenarios::summary_leaves(*sim, scenarios::run_timed(*sim)); });
        {
          py::gil_scoped_release release;
          sim.reset();
        }
        py::list values(leaves.size());
        for (std::size_t i = 0; i < leaves.size(); ++i)
          values[i] = std::visit(
              [](auto&& v) -> py::object {
                using V = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<V, std::monostate>) return py::none();
                else if constexpr (std::is_same_v<V, bool>) return py::bool_(v);
                else if constexpr (std::is_same_v<V, double>) return py::float_(v);
                else if constexpr (std::is_same_v<V, std::string>) return py::str(v);
                else return py::int_(v);
              },
              leaves[i].second);
        return py::make_tuple(summary_keys(leaves), values);
      },
      py::arg("prepared"), py::arg("overrides"), py::arg("seed") = py::none(), py::arg("replication") = 0,
      "A sweep point: run_prepared()'s summary as (paths, values), the flat \"a.b.c\" paths of its leaves in document\n"
      "order (lists left out) and their values. Points whose summaries have the same paths share one paths tuple.");
  m.def(
      "cancel_runs", [] { cancel_runs(); },
      "Stops every run in progress in this process (they raise RuntimeError 'cancelled');\n"
      "ecsim.sweep and ecsim.compare call it when interrupted.");
  m.def(
      "build",
      [](const scenarios::ScenarioSource& src, std::optional<std::uint64_t> seed, std::uint64_t replication) {
        return scenarios::build(configure(src, seed), replication);
      },
      py::arg("source"), py::arg("seed") = py::none(), py::arg("replication") = 0,
      "Build a Simulator to step through in a notebook.");
}

}  // namespace ecsim::bindings
