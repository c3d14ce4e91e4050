// `payquake run`: load, check the run folder, simulate, judge, write, exit code. Each step
// is a function of its own; run_command() reads as the list of them.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <iterator>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "chaos/injector.hpp"
#include "cli/commands.hpp"
#include "cli/self_binary.hpp"
#include "core/fan_out.hpp"
#include "cli/live_drill.hpp"
#include "cli/run_dataset.hpp"
#include "engine/driver.hpp"
#include "engine/platform.hpp"
#include "metrics/payment_trace.hpp"
#include "metrics/run_metrics.hpp"
#include "payments/flow.hpp"
#include "report/atomic_file.hpp"
#include "report/drill.hpp"
#include "report/html_report.hpp"
#include "report/openmetrics.hpp"
#include "report/run_folder.hpp"
#include "report/summary.hpp"
#include "scenario/loader.hpp"
#include "scenario/units.hpp"
#include "study/executor.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

volatile bool g_stop_requested = false;
volatile sig_atomic_t g_stop_signal = 0;

// The control (with --control) learns of a stop from g_stop_signal once the experiment
// has stopped: finish_control passes the signal on.
extern "C" void request_stop(int signal) {
  g_stop_signal = signal;
  g_stop_requested = true;
}

void install_stop_handler() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGHUP, &action, nullptr);  // a closed terminal or a lost ssh session
}

// SIGINT, SIGTERM and SIGHUP wait while SimGrid sets up: its engine installs handlers of
// its own (which exit mid-construction). Ours is installed again on leaving, then the signals
// that arrived meanwhile are delivered to it.
class StopSignalsHeld {
 public:
  StopSignalsHeld() {
    sigemptyset(&held_);
    sigaddset(&held_, SIGINT);
    sigaddset(&held_, SIGTERM);
    sigaddset(&held_, SIGHUP);
    ::sigprocmask(SIG_BLOCK, &held_, nullptr);
  }
  ~StopSignalsHeld() {
    install_stop_handler();
    ::sigprocmask(SIG_UNBLOCK, &held_, nullptr);
  }
  StopSignalsHeld(const StopSignalsHeld&) = delete;
  StopSignalsHeld& operator=(const StopSignalsHeld&) = delete;

 private:
  sigset_t held_;
};

int interrupted_exit_code() { return 128 + static_cast<int>(g_stop_signal); }

// The progress line on a terminal: during the arrivals, the share done; during the drain,
// what is still open, so a long drain is visible.
class ProgressLine {
 public:
  ProgressLine(double duration_s, const payments::Flow& flow)
      : enabled_(::isatty(STDERR_FILENO) != 0),
        duration_s_(duration_s),
        flow_(flow),
        start_(std::chrono::steady_clock::now()) {}

  void update(double t) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double wall = std::chrono::duration<double>(now - start_).count();
    const double rate_k =
        wall > 0 ? static_cast<double>(flow_.payments_started()) / wall / 1e3 : 0.0;
    if (t <= duration_s_) {
      std::fprintf(stderr, "\r\033[K  simulated %.1f s  %3.0f%%  %.0fk payments per wall second%s",
                   t, 100 * t / duration_s_, rate_k, note_.c_str());
    } else {
      std::fprintf(stderr, "\r\033[K  simulated %.1f s  draining: %llu payments still open%s", t,
                   static_cast<unsigned long long>(flow_.payments_live()), note_.c_str());
    }
  }

  // Said after the figures (a live drill's pace).
  void set_note(std::string note) { note_ = std::move(note); }

  void clear() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
  double duration_s_;
  const payments::Flow& flow_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
  std::string note_;
};

// The control: `payquake run --without-faults` of the same scenario, overrides (the seed
// among them) and engine, into DIR/control, run by the study library as a child beside the
// experiment (one SimGrid engine per process).
study::Plan control_plan(const RunRequest& request, const std::string& out_dir) {
  study::Run control;
  control.label = "control";
  control.scenario_path = request.scenario_path;
  control.overrides = request.overrides;
  control.out_dir = out_dir;
  control.extra = {"--without-faults", "--engine", request.engine};
  // The same epoch, so the two runs line up in Prometheus.
  if (!request.epoch.empty()) {
    control.extra.push_back("--epoch");
    control.extra.push_back(request.epoch);
  }
  return {control};
}

