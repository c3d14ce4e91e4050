// Drills as a resilience team runs them: recovery per fault, the verdict and its exit
// code, control runs on the same random streams, and the metastable retry storm.
#include <gtest/gtest.h>

#include <string>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// 100 payments per second, evenly spaced (k/100 + 5 ms); 1 ms between nodes; the issuer
// serves in 10 ms; the network waits 2 s. The only issuer crashes at 60 s for 30 s.
const char* kCrash = R"(name: crash-drill
seed: 9
duration: 150s
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 10s, health_check: {mode: oracle}}
  - {id: acq, role: acquirer, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 8s, health_check: {mode: oracle}}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, timeout: 2s, health_check: {mode: oracle}}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 10, service_time: {dist: constant, value: 10ms}}
payers:
  - {id: p, cards: 1000000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {arrival: uniform, start_rate: 100/s}
faults:
  - {kind: crash, target: iss, at: 60s, duration: 30s}
slo: {window: 5s, success_rate: 99%, latency_p99: 1s, stable_for: 10s}
expect:
{EXPECT}
)";

RunOutput run_crash(const std::string& expect, std::vector<std::string> extra = {}) {
  const std::string dir = temp_dir("drill");
  const std::string out = temp_dir("drill-out");
  std::vector<std::string> args = {"run", write_file(dir, "s.yaml", fill_template(kCrash, {{"EXPECT", expect}})),
                                   "--out", out};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_payquake(args, out);
}

TEST(Drill, RecoveryOfACrashMatchesTheHandComputation) {
  const auto r = run_crash("  duplicates: \"== 0\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Failed: the payment in service at 60 s (arrived 59.995, lost with the host, answered
  // 91 by the network's 2 s timeout) and every payment reaching the issuer while it is
  // down: arrivals 59.995 through 89.995, that is k = 5999..8999: 3001 payments.
  EXPECT_EQ(r.summary["payments"]["failed"], 3001);
  ASSERT_EQ(r.summary["faults"].size(), 1u);
  const auto& f = r.summary["faults"][0];
  EXPECT_EQ(f["kind"], "crash");
  EXPECT_EQ(f["target"], "iss");
  // By hand: the first window overlapping the crash, [60, 65), fails the SLO and closes
  // 5 s after the start; the first window after the end, [90, 95), and the next one
  // (stable_for 10 s) meet it: recovered 0 s after the end, 30 s after the start.
  EXPECT_EQ(f["time_to_detect_seconds"], 5.0);
  EXPECT_EQ(f["recovered"], true);
  EXPECT_EQ(f["time_to_recover_seconds"], 0.0);
  EXPECT_EQ(f["time_to_recover_from_start_seconds"], 30.0);
  EXPECT_EQ(f["failed_payments"], 3001);
  // The error budget is 1% of 15,000 payments = 150 failures; 3001 is 20 budgets.
  EXPECT_NEAR(f["error_budget_consumed"].get<double>(), 3001.0 / 150.0, 1e-9);
  // faults.csv holds the same episode.
  const std::string csv = read_file(r.run_dir + "/faults.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "kind,target,start,end,reached,ended,time_to_detect_seconds,time_to_recover_seconds,"
            "time_to_recover_from_start_seconds,recovered,failed_payments,duplicates,"
            "error_budget_consumed");
  EXPECT_NE(csv.find("crash,iss,60,90,true,true,5,0,30,true,3001,0,"), std::string::npos) << csv;
}

TEST(Drill, ExpectationsDecideTheExitCodeAndThePrintedVerdict) {
  const auto held = run_crash("  duplicates: \"== 0\"\n  recovery_time: \"<= 10s\"");
  EXPECT_EQ(held.exit_code, 0) << held.err;
  EXPECT_NE(held.out.find("verdict      PASS (2 of 2 held)"), std::string::npos) << held.out;
  ASSERT_EQ(held.summary["expectations"].size(), 2u);
  EXPECT_EQ(held.summary["expectations"][1]["expect"], "recovery_time <= 10s");
  EXPECT_EQ(held.summary["expectations"][1]["value"], 0.0);
  EXPECT_EQ(held.summary["expectations"][1]["held"], true);

  const auto broken = run_crash("  duplicates: \"== 0\"\n  failed: \"<= 3000\"");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("FAILED     failed <= 3000"), std::string::npos) << broken.out;
  EXPECT_NE(broken.out.find("verdict      FAIL (1 of 2 held)"), std::string::npos) << broken.out;
  EXPECT_EQ(broken.summary["expectations"][1]["value"], 3001.0);
  EXPECT_EQ(broken.summary["expectations"][1]["held"], false);
  // A dotted path into summary.json works as a metric too.
  EXPECT_EQ(run_crash("  payments.by_code.91: \"== 3001\"").exit_code, 0);
}

// The fraud metrics are read from summary.json's "fraud" like any other. With no policy
// nothing is caught, declined or challenged by one (base-rate fraud, once the flow draws
// it, is all charged: the loss is not pinned here).
TEST(Drill, FraudExpectationsAreJudgedOnTheFraudSection) {
  const auto held = run_crash(
      "  false_declines: \"== 0\"\n  fraud_caught: \"== 0\"\n  step_ups: \"== 0\"\n"
      "  catch_rate: \"<= 0%\"");
  EXPECT_EQ(held.exit_code, 0) << held.err << held.out;
  EXPECT_NE(held.out.find("verdict      PASS (4 of 4 held)"), std::string::npos) << held.out;
  EXPECT_EQ(held.summary["fraud"]["lost_margin"], "0.00");
  EXPECT_TRUE(held.summary["fraud"]["by_policy"].empty());
  const std::string header = held.timeseries.substr(0, held.timeseries.find('\n'));
  EXPECT_NE(header.find(",fraud_attempts,fraud_approved,fraud_caught,false_declines,step_ups"),
            std::string::npos)
      << header;

  const auto broken = run_crash("  fraud_caught: \">= 1\"");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_EQ(broken.summary["expectations"][0]["value"], 0.0);
  EXPECT_EQ(run_crash("  fraud.step_up_abandoned: \"== 0\"").exit_code, 0);
}

