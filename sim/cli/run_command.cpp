#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "chaos/injector.hpp"
#include "cli/commands.hpp"
#include "engine/driver.hpp"
#include "engine/platform.hpp"
#include "metrics/run_metrics.hpp"
#include "payments/flow.hpp"
#include "report/atomic_file.hpp"
#include "report/summary.hpp"
#include "scenario/loader.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

volatile bool g_stop_requested = false;
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void request_stop(int signal) {
  g_stop_signal = signal;
  g_stop_requested = true;
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

}  // namespace

int run_command(const RunRequest& request) {
  core::Scenario scenario;
  try {
    scenario = scenario::load_file(request.scenario_path, request.overrides);
  } catch (const scenario::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    return kBadInput;
  }
  const engine::Mode mode =
      request.engine == "lockstep" ? engine::Mode::kLockstep : engine::Mode::kRunAhead;

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

  report::write_atomically(out_dir + "/scenario.resolved.yaml", scenario::to_resolved_yaml(scenario));
  report::write_atomically(out_dir + "/timeseries.csv", report::timeseries_csv(scenario, metrics));
  // summary.json last: its presence says the run folder is complete.
  report::write_atomically(out_dir + "/summary.json",
                           report::summary_json(scenario, metrics, info).dump(2) + "\n");
  if (!request.quiet) std::cout << report::human_summary(scenario, metrics, info, out_dir);
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
  return kOk;
}

}  // namespace payquake::cli