// Waits for the control and returns its summary; null (after a message) when it failed.
// A control stopped with the experiment wrote a partial summary, which is reported as such.
nlohmann::ordered_json finish_control(study::Execution& control) {
  const study::StudyResult result = control.wait(&g_stop_signal);
  const study::RunOutcome& o = result.runs.front();
  // kOk includes exit 1: the control broke an expectation, which is no concern here.
  const bool usable = o.status == study::RunStatus::kOk ||
                      (o.status == study::RunStatus::kInterrupted && o.summary);
  if (usable) return *o.summary;
  std::cerr << "payquake: the control run failed (" << o.why << ")\n" << o.stderr_tail;
  if (!o.stderr_tail.empty() && o.stderr_tail.back() != '\n') std::cerr << '\n';
  return nullptr;
}

std::optional<core::Scenario> load(const RunRequest& request) {
  try {
    // The control of a drill: the same scenario and random streams, without its faults
    // (dropped by the loader, before their times are checked against the duration).
    return scenario::load_file(request.scenario_path, request.overrides,
                               {.without_faults = request.without_faults});
  } catch (const scenario::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    return std::nullopt;
  }
}

// Everything a finished simulation hands to the writer and the exit code.
struct Outcome {
  nlohmann::ordered_json summary;
  std::string timeseries_csv;
  std::string text;  // the human summary
  std::vector<report::Verdict> verdicts;
  report::RunInfo info;
  std::uint64_t payments_live = 0;
  bool control_failed = false;
  bool trace_failed = false;  // trace.jsonl could not be written whole
  bool metrics_om_failed = false;
  nlohmann::ordered_json charts;           // report.html's time series
  nlohmann::ordered_json control_summary;  // the control's summary.json, with --control
};

report::RunInfo run_info(const core::Scenario& scenario, const engine::RunResult& result,
                         const payments::Flow& flow, const RunRequest& request,
                         engine::Mode mode, std::chrono::steady_clock::time_point wall_start) {
  report::RunInfo info;
  info.seed = scenario.seed;
  info.partial = result.interrupted;
  info.drain_limit_reached = result.horizon_reached;
  info.drain_limit_seconds = scenario.drain_limit_s;
  info.unfinished_payments = flow.payments_live();
  info.simulated_seconds = result.end_time_s;
  info.planned_seconds = scenario.duration_s;
  info.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  info.engine_mode = engine::to_string(mode);
  info.events = result.events;
  info.peak_payments_in_flight = flow.peak_payments_in_flight();
  info.accounts_opening_minor = flow.accounts_opening_minor();
  info.accounts_final_minor = flow.accounts_current_minor();
  info.accounts_held_minor = flow.accounts().held_total();
  info.accounts_settled_minor = flow.accounts().settled_total();
  info.accounts = flow.accounts().size();
  info.command_line = request.command_line;
  info.overrides = request.overrides;
  return info;
}

// DIR/metrics.om, written straight into the staging folder (it may be large). False when
// the file could not be written whole.
bool write_metrics_om(const std::string& staging_dir, const core::Scenario& scenario,
                      const metrics::RunMetrics& metrics, const RunRequest& request,
                      const std::string& shown_dir) {
  report::OpenMetricsOptions options;
  options.scenario = scenario.name;
  options.run = report::run_label(shown_dir);
  // Checked when the command line was read, or set by run_command() (default_epoch).
  report::parse_epoch(request.epoch, &options.epoch_s);
  std::ofstream file(staging_dir + "/metrics.om", std::ios::binary);
  report::write_openmetrics(file, scenario, metrics, options);
  file.close();
  return !file.fail();
}

