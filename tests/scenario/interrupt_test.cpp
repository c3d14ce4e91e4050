// An interrupted run (SIGINT/SIGTERM) at any moment exits 128 + signal without a crash and
// leaves either nothing or a complete run folder marked partial, whose figures cover only
// what was simulated: no rate over the planned interval, no verdict for a fault it never
// reached (DESIGN.md section 6).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "study/child_process.hpp"
#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

struct Signalled {
  int exit_code = -1;    // -1: killed by a signal
  int term_signal = 0;   // the signal that killed it
  std::string err;
  // Stopped as asked: exit 128 + signal, or (a signal that came before payquake's main
  // could install its handler) ended by that very signal, as any program is.
  bool stopped_by(int signal) const {
    return exit_code == 128 + signal || (exit_code == -1 && term_signal == signal);
  }
};

// Runs `payquake run SCENARIO --out OUT --quiet EXTRA...` and signals it after `delay`. With
// `group`, the signal goes to the whole process group, as a terminal's Ctrl-C does.
Signalled run_and_signal(const std::string& scenario, const std::string& out, int signal,
                         std::chrono::milliseconds delay, std::vector<std::string> extra = {},
                         bool group = false) {
  study::ChildSpec spec;
  spec.argv = {payquake_binary(), "run", scenario, "--out", out, "--quiet"};
  spec.argv.insert(spec.argv.end(), extra.begin(), extra.end());
  spec.stderr_path = out + ".stderr";
  spec.own_process_group = true;
  study::ChildProcess child(spec);
  std::this_thread::sleep_for(delay);
  if (group) {
    ::kill(-child.pid(), signal);
  } else {
    child.signal(signal);
  }
  const study::ChildExit e = child.wait();
  return {e.signal != 0 ? -1 : e.exit_code, e.signal, read_file(spec.stderr_path)};
}

std::string black_friday() { return source_dir() + "/scenarios/black-friday.yaml"; }

TEST(Interrupt, SigintLeavesAPartialSummaryAndExits130) {
  const std::string out = temp_dir("sigint") + "/run";
  EXPECT_EQ(run_and_signal(black_friday(), out, SIGINT, std::chrono::milliseconds(1500)).exit_code,
            128 + SIGINT);
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  EXPECT_EQ(summary["partial"], true);
  const double stopped = summary["simulated_seconds"].get<double>();
  EXPECT_LT(stopped, 1800.0);
  EXPECT_GT(summary["payments"]["total"].get<int>(), 0);
  EXPECT_FALSE(read_file(out + "/timeseries.csv").empty());
  // Rates are over what was simulated: the measured interval ends where the run stopped.
  const auto& measured = summary["measured"];
  EXPECT_DOUBLE_EQ(measured["to_seconds"].get<double>(), std::max(stopped, 60.0));
  if (stopped > 60.0) {
    EXPECT_NEAR(summary["payments"]["throughput_per_second"].get<double>(),
                measured["approved"].get<double>() / (stopped - 60.0), 1e-6);
  }
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(out).parent_path()))
    EXPECT_EQ(e.path().filename().string().find(".staging"), std::string::npos) << e.path();
}

// The dataset of an interrupted run holds the payments reconciled before it stopped and
// says so; nothing staged is left behind.
TEST(Interrupt, SigintLeavesAPartialDatasetThatSaysWhatItDidNotReach) {
  const std::string dir = temp_dir("sigint-dataset");
  EXPECT_EQ(run_and_signal(black_friday(), dir + "/run", SIGINT, std::chrono::milliseconds(1500),
                           {"--dataset", dir + "/data"})
                .exit_code,
            128 + SIGINT);
  const auto meta = nlohmann::json::parse(read_file(dir + "/data/dataset.json"));
  EXPECT_EQ(meta["partial"], true);
  EXPECT_LT(meta["simulated_seconds"].get<double>(), meta["planned_seconds"].get<double>());
  const std::string csv = read_file(dir + "/data/payments.csv");
  const auto lines = static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n'));
  EXPECT_EQ(meta["rows"].get<std::size_t>(), lines - 1);
  // Every payment that arrived has a row or is counted open: none is lost silently.
  const auto summary = nlohmann::json::parse(read_file(dir + "/run/summary.json"));
  EXPECT_EQ(meta["rows"].get<std::size_t>() + meta["open_payments_without_row"].get<std::size_t>(),
            summary["payments"]["total"].get<std::size_t>());
  EXPECT_FALSE(read_file(dir + "/data/data-dictionary.md").empty());
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".staging"), std::string::npos) << e.path();
}

