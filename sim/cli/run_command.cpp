#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "chaos/injector.hpp"
#include "cli/commands.hpp"
#include "engine/driver.hpp"
#include "engine/platform.hpp"
#include "metrics/run_metrics.hpp"
#include "payments/flow.hpp"
#include "report/atomic_file.hpp"
#include "report/drill.hpp"
#include "report/summary.hpp"
#include "scenario/loader.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

volatile bool g_stop_requested = false;
volatile std::sig_atomic_t g_stop_signal = 0;
volatile pid_t g_control_pid = -1;

extern "C" void request_stop(int signal) {
  g_stop_signal = signal;
  g_stop_requested = true;
  // The control stops with the experiment (kill is async-signal-safe).
  if (g_control_pid > 0) ::kill(g_control_pid, signal);
}

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
    std::fprintf(stderr, "\r\033[K  simulated %.1f s  %3.0f%%  %.0fk payments per wall second",
                 t, 100 * std::min(1.0, t / duration_s_),
                 wall > 0 ? static_cast<double>(flow_.payments_started()) / wall / 1e3 : 0.0);
  }

  void clear() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
  double duration_s_;
  const payments::Flow& flow_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

struct ControlRun {
  pid_t pid = -1;
  std::string out_dir;
};

// Starts `payquake run --without-faults` for the same scenario as a child process.
ControlRun start_control(const RunRequest& request, const std::string& out_dir) {
  std::vector<std::string> args = {"payquake", "run", request.scenario_path, "--out", out_dir,
                                   "--quiet", "--without-faults", "--engine", request.engine};
  for (const auto& o : request.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ControlRun run;
  run.out_dir = out_dir;
  run.pid = ::fork();
  if (run.pid == 0) {
    ::execv("/proc/self/exe", argv.data());
    ::_exit(127);
  }
  g_control_pid = run.pid;
  return run;
}

// Waits for the control and reads its summary; null (after a message) when it failed.
// A control stopped by a signal still wrote its (partial) summary.
nlohmann::ordered_json finish_control(const ControlRun& run) {
  int status = 0;
  pid_t waited = -1;
  do {
    waited = run.pid > 0 ? ::waitpid(run.pid, &status, 0) : -1;
  } while (waited < 0 && errno == EINTR);
  g_control_pid = -1;
  if (waited != run.pid) {
    std::cerr << "payquake: the control run could not be started\n";
    return nullptr;
  }
  // Exit 1 means only that the control broke an expectation, which is no concern here.
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(run.out_dir + "/summary.json");
  const bool ran = code == kOk || code == kExpectationFailed || code == 128 + SIGINT ||
                   code == 128 + SIGTERM;
  if (!ran || !in) {
    std::cerr << "payquake: the control run failed (exit " << code << ")\n";
    return nullptr;
  }
  return nlohmann::ordered_json::parse(in);
}

}  // namespace