// Runs the scenario on SimGrid and measures it. The engine lives only inside this call.
// `dataset` (with --dataset) subscribes to the flow's events too.
Outcome simulate(const core::Scenario& scenario, const topology::Topology& topo,
                 const RunRequest& request, const std::string& shown_dir,
                 const std::string& staging_dir, LiveDrill* live, RunDataset* dataset) {
  const engine::Mode mode =
      request.engine == "lockstep" ? engine::Mode::kLockstep : engine::Mode::kRunAhead;
  const auto wall_start = std::chrono::steady_clock::now();
  std::optional<engine::Platform> platform;
  {
    const StopSignalsHeld held;
    platform.emplace(scenario, topo, chaos::slowdown_factors(scenario));
  }
  metrics::RunMetrics metrics(scenario);
  // With --trace or --dataset, the flow's events go to the metrics and the others alike;
  // without them, straight to the metrics (no second virtual call per event).
  core::FanOutObserver subscribers;
  std::ofstream trace_file;
  std::optional<metrics::PaymentTrace> trace;
  core::FlowObserver* observer = &metrics;
  if (request.trace_every > 0) {
    trace_file.open(staging_dir + "/trace.jsonl", std::ios::binary);
    trace.emplace(scenario, request.trace_every, trace_file);
  }
  if (trace || dataset != nullptr) {
    subscribers.add(metrics);
    if (trace) subscribers.add(*trace);
    if (dataset != nullptr) subscribers.add(dataset->observer());
    observer = &subscribers;
  }
  payments::Flow flow(scenario, *platform, *observer);
  engine::Calendar calendar;
  flow.start(calendar);

  ProgressLine progress(scenario.duration_s, flow);
  engine::RunOptions options;
  options.mode = mode;
  options.changes = chaos::plan(scenario, topo, *platform, flow);
  options.on_progress = [&progress](double t) { progress.update(t); };
  options.stop_requested = &g_stop_requested;
  options.horizon_s = scenario.duration_s + scenario.drain_limit_s;
  if (live != nullptr) {
    options.tick_s = live->tick_s();
    options.on_tick = [&](double t) {
      live->on_tick(t, metrics);
      progress.set_note(live->status());
      progress.update(t);
    };
  }
  const engine::RunResult result = engine::run(*platform, calendar, flow, options);
  progress.clear();
  metrics.finish(result.end_time_s, result.interrupted);
  if (live != nullptr) live->finish(result.end_time_s, metrics);
  // Captures and expiries due by the end are applied before the books are read.
  flow.close_books(result.end_time_s);

  Outcome out;
  out.info = run_info(scenario, result, flow, request, mode, wall_start);
  out.payments_live = flow.payments_live();
  out.summary = report::summary_json(scenario, metrics, out.info);
  out.summary["slo"] = {{"window_seconds", scenario.slo.window_s},
                        {"success_rate", scenario.slo.success_rate},
                        {"latency_p99_seconds", scenario.slo.latency_p99_s},
                        {"stable_for_seconds", scenario.slo.stable_for_s}};
  const double observed_until =
      result.interrupted ? result.end_time_s : std::numeric_limits<double>::infinity();
  out.summary["faults"] = report::faults_json(scenario, metrics, observed_until);
  if (trace_file.is_open()) {
    trace_file.close();
    out.trace_failed = trace_file.fail();
  }
  out.timeseries_csv = report::timeseries_csv(scenario, metrics);
  out.metrics_om_failed = !write_metrics_om(staging_dir, scenario, metrics, request, shown_dir);
  out.charts = report::chart_data(scenario, metrics);
  out.text = report::human_summary(scenario, metrics, out.info, shown_dir) +
             report::faults_table(out.summary["faults"]);
  return out;
}

// Adds the control's figures and the difference the faults made.
void add_control(Outcome& out, study::Execution& control) {
  const nlohmann::ordered_json control_summary = finish_control(control);
  out.control_failed = control_summary.is_null();
  if (out.control_failed) return;
  out.control_summary = control_summary;
  out.summary["control"] = report::control_json(control_summary);
  out.summary["control"]["partial"] = control_summary["partial"];
  // A difference between a partial run and a whole one means nothing.
  if (!out.info.partial && control_summary["partial"] == false) {
    out.summary["delta"] = report::delta_json(out.summary, control_summary);
    out.text += report::control_table(out.summary, control_summary);
  }
}

