// How failures are noticed (DESIGN.md section 2), through the real binary: active health
// checks find a crashed replica after `unhealthy_after` failed probes and the payments
// sent to it meanwhile fail; outlier detection ejects it after `consecutive_errors`
// timeouts; the oracle finds it at once.
//
// One site, 1 ms a hop, zero service time but the issuer's (100 ms). The issuer has two
// replicas behind the network, which alternates between them: payments arrive at
// k + 0.25 s and k + 0.75 s (uniform, 2/s), so replica 0 gets those of k + 0.25, chosen at
// k + 0.252. Replica 0 crashes over [20 s, 40 s). The network waits 1.5 s for the issuer
// and does not stand in: a payment sent to the dead replica fails with 91.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

const char* kScenario = R"(name: detection-test
seed: 11
duration: 60s
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 30s, health_check: {mode: oracle}}
  - {id: acq, role: acquirer, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 25s, health_check: {mode: oracle}}
  - {id: net, role: network, site: s, workers: 100, service_time: {dist: constant, value: 0ms}, timeout: 1500ms, health_check: {HEALTH}, outlier_detection: {OUTLIER}}
  - {id: iss, role: issuer, site: s, bins: ["4111"], replicas: 2, workers: 100, service_time: {dist: constant, value: 100ms}}
payers:
  - {id: p, cards: 1000000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}, client: {timeout: 60s}}
load: {arrival: uniform, start_rate: 2/s}
faults: [{kind: crash, target: "iss[0]", at: 20s, duration: 20s}]
slo: {window: 5s, success_rate: 99%, latency_p99: 1s, stable_for: 10s}
)";

RunOutput run(const std::string& health, const std::string& outlier, const std::string& label) {
  const std::string dir = temp_dir("detection-" + label);
  const std::string yaml = fill_template(kScenario, {{"HEALTH", health}, {"OUTLIER", outlier}});
  auto r = run_scenario(write_file(dir, "s.yaml", yaml));
  EXPECT_EQ(r.exit_code, 0) << label << ": " << r.err;
  EXPECT_EQ(r.summary["conservation"]["ok"], true) << label;
  EXPECT_EQ(r.summary["payments"]["total"], 120) << label;
  return r;
}

int i(const nlohmann::json& j) { return j.get<int>(); }

TEST(Detection, TheOracleRoutesAroundACrashAtOnce) {
  // The payment of 19.25 is answered at 19.353, before the crash; from 20 s on every
  // payment goes to replica 1.
  const auto r = run("{mode: oracle}", "{enabled: false}", "oracle");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["failed"], 0);
  EXPECT_EQ(s["nodes"]["iss"]["marked_unhealthy"], 0);
  EXPECT_TRUE(s["faults"][0]["time_to_detect_seconds"].is_null());
}

TEST(Detection, HealthChecksMarkACrashedReplicaUnhealthyAfterUnhealthyAfterFailedProbes) {
  // Defaults: a probe every 5 s, verdicts 1 s later (1, 6, ..., 16, 21, 26, 31 s). The
  // verdicts of 21, 26 and 31 fail: unhealthy at 31 s, 11 s after the crash (between
  // (3 - 1) and 3 intervals). The payments sent to replica 0 over [20 s, 31 s), those of
  // 20.25 ... 30.25, time out: 11 failed. It is back at 40 s; the verdicts of 41 and 46
  // pass: healthy again at 46 s, and the alternation resumes.
  const auto r = run("{}", "{enabled: false}", "probe-defaults");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["failed"], 11);
  EXPECT_EQ(s["payments"]["by_code"]["91"], 11);
  EXPECT_EQ(s["nodes"]["net"]["timeouts"], 11);
  EXPECT_EQ(s["nodes"]["iss"]["served"], 109);
  EXPECT_EQ(s["nodes"]["iss"]["marked_unhealthy"], 1);
  EXPECT_EQ(s["nodes"]["iss"]["ejections"], 0);
  // The SLO windows see it: the first failure is answered at 21.752 (window [20, 25)).
  EXPECT_DOUBLE_EQ(s["faults"][0]["time_to_detect_seconds"].get<double>(), 5.0);
  EXPECT_EQ(s["faults"][0]["failed_payments"], 11);
}

TEST(Detection, FasterProbesShortenTheWindowOfFailures) {
  // A probe every second, verdicts at k + 0.2: those of 20.2, 21.2 and 22.2 fail, so
  // replica 0 is unhealthy at 22.2 s; the payments of 20.25 and 21.25 fail.
  const auto r = run("{interval: 1s, timeout: 200ms, unhealthy_after: 3, healthy_after: 2}",
                     "{enabled: false}", "probe-fast");
  EXPECT_EQ(r.summary["payments"]["failed"], 2);
  EXPECT_EQ(r.summary["nodes"]["iss"]["marked_unhealthy"], 1);
}

TEST(Detection, OutlierDetectionEjectsAfterConsecutiveTimeouts) {
  // Probes too slow to matter (every 60 s). The timeouts of the payments of 20.25 ...
  // 24.25 fire at 21.752 ... 25.752: the fifth ejects replica 0 (one of two: 10% rounds
  // to 0, and at least one may go). The payments of 20.25 ... 25.25 fail: 6. Ejected for
  // 30 s, until the 10 s sweep after 55.752: 60 s, after the last arrival.
  const auto r = run("{interval: 60s, timeout: 1s}", "{}", "outlier");
  const auto& s = r.summary;
  EXPECT_EQ(s["payments"]["failed"], 6);
  EXPECT_EQ(s["nodes"]["iss"]["ejections"], 1);
  EXPECT_EQ(s["nodes"]["iss"]["marked_unhealthy"], 0);
}

TEST(Detection, BothEnginesGiveTheSameBytesWithHealthChecksAndEjections) {
  const std::string dir = temp_dir("detection-engines");
  const std::string path = write_file(
      dir, "s.yaml",
      fill_template(kScenario,
                    {{"HEALTH", "{interval: 2s}"}, {"OUTLIER", "{consecutive_errors: 2}"}}));
  const auto ahead = run_scenario(path);
  const auto lockstep = run_scenario(path, {"--engine", "lockstep"});
  const std::vector<std::string> vary = {"\"wall_seconds\"", "\"mode\"", "\"command_line\""};
  EXPECT_EQ(without_lines(ahead.summary_text(), vary),
            without_lines(lockstep.summary_text(), vary));
  EXPECT_EQ(ahead.timeseries, lockstep.timeseries);
  EXPECT_GT(i(ahead.summary["nodes"]["iss"]["ejections"]), 0);
}

}  // namespace
}  // namespace payquake::testing
