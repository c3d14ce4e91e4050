// The command line as a user meets it: exit codes, what is printed, the run folder.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(source_dir() + "/scenarios"))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(Cli, EveryShippedScenarioValidates) {
  auto files = shipped_scenarios();
  ASSERT_GE(files.size(), 2u);
  std::vector<std::string> args = {"validate"};
  args.insert(args.end(), files.begin(), files.end());
  const auto r = run_payquake(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const auto& f : files) EXPECT_NE(r.out.find(f + ": ok"), std::string::npos) << r.out;
}

TEST(Cli, ValidateReportsEveryMistakeWithItsLocationAndExits2) {
  const std::string dir = temp_dir("three");
  const std::string path = write_file(dir, "bad.yaml", R"(name: three-mistakes
duration: 10s
sites: [{id: east}]
nodes:
  - {id: gw, role: gateway, site: east, workers: 4, service_time: {dist: constant, value: 1ms}, next: [acq]}
  - {id: acq, role: acquirer, site: east, workers: 0, service_time: {dist: constant, value: 1ms}, next: [net]}
  - {id: net, role: network, site: east, workers: 4, service_time: {dist: constant, value: 1ms}}
  - {id: iss, role: issuer, site: east, bins: ["4111"], workers: 4, queu: 10, service_time: {dist: constant, value: 1ms}}
payers:
  - {id: p, cards: 10, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 1.00}}
load: {start_rate: fast}
)");
  const auto r = run_payquake({"validate", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  // Three located errors, each on its own line starting with file:line:col.
  int located = 0;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(path + ":", 0) == 0 && std::isdigit(static_cast<unsigned char>(line[path.size() + 1])))
      ++located;
  EXPECT_EQ(located, 3) << r.err;
  EXPECT_NE(r.err.find(path + ":6:"), std::string::npos) << r.err;  // workers: 0
  EXPECT_NE(r.err.find(path + ":8:"), std::string::npos) << r.err;  // queu
  EXPECT_NE(r.err.find("did you mean 'queue'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(path + ":11:"), std::string::npos) << r.err;  // start_rate: fast
}

TEST(Cli, RunWritesTheRunFolderAndPrintsASummary) {
  const std::string out = temp_dir("quick");
  const auto r = run_payquake({"run", source_dir() + "/scenarios/quickstart.yaml", "--out", out,
                               "--set", "duration=20s", "--set", "warmup=2s"},
                              out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"summary.json", "timeseries.csv", "scenario.resolved.yaml"})
    EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
  EXPECT_NE(r.out.find("payments"), std::string::npos);
  EXPECT_NE(r.out.find("p99"), std::string::npos);
  EXPECT_NE(r.out.find(out), std::string::npos) << "the summary says where the results are";
  EXPECT_EQ(r.summary["scenario"], "quickstart");
  EXPECT_EQ(r.summary["partial"], false);
  EXPECT_GT(r.summary["payments"]["total"].get<int>(), 0);
  // No temporary files left behind by the atomic writes.
  for (const auto& e : fs::directory_iterator(out))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  // The resolved scenario is itself a valid scenario.
  EXPECT_EQ(run_payquake({"validate", out + "/scenario.resolved.yaml"}).exit_code, 0);
}

TEST(Cli, TimeseriesHasTheDocumentedColumns) {
  const std::string out = temp_dir("cols");
  const auto r = run_payquake({"run", source_dir() + "/scenarios/quickstart.yaml", "--out", out,
                               "--quiet", "--set", "duration=5s", "--set", "warmup=0s"},
                              out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string header = r.timeseries.substr(0, r.timeseries.find('\n'));
  EXPECT_EQ(header.rfind("time,arrivals,completions,success_rate,latency_p50_seconds,"
                         "latency_p99_seconds,declines,retries,reversals,stand_in_approvals,duplicates,"
                         "in_doubt,gw_utilisation,gw_queue_length",
                         0),
            0u)
      << header;
  const auto arrivals = csv_column(r.timeseries, "arrivals");
  double total = 0;
  for (double a : arrivals) total += a;
  EXPECT_EQ(total, r.summary["payments"]["total"].get<double>());
}

TEST(Cli, SeedOptionOverridesTheScenario) {
  const std::string out = temp_dir("seed");
  const auto r = run_payquake({"run", source_dir() + "/scenarios/quickstart.yaml", "--out", out,
                               "--quiet", "--seed", "99", "--set", "duration=3s", "--set", "warmup=0s"},
                              out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.summary["seed"], 99);
}

TEST(Cli, BadUsageExits2AndHelpExits0) {
  EXPECT_EQ(run_payquake({"run"}).exit_code, 2);
  EXPECT_EQ(run_payquake({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_payquake({"run", "x.yaml", "--engine", "warp"}).exit_code, 2);
  const auto help = run_payquake({"run", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--seed"), std::string::npos);
  EXPECT_EQ(run_payquake({"validate", "--help"}).exit_code, 0);
}

TEST(Cli, APathLongerThanTheLedgerRecordsIsBadInput) {
  // gw -> a1 .. a6 -> net -> iss: nine nodes from the entry to the issuer.
  std::string nodes =
      "  - {id: gw, role: gateway, site: s, workers: 10, service_time: {dist: constant, value: "
      "0ms}, next: [a1]}\n";
  for (int i = 1; i <= 6; ++i)
    nodes += "  - {id: a" + std::to_string(i) +
             ", role: acquirer, site: s, workers: 10, service_time: {dist: constant, value: "
             "0ms}, next: [" + (i < 6 ? std::string("a").append(std::to_string(i + 1)) : std::string("net")) + "]}\n";
  nodes +=
      "  - {id: net, role: network, site: s, workers: 10, service_time: {dist: constant, value: "
      "0ms}}\n  - {id: iss, role: issuer, site: s, bins: [\"4111\"], workers: 10, "
      "service_time: {dist: constant, value: 0ms}}\n";
  const std::string path = write_file(
      temp_dir("deep"), "deep.yaml",
      "name: deep\nduration: 2s\nsites: [{id: s}]\nnodes:\n" + nodes +
          "payers:\n  - {id: p, cards: 10, issuers: {iss: 100%}, entry: gw, amount: {dist: "
          "constant, value: 1.00}}\nload: {start_rate: 1/s}\n");
  const auto r = run_payquake({"run", path, "--quiet", "--out", temp_dir("deep-out")});
  EXPECT_EQ(r.exit_code, 2);
  const std::string located = path +
                              ":15:53: payers.p.entry: expected paths from the entry "
                              "through at most 8 nodes (what the ledger records), got 9: ";
  EXPECT_NE(r.err.find(located), std::string::npos) << r.err;
  const auto v = run_payquake({"validate", path});
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find(located), std::string::npos) << v.err;
}

// A small valid scenario over two linked sites, to be broken one way at a time.
const std::string kTwoSites = R"(name: two
duration: 2s
sites: [{id: east}, {id: west}]
links:
  - {between: [east, west], latency: 1ms}
nodes:
  - {id: gw, role: gateway, site: east, workers: 4, service_time: {dist: constant, value: 1ms}, next: [net]}
  - {id: net, role: network, site: east, workers: 4, service_time: {dist: constant, value: 1ms}}
  - {id: iss, role: issuer, site: west, bins: ["4111"], workers: 4, service_time: {dist: constant, value: 1ms}}
payers:
  - {id: p, cards: 10, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 1.00}}
load: {start_rate: 10/s}
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

struct BadInput {
  const char* name;
  std::string yaml;
  std::string located;  // what validate and run print, after "<path>:"
};

// Everything run rejects, validate rejects first, at the same location (issue 7 section 3);
// hostile input (section 4) is refused the same way, never a crash.
TEST(Cli, ValidateAndRunRefuseTheSameInputAtTheSameLocation) {
  const std::vector<BadInput> cases = {
      {"duplicate-link",
       replaced(kTwoSites, "latency: 1ms}\n",
                "latency: 1ms}\n  - {between: [west, east], latency: 2ms}\n"),
       "6:15: links[1].between: expected one link between two sites"},
      {"site-named-control",
       replaced(replaced(kTwoSites, "{id: west}", "{id: control}"), "[east, west]",
                "[east, control]"),
       "3:26: sites.control.id: expected a site id other than 'control' and 'payquake'"},
      {"issuer-no-link-reaches",
       replaced(kTwoSites, "links:\n  - {between: [east, west], latency: 1ms}\n", ""),
       "7:35: nodes.iss.site: expected a site joined by links to 'east'"},
      {"next-into-unlinked-site",
       replaced(replaced(kTwoSites, "links:\n  - {between: [east, west], latency: 1ms}\n", ""),
                "{id: net, role: network, site: east", "{id: net, role: network, site: west"),
       "6:36: nodes.net.site: expected a site joined by links to 'east'"},
      {"recursive-alias", "&a [*a]", "1:1: [0]: expected no recursive alias"},
      {"nan-rate", replaced(kTwoSites, "10/s", "nan/s"), "12:20: load.start_rate: expected a rate"},
      {"name-outside-runs", replaced(kTwoSites, "name: two", "name: ../../x"),
       "1:7: name: expected an id of letters"},
      {"invalid-utf8", replaced(kTwoSites, "name: two", "name: tw\xff"),
       "1:7: name: expected UTF-8 text without control characters"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = write_file(temp_dir(c.name), "s.yaml", c.yaml);
    const auto v = run_payquake({"validate", path});
    EXPECT_EQ(v.exit_code, 2);
    EXPECT_NE(v.err.find(path + ":" + c.located), std::string::npos) << v.err;
    const auto r = run_payquake({"run", path, "--quiet", "--out", temp_dir("bad-out")});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(path + ":" + c.located), std::string::npos) << r.err;
  }
}

TEST(Cli, ARecursiveAliasInASetValueIsBadInput) {
  const std::string path = write_file(temp_dir("alias-set"), "s.yaml", kTwoSites);
  const auto r = run_payquake({"run", path, "--quiet", "--set", "seed=&a [*a]"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--set: seed: expected no recursive alias"), std::string::npos) << r.err;
}

TEST(Cli, WithoutFaultsIgnoresFaultTimesBeyondAShortenedDuration) {
  const std::string path = write_file(
      temp_dir("wf"), "s.yaml",
      replaced(kTwoSites, "duration: 2s", "duration: 20m") +
          "faults:\n  - {id: outage, kind: crash, target: iss, at: 10m, duration: 1m}\n");
  const auto with = run_payquake({"run", path, "--quiet", "--set", "duration=2s"});
  EXPECT_EQ(with.exit_code, 2);
  const std::string out = temp_dir("wf-out");
  const auto without = run_payquake(
      {"run", path, "--quiet", "--without-faults", "--set", "duration=2s", "--out", out}, out);
  EXPECT_EQ(without.exit_code, 0) << without.err;
  // A fault is addressed by its id.
  const auto moved = run_payquake({"run", path, "--quiet", "--set", "duration=2s", "--set",
                                   "faults.outage.at=1s", "--out", temp_dir("wf-moved")});
  EXPECT_EQ(moved.exit_code, 0) << moved.err;
}

// Fraud policy files (models/fraud/*.yaml) validate through the same command, which says it
// read them as policies; a policy's mistakes are located like a scenario's, exit 2.
TEST(Cli, ValidatesFraudPolicyFiles) {
  std::vector<std::string> args = {"validate"};
  for (const char* name : {"rules-only", "score-threshold", "velocity-plus-3ds"})
    args.push_back(source_dir() + "/models/fraud/" + name + ".yaml");
  const auto ok = run_payquake(args);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("score-threshold.yaml: ok (a fraud policy: score AUC 0.93, 1 rule"),
            std::string::npos)
      << ok.out;
  const std::string dir = temp_dir("policy");
  const std::string path = write_file(dir, "bad-policy.yaml",
                                      "rules:\n  - {score_over: 0.9, action: stepup}\n");
  const auto bad = run_payquake({"validate", path});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find(path + ":2:18: rules[0].score_over: expected a rule the policy can "
                                "evaluate, got a score threshold"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("(did you mean 'step_up'?)"), std::string::npos) << bad.err;
}

TEST(Cli, AMissingScenarioFileIsBadInput) {
  const auto r = run_payquake({"run", "/nonexistent/scenario.yaml", "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/scenario.yaml"), std::string::npos);
}

}  // namespace
}  // namespace payquake::testing