// Writes every file into the staging folder, summary.json last, then puts the folder in
// place. A failure leaves the destination as it was.
void write_run(report::RunFolder& folder, const core::Scenario& scenario, const Outcome& out) {
  const std::string dir = folder.staging();
  if (out.trace_failed) throw std::runtime_error("cannot write " + dir + "/trace.jsonl");
  // The overrides (and so the seed) that made this variant; the whole command line, which
  // names folders, is in summary.json's `invocation`.
  std::string resolved;
  for (const auto& o : out.info.overrides) resolved += "# made with --set " + o + "\n";
  resolved += scenario::to_resolved_yaml(scenario);
  report::write_atomically(dir + "/scenario.resolved.yaml", resolved);
  report::write_atomically(dir + "/timeseries.csv", out.timeseries_csv);
  report::write_atomically(dir + "/faults.csv", report::faults_csv(out.summary["faults"]));
  if (out.metrics_om_failed) throw std::runtime_error("cannot write " + dir + "/metrics.om");
  std::string control_csv;
  if (!out.control_summary.is_null()) {
    std::ifstream in(dir + "/control/timeseries.csv", std::ios::binary);
    control_csv.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  report::write_atomically(
      dir + "/report.html",
      report::report_html({scenario, out.charts, out.summary, resolved, out.control_summary,
                           control_csv}));
  report::write_atomically(dir + "/summary.json", out.summary.dump(2) + "\n");
  folder.commit();
}

// The dataset's line under the run's summary: where it is, its rows, and what a partial run
// left out.
std::string dataset_line(const RunDataset& dataset, const report::RunInfo& info) {
  std::string line = "  dataset      " + std::to_string(dataset.rows()) + " payments in " +
                     dataset.path() + "/payments.csv";
  if (dataset.share() < 1.0) line += " (a " + scenario::format_percent(dataset.share()) + " sample)";
  line += ", columns in " + dataset.path() + "/data-dictionary.md\n";
  if (dataset.open_payments() > 0)
    line += "               " + std::to_string(dataset.open_payments()) +
            (dataset.share() < 1.0 ? " kept" : "") + " payments were still open when " +
            (info.partial ? "the run was stopped" : "the drain limit was reached") +
            ": they have no row\n";
  return line;
}

int exit_code(const Outcome& out) {
  // An interrupted run wrote its partial results; its exit code says it was stopped
  // (the shell's 128 + signal convention), not that it ran. A signal that came after the
  // simulation, while the files were written, still says so (the folder is then whole).
  if (out.info.partial || g_stop_requested) return interrupted_exit_code();
  if (out.payments_live > 0 && !out.info.drain_limit_reached) {
    // The calendar ran dry with payments still open: work was dropped without an answer.
    std::cerr << "payquake: internal error: " << out.payments_live
              << " payments never drained (the calendar emptied with work outstanding)\n";
    return kInternalError;
  }
  if (!out.info.conserved()) {
    // Money appeared or vanished: a bug in the ledger, never a property of the scenario.
    std::cerr << "payquake: internal error: conservation violated: accounts opened with "
              << out.info.accounts_opening_minor << " and hold " << out.info.accounts_final_minor
              << " minor units\n";
    return kInternalError;
  }
  if (out.control_failed) return kInternalError;  // the experiment's results are written
  for (const auto& v : out.verdicts)
    if (!v.held()) return kExpectationFailed;
  return kOk;
}

// metrics.om's default epoch: the arrivals end when the run started (so the data sits
// inside Prometheus' retention, and a control started with it lines up).
std::string default_epoch(const core::Scenario& scenario) {
  const auto now = static_cast<long long>(std::time(nullptr));
  const double start = std::max(0.0, static_cast<double>(now) - std::ceil(scenario.duration_s));
  return std::to_string(static_cast<long long>(start));
}

std::string default_out_dir(const core::Scenario& scenario) {
  return "runs/" + scenario.name + "-" + std::to_string(scenario.seed);
}

}  // namespace