int run_command(const RunRequest& request) {
  core::Scenario scenario;
  try {
    scenario = scenario::load_file(request.scenario_path, request.overrides,
                                   {.without_faults = request.without_faults});
  } catch (const scenario::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    return kBadInput;
  }
  const engine::Mode mode =
      request.engine == "lockstep" ? engine::Mode::kLockstep : engine::Mode::kRunAhead;
  // The control of a drill: the same scenario and random streams, without its faults
  // (dropped by the loader, before their times were checked against the duration).

  std::unique_ptr<topology::Topology> topo;
  try {
    topo = std::make_unique<topology::Topology>(scenario);
  } catch (const std::invalid_argument& e) {
    std::cerr << scenario.source_file << ": " << e.what() << '\n';
    return kBadInput;
  }

  const std::string out_dir = request.out_dir.empty()
                                  ? "runs/" + scenario.name + "-" + std::to_string(scenario.seed)
                                  : request.out_dir;
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << "cannot create output folder " << out_dir << ": " << ec.message() << '\n';
    return kBadInput;
  }

  // The control runs beside the experiment, in a process of its own (one SimGrid engine
  // per process): same scenario, seed and overrides, no faults.
  ControlRun control;
  if (request.control) control = start_control(request, out_dir + "/control");

  const auto wall_start = std::chrono::steady_clock::now();
  engine::Platform platform(scenario, *topo, chaos::slowdown_factors(scenario));
  metrics::RunMetrics metrics(scenario);
  payments::Flow flow(scenario, platform, metrics);
  engine::Calendar calendar;
  flow.start(calendar);

  ProgressLine progress(scenario.duration_s, flow);
  engine::RunOptions options;
  options.mode = mode;
  options.changes = chaos::plan(scenario, *topo, platform, flow);
  options.on_progress = [&progress](double t) { progress.update(t); };
  options.stop_requested = &g_stop_requested;
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  const engine::RunResult result = engine::run(platform, calendar, flow, options);
  progress.clear();
  metrics.finish(result.end_time_s);

  report::RunInfo info;
  info.seed = scenario.seed;
  info.partial = result.interrupted;
  info.simulated_seconds = result.end_time_s;
  info.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  info.engine_mode = engine::to_string(mode);
  info.events = result.events;
  info.peak_payments_in_flight = flow.peak_payments_in_flight();
  info.accounts_opening_minor = flow.accounts_opening_minor();
  info.accounts_final_minor = flow.accounts_current_minor();

  nlohmann::ordered_json summary = report::summary_json(scenario, metrics, info);
  summary["slo"] = {{"window_seconds", scenario.slo.window_s},
                    {"success_rate", scenario.slo.success_rate},
                    {"latency_p99_seconds", scenario.slo.latency_p99_s},
                    {"stable_for_seconds", scenario.slo.stable_for_s}};
  summary["faults"] = report::faults_json(scenario, metrics);
  nlohmann::ordered_json control_summary;
  bool control_failed = false;
  if (request.control) {
    control_summary = finish_control(control);
    control_failed = control_summary.is_null();
    if (!control_failed) {
      summary["control"] = report::control_json(control_summary);
      summary["control"]["partial"] = control_summary["partial"];
      // A difference between a partial run and a whole one means nothing.
      if (!info.partial && control_summary["partial"] == false)
        summary["delta"] = report::delta_json(summary, control_summary);
    }
  }
  const auto verdicts = report::check_expectations(scenario, summary);
  summary["expectations"] = report::verdicts_json(verdicts);

  report::write_atomically(out_dir + "/scenario.resolved.yaml", scenario::to_resolved_yaml(scenario));
  report::write_atomically(out_dir + "/timeseries.csv", report::timeseries_csv(scenario, metrics));
  report::write_atomically(out_dir + "/faults.csv", report::faults_csv(summary["faults"]));
  // summary.json last: its presence says the run folder is complete.
  report::write_atomically(out_dir + "/summary.json", summary.dump(2) + "\n");
  if (!request.quiet) {
    std::cout << report::human_summary(scenario, metrics, info, out_dir)
              << report::faults_table(summary["faults"]);
    if (summary.contains("delta")) std::cout << report::control_table(summary, control_summary);
    std::cout << report::verdict_table(verdicts);
  }

  // An interrupted run wrote its partial results; its exit code says it was stopped
  // (the shell's 128 + signal convention), not that it ran.
  if (result.interrupted) return 128 + static_cast<int>(g_stop_signal);
  if (flow.payments_live() > 0) {
    // The calendar ran dry with payments still open: work was dropped without an answer.
    std::cerr << "payquake: internal error: " << flow.payments_live()
              << " payments never drained (the calendar emptied with work outstanding)\n";
    return kInternalError;
  }
  if (!info.conserved()) {
    // Money appeared or vanished: a bug in the ledger, never a property of the scenario.
    std::cerr << "payquake: internal error: conservation violated: accounts opened with "
              << info.accounts_opening_minor << " and hold " << info.accounts_final_minor
              << " minor units\n";
    return kInternalError;
  }
  if (control_failed) return kInternalError;  // the experiment's results are written
  for (const auto& v : verdicts)
    if (!v.held) return kExpectationFailed;
  return kOk;
}

}  // namespace payquake::cli