// A scenario with a policy on the gateway and an attack: the fraud outputs name them
// (per policy, per attack, the stdout block, the report's Fraud chart), whatever the flow
// does with them; the figures themselves are pinned by FraudMetrics' unit tests.
TEST(Drill, APolicyAndAnAttackAreReportedByNameInEveryOutput) {
  const std::string dir = temp_dir("drill-fraud");
  std::string yaml = fill_template(kCrash, {{"EXPECT", "  fraud.by_policy.gw.evaluated: \">= 0\""}});
  const std::string gw = "next: [acq], timeout: 10s, health_check: {mode: oracle}";
  ASSERT_NE(yaml.find(gw), std::string::npos);
  yaml.replace(yaml.find(gw), gw.size(),
               gw + ", fraud: {rules: [{amount_over: 1000.00, action: decline}], "
                    "on_failure: fail_closed}");
  yaml += "attacks:\n  - {kind: flood, id: fl, entry: gw, at: 10s, duration: 5s, rate: 10/s}\n";
  const std::string out = temp_dir("drill-fraud-out");
  const std::string path = write_file(dir, "s.yaml", yaml);
  const auto r = run_payquake({"run", path, "--out", out}, out);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  // An inline policy is named by the file it is written in, relative to the scenario.
  EXPECT_EQ(r.summary["fraud"]["by_policy"]["gw"]["file"], "s.yaml");
  EXPECT_EQ(r.summary["fraud"]["by_attack"]["fl"]["kind"], "flood");
  EXPECT_NE(r.out.find("  attack       fl (flood): "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  policy       gw (s.yaml): "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  fraud cost   "), std::string::npos) << r.out;
  EXPECT_NE(read_file(r.run_dir + "/report.html").find("id=fraud>"), std::string::npos);
}

TEST(Drill, TheControlRunHasIdenticalArrivalsAndReportsTheDelta) {
  const auto r = run_crash("  duplicates: \"== 0\"", {"--control"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto control = nlohmann::json::parse(read_file(r.run_dir + "/control/summary.json"));
  EXPECT_TRUE(control["faults"].empty());
  // Common random numbers: the same payers arrive at the same times with the same cards
  // and amounts, with or without the fault.
  EXPECT_EQ(control["payments"]["total"], r.summary["payments"]["total"]);
  EXPECT_EQ(csv_column(read_file(r.run_dir + "/control/timeseries.csv"), "arrivals"),
            csv_column(r.timeseries, "arrivals"));
  EXPECT_EQ(control["payments"]["failed"], 0);
  EXPECT_EQ(r.summary["control"]["payments_failed"], 0.0);
  EXPECT_EQ(r.summary["delta"]["payments_failed"], 3001.0);
  EXPECT_EQ(r.summary["delta"]["payments_approved"], -3001.0);
  EXPECT_NE(r.out.find("against control"), std::string::npos) << r.out;
}

TEST(Drill, TheRetryStormNeverRecoversAndItsBudgetedTwinDoes) {
  const auto storm = run_scenario(source_dir() + "/scenarios/retry-storm.yaml");
  EXPECT_EQ(storm.exit_code, 1);  // its recovery_time expectation fails
  ASSERT_EQ(storm.summary["faults"].size(), 1u);
  EXPECT_EQ(storm.summary["faults"][0]["recovered"], false);
  EXPECT_TRUE(storm.summary["faults"][0]["time_to_recover_seconds"].is_null());
  EXPECT_EQ(storm.summary["expectations"][0]["value"], nullptr);  // "never"

  const auto budget = run_scenario(source_dir() + "/scenarios/retry-storm-budget.yaml");
  EXPECT_EQ(budget.exit_code, 0) << budget.err;
  EXPECT_EQ(budget.summary["faults"][0]["recovered"], true);
  EXPECT_LE(budget.summary["faults"][0]["time_to_recover_seconds"].get<double>(), 120.0);
  // The budget is what changed: a tenth of the retries or less.
  EXPECT_LT(budget.summary["attempts"]["hop_retries"].get<double>(),
            0.1 * storm.summary["attempts"]["hop_retries"].get<double>());
}

TEST(Drill, TheShippedDrillsPassTheirOwnVerdicts) {
  for (const char* name : {"issuer-outage-drill", "region-failover"}) {
    const auto r = run_scenario(source_dir() + "/scenarios/" + name + ".yaml");
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.summary["conservation"]["ok"], true) << name;
    // Detection is modelled: the outage shows in the SLO windows before routing avoids it.
    EXPECT_FALSE(r.summary["faults"][0]["time_to_detect_seconds"].is_null()) << name;
    if (std::string(name) == "region-failover") {
      EXPECT_GT(r.summary["faults"][0]["failed_payments"].get<int>(), 0);
      EXPECT_EQ(r.summary["nodes"]["acq-east"]["marked_unhealthy"], 2);  // both replicas
    }
  }
  // Without stand-in the issuer outage fails its success-rate hypothesis: exit 1.
  const auto off = run_scenario(source_dir() + "/scenarios/issuer-outage-drill.yaml",
                                {"--set", "nodes.net.stand_in.enabled=false"});
  EXPECT_EQ(off.exit_code, 1);
  EXPECT_GT(off.summary["faults"][0]["failed_payments"].get<int>(), 100000);
}

}  // namespace
}  // namespace payquake::testing