int run_command(const RunRequest& typed) {
  install_stop_handler();
  RunRequest request = typed;
  if (!request.serve_metrics.empty()) {
    const std::string problem =
        metrics::check_listen_address(request.serve_metrics, request.allow_remote);
    if (!problem.empty()) {
      std::cerr << "payquake: --serve-metrics: " << problem << '\n';
      return kBadInput;
    }
  }
  const std::optional<core::Scenario> loaded = load(request);
  if (!loaded) return kBadInput;
  const core::Scenario& scenario = *loaded;
  if (request.epoch.empty()) request.epoch = default_epoch(scenario);
  if (request.control && scenario.faults.empty()) {
    std::cerr << "payquake: --control compares a run with and without its faults, and "
              << scenario.source_file << " has none\n";
    return kBadInput;
  }
  std::unique_ptr<topology::Topology> topo;
  try {
    topo = std::make_unique<topology::Topology>(scenario);
  } catch (const std::invalid_argument& e) {
    std::cerr << scenario.source_file << ": " << e.what() << '\n';
    return kBadInput;
  }

  // The folder is checked (and a staging folder made) before anything is simulated.
  std::optional<report::RunFolder> folder;
  try {
    folder.emplace(report::RunFolder::prepare(
        request.out_dir.empty() ? default_out_dir(scenario) : request.out_dir, request.force));
  } catch (const report::RunFolderError& e) {
    std::cerr << "payquake: " << e.what() << '\n';
    return kBadInput;
  }
  if (g_stop_requested) {
    std::cerr << "payquake: interrupted before the simulation started; nothing written\n";
    return interrupted_exit_code();
  }

  // A live drill's endpoint is bound before anything is simulated (a port in use is the
  // user's to fix).
  std::unique_ptr<LiveDrill> live;
  if (!request.serve_metrics.empty() || request.pace > 0) {
    try {
      live = std::make_unique<LiveDrill>(request.serve_metrics, request.pace, scenario,
                                         report::run_label(folder->path()), &g_stop_requested);
    } catch (const std::runtime_error& e) {
      std::cerr << "payquake: --serve-metrics: " << e.what() << '\n';
      return kBadInput;
    }
  }

  // The control runs beside the experiment, in a process of its own (one SimGrid engine
  // per process): same scenario, seed and overrides, no faults.
  std::optional<study::Execution> control;
  if (request.control) {
    control.emplace(control_plan(request, folder->staging() + "/control"),
                    study::ExecutorOptions{self_binary(), 1, "", false});
    control->step();  // started; it runs while the experiment is simulated here
  }

  // The dataset's folder (with --dataset) is checked and staged like the run's.
  std::optional<RunDataset> dataset;
  if (!request.dataset_dir.empty()) {
    try {
      dataset.emplace(request, folder->path(), scenario);
    } catch (const report::RunFolderError& e) {
      std::cerr << "payquake: --dataset: " << e.what() << '\n';
      return kBadInput;
    }
  }

  Outcome out = simulate(scenario, *topo, request, folder->path(), folder->staging(), live.get(),
                         dataset ? &*dataset : nullptr);
  if (control) add_control(out, *control);
  out.verdicts = report::check_expectations(scenario, out.summary, out.info.partial);
  out.summary["expectations"] = report::verdicts_json(out.verdicts);
  out.summary["verdict"] = report::verdict_json(out.verdicts, out.info.partial);
  out.text += report::verdict_table(out.verdicts, out.info.partial);

  try {
    if (dataset) dataset->finish(out.info);
    write_run(*folder, scenario, out);
  } catch (const std::exception& e) {
    // A full disk or a folder made read-only during the run: the environment, not a bug.
    std::cerr << "payquake: " << e.what() << "; the earlier contents of " << folder->path()
              << (dataset ? " and " + dataset->path() : std::string()) << " are unchanged\n";
    return kBadInput;
  }
  if (dataset) {
    try {
      dataset->commit();
    } catch (const std::exception& e) {
      std::cerr << "payquake: --dataset: " << e.what() << " (the run folder is written)\n";
      return kBadInput;
    }
    out.text += dataset_line(*dataset, out.info);
  }
  if (!request.quiet) {
    std::cout << out.text;
  } else {
    // --quiet hides a successful run's report, never a failed or unjudged expectation.
    std::cerr << report::failed_verdicts(out.verdicts, out.info.partial);
  }
  if (out.info.drain_limit_reached)
    std::cerr << "payquake: the drain limit (" << scenario.drain_limit_s << " s after the last "
              << "arrival) was reached with " << out.payments_live
              << " payments still open; they are reported unfinished\n";
  return exit_code(out);
}

}  // namespace payquake::cli