TEST(Interrupt, CtrlCDuringAControlRunStopsBothAndComparesNothing) {
  const std::string out = temp_dir("sigint-control") + "/run";
  const auto r = run_and_signal(source_dir() + "/scenarios/issuer-outage-drill.yaml", out, SIGINT,
                                std::chrono::milliseconds(1500), {"--control"}, /*group=*/true);
  EXPECT_EQ(r.exit_code, 128 + SIGINT) << r.err;
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  EXPECT_EQ(summary["partial"], true);
  EXPECT_EQ(summary["control"]["partial"], true);
  EXPECT_FALSE(summary.contains("delta"));  // partial against partial means nothing
  EXPECT_EQ(nlohmann::json::parse(read_file(out + "/control/summary.json"))["partial"], true);
}

// `kill PID` reaches the experiment alone: it passes the signal on to its control, which
// stops too rather than running to its end.
TEST(Interrupt, ASignalToTheExperimentAloneStopsItsControlToo) {
  const std::string out = temp_dir("sigterm-control") + "/run";
  const auto r = run_and_signal(source_dir() + "/scenarios/issuer-outage-drill.yaml", out, SIGTERM,
                                std::chrono::milliseconds(1500), {"--control"});
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << r.err;
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  EXPECT_EQ(summary["partial"], true);
  EXPECT_EQ(summary["control"]["partial"], true);  // stopped, not run to its end
  EXPECT_FALSE(summary.contains("delta"));
}

TEST(Interrupt, SigtermToo) {
  const std::string out = temp_dir("sigterm") + "/run";
  EXPECT_EQ(run_and_signal(black_friday(), out, SIGTERM, std::chrono::milliseconds(1500)).exit_code,
            128 + SIGTERM);
  EXPECT_EQ(nlohmann::json::parse(read_file(out + "/summary.json"))["partial"], true);
}

// Signals (Ctrl-C, kill, a closed terminal) while the scenario loads, SimGrid builds the platform, the calendar starts and
// the files are written: never a crash (SimGrid's own handler used to exit 1 mid-set-up),
// always 128 + signal, and the folder is absent or complete and partial, never a mix.
TEST(Interrupt, AtAnyMomentTheRunStopsCleanly) {
  const std::string root = temp_dir("sigint-anytime");
  for (int ms : {0, 1, 2, 3, 5, 8, 12, 20, 30, 50, 80, 120, 200}) {
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
      const std::string out = root + "/run-" + std::to_string(ms) + "-" + std::to_string(signal);
      const auto r = run_and_signal(black_friday(), out, signal, std::chrono::milliseconds(ms));
      EXPECT_TRUE(r.stopped_by(signal)) << "signal " << signal << " after " << ms
                                        << " ms: exit " << r.exit_code << ", killed by "
                                        << r.term_signal << ": " << r.err;
      if (!std::filesystem::exists(out)) continue;
      const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
      EXPECT_EQ(summary["partial"], true) << ms << " ms";
      for (const char* file : {"timeseries.csv", "faults.csv", "scenario.resolved.yaml"})
        EXPECT_TRUE(std::filesystem::exists(out + "/" + file)) << file << " after " << ms << " ms";
    }
  }
  for (const auto& e : std::filesystem::directory_iterator(root))
    EXPECT_EQ(e.path().filename().string().find(".staging"), std::string::npos) << e.path();
}

// A drill interrupted before its fault: not "PASS (4 of 4 held)" with the fault "recovered
// in 0 s", but the fault not reached, every expectation not judged, the verdict INCOMPLETE.
TEST(Interrupt, ADrillStoppedBeforeItsFaultIsIncompleteNotPass) {
  const std::string dir = temp_dir("sigint-drill");
  const std::string scenario = write_file(dir, "late-fault.yaml", R"(name: late-fault
duration: 2h
warmup: 10s
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 1000, service_time: {dist: exponential, mean: 1ms}, next: [net], timeout: 10s}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, timeout: 2s}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 64, service_time: {dist: exponential, mean: 2ms}}
payers:
  - {id: p, cards: 1000000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {start_rate: 5000/s}
faults: [{kind: crash, target: iss, at: 110m, duration: 1m}]
expect:
  duplicates: "== 0"
  recovery_time: "<= 2m"
  success_rate: ">= 99%"
  latency_p99: "<= 1s"
)");
  const std::string out = dir + "/run";
  EXPECT_EQ(run_and_signal(scenario, out, SIGINT, std::chrono::milliseconds(1000)).exit_code,
            128 + SIGINT);
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  const auto& fault = summary["faults"][0];
  EXPECT_EQ(fault["reached"], false);
  EXPECT_TRUE(fault["recovered"].is_null());
  EXPECT_TRUE(fault["time_to_recover_seconds"].is_null());
  EXPECT_TRUE(fault["failed_payments"].is_null());
  for (const auto& x : summary["expectations"]) EXPECT_TRUE(x["held"].is_null()) << x.dump();
  EXPECT_NE(read_file(out + "/faults.csv").find("crash,iss,6600,6660,false,false,"),
            std::string::npos)
      << read_file(out + "/faults.csv");
}

}  // namespace
}  // namespace payquake::testing
