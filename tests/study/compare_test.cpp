// `payquake compare` through the real binary: exact zeros for a variant against itself,
// a real difference found with the right sign, pairing narrower than Welch, a failed run
// left out of both sides, --control (a drill without and with its faults, agreeing with
// `run --control`), and Ctrl-C leaving every finished run as it was.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "study/child_process.hpp"
#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;

// An M/M/c issuer behind instant hops: 300 payments/s on five 10 ms workers (60% busy).
// Nothing fails and nothing retries, so every difference is queueing.
const char* kQueue = R"(name: queue
duration: 40s
sites: [{id: s, internal_latency: 0ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [acq]}
  - {id: acq, role: acquirer, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [net]}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 5, queue: unlimited, service_time: {dist: exponential, mean: 10ms}}
payers:
  - {id: p, cards: 100000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {arrival: poisson, start_rate: 300/s}
)";

nlohmann::json compare_json(const std::string& dir) {
  return nlohmann::json::parse(read_file(dir + "/compare.json"));
}

const nlohmann::json& figure(const nlohmann::json& c, const std::string& name) {
  for (const auto& f : c["figures"])
    if (f["figure"] == name) return f;
  throw std::logic_error("no figure " + name);
}

std::string drill() { return source_dir() + "/tests/scenario/drills/short-drill.yaml"; }

TEST(Compare, AVariantAgainstItselfDiffersByExactlyZeroInEveryFigure) {
  const std::string out = temp_dir("self") + "/c";
  const RunOutput r = run_payquake({"compare", drill(), drill(), "-n", "3", "-j", "2", "--out", out,
                                    "--metric", "nodes.iss.served"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json c = compare_json(out);
  EXPECT_EQ(c["seeds"], nlohmann::json::array({1, 2, 3}));
  EXPECT_EQ(c["partial"], false);
  for (const auto& f : c["figures"]) {
    if (f["difference"]["pairs"] == 0) continue;  // null in every run (none here, but allowed)
    EXPECT_EQ(f["difference"]["mean"], 0.0) << f["figure"];
    EXPECT_EQ(f["difference"]["ci95"], nlohmann::json::array({0.0, 0.0})) << f["figure"];
    EXPECT_EQ(f["difference"]["excludes_zero"], false) << f["figure"];
  }
  EXPECT_EQ(figure(c, "nodes.iss.served")["a"]["n"], 3);
  for (const char* side : {"a", "b"})
    for (int seed = 1; seed <= 3; ++seed)
      EXPECT_TRUE(fs::exists(out + "/" + side + "/" + std::to_string(seed) + "/summary.json"));
  EXPECT_NE(r.out.find("3 paired replications"), std::string::npos) << r.out;
  // The folder follows the run folder's rules: an earlier comparison needs --force.
  const RunOutput again = run_payquake({"compare", drill(), "-n", "1", "--out", out});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
}

TEST(Compare, FewerWorkersShowAsLongerWaitsWithAnIntervalAboveZero) {
  const std::string dir = temp_dir("workers");
  const std::string scenario = write_file(dir, "queue.yaml", kQueue);
  const RunOutput r = run_payquake({"compare", scenario, "--set-b", "nodes.iss.workers=4", "-n",
                                    "5", "--out", dir + "/c", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const nlohmann::json c = compare_json(dir + "/c");
  EXPECT_EQ(c["b"], scenario + " --set nodes.iss.workers=4");
  const auto& mean = figure(c, "latency mean")["difference"];
  EXPECT_GT(mean["ci95"][0].get<double>(), 0) << mean;  // 75% busy waits longer than 60%
  EXPECT_EQ(mean["excludes_zero"], true);
  const auto& util = figure(c, "iss utilisation")["difference"];
  EXPECT_NEAR(util["mean"].get<double>(), 0.75 - 0.60, 0.01) << util;
}

// On a queueing scenario, common random numbers make the paired interval of a difference
// narrower than the unpaired one. The ratio measured here is quoted in the README.
TEST(Compare, PairingNarrowsTheIntervalOfADifference) {
  const std::string dir = temp_dir("pairing");
  const std::string scenario = write_file(dir, "queue.yaml", kQueue);
  const RunOutput r = run_payquake({"compare", scenario, "--set-b", "nodes.iss.workers=6", "-n",
                                    "10", "--out", dir + "/c", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json c = compare_json(dir + "/c");
  for (const char* name : {"latency mean", "latency p99", "iss utilisation"}) {
    const auto& f = figure(c, name);
    const double ratio = f["paired_to_unpaired_width"].get<double>();
    std::printf("pairing: %s: paired/unpaired interval width %.3f\n", name, ratio);
    EXPECT_LT(ratio, 1.0) << name;
  }
  std::printf("pairing: median over the figures %.3f\n",
              c["median_paired_to_unpaired_width"].get<double>());
}

TEST(Compare, AFailedRunIsReportedAndItsReplicationLeftOutOfBothSides) {
  const std::string dir = temp_dir("failed");
  // A payquake that fails for variant B's second seed, and is the real one otherwise.
  const std::string fake = write_file(
      dir, "payquake",
      "#!/bin/sh\ncase \"$*\" in *\" b/2 \"*) echo 'payquake: internal error: boom' >&2; "
      "exit 3;; esac\nexec '" +
          payquake_binary() + "' \"$@\"\n");
  fs::permissions(fake, fs::perms::owner_all);
  ::setenv("PAYQUAKE_STUDY_BINARY", fake.c_str(), 1);
  const RunOutput r = run_payquake(
      {"compare", drill(), "--set-b", "nodes.iss.workers=20", "-n", "3", "--out", dir + "/c"});
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("run b/2 (seed 2) failed: exit 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("boom"), std::string::npos) << r.err;
  const nlohmann::json c = compare_json(dir + "/c");
  EXPECT_EQ(c["seeds"], nlohmann::json::array({1, 3}));
  EXPECT_EQ(c["excluded"][0]["seed"], 2);
  EXPECT_EQ(figure(c, "latency mean")["a"]["n"], 2);  // A's run of seed 2 is not averaged
  EXPECT_EQ(figure(c, "latency mean")["b"]["n"], 2);
  EXPECT_TRUE(fs::exists(dir + "/c/a/2/summary.json"));  // kept, only not counted
}

TEST(Compare, BadInputInEitherVariantRunsNothing) {
  const std::string dir = temp_dir("bad");
  const RunOutput r =
      run_payquake({"compare", drill(), "--set-b", "nodes.iss.workers=0", "--out", dir + "/c"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nodes.iss.workers"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("variant B"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/c"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 0);  // no staging left either
}

// --control: A is the drill without its faults, B with them, on the same seeds: B - A is
// what the faults cost. One replication's difference is what `run --control` reports as
// its delta (the same machinery, one seed).
TEST(Compare, ControlComparesAScenarioWithoutAndWithItsFaults) {
  const std::string dir = temp_dir("control");
  const RunOutput r = run_payquake(
      {"compare", drill(), "--control", "-n", "2", "-j", "2", "--out", dir + "/c", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json c = compare_json(dir + "/c");
  EXPECT_EQ(c["a"], drill() + " --without-faults");
  EXPECT_EQ(c["b"], drill());
  EXPECT_EQ(c["seeds"], nlohmann::json::array({1, 2}));
  nlohmann::json a1, b1;
  for (int seed = 1; seed <= 2; ++seed) {
    const auto a =
        nlohmann::json::parse(read_file(dir + "/c/a/" + std::to_string(seed) + "/summary.json"));
    const auto b =
        nlohmann::json::parse(read_file(dir + "/c/b/" + std::to_string(seed) + "/summary.json"));
    EXPECT_TRUE(a["faults"].empty());
    EXPECT_EQ(b["faults"].size(), 1u);
    EXPECT_EQ(a["payments"]["total"], b["payments"]["total"]);  // the same arrivals
    if (seed == 1) a1 = a, b1 = b;
  }
  const auto& failed = figure(c, "payments failed");
  EXPECT_EQ(failed["a"]["mean"], 0.0);  // nothing fails without the crash
  EXPECT_GT(failed["difference"]["mean"].get<double>(), 0.0);
  EXPECT_EQ(failed["difference"]["excludes_zero"], true);

  const RunOutput run = run_payquake(
      {"run", drill(), "--seed", "1", "--control", "--out", dir + "/r", "--quiet"}, dir + "/r");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.summary["delta"]["payments_failed"].get<double>(),
            b1["payments"]["failed"].get<double>() - a1["payments"]["failed"].get<double>());
  EXPECT_EQ(nlohmann::json::parse(read_file(dir + "/r/control/summary.json"))["payments"],
            a1["payments"]);
}

TEST(Compare, ControlNeedsOneFileWithFaults) {
  const std::string dir = temp_dir("control-bad");
  const RunOutput two =
      run_payquake({"compare", drill(), drill(), "--control", "--out", dir + "/c"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("give one file, not two"), std::string::npos) << two.err;
  const RunOutput none = run_payquake(
      {"compare", source_dir() + "/scenarios/quickstart.yaml", "--control", "--out", dir + "/c"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("has none"), std::string::npos) << none.err;
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 0);  // nothing run, nothing left
}

// Ctrl-C (SIGINT to the whole process group, as a terminal sends it) once the first run
// has finished: exit 130, the finished run intact, the rest partial or never started.
TEST(Compare, CtrlCKeepsEveryFinishedRunAndExits130) {
  const std::string dir = temp_dir("ctrlc");
  const std::string out = dir + "/c";
  std::vector<std::string> args = {payquake_binary(),
                                   "compare",
                                   source_dir() + "/scenarios/black-friday.yaml",
                                   "--set",
                                   "duration=2m",
                                   "-n",
                                   "3",
                                   "-j",
                                   "1",
                                   "--out",
                                   out,
                                   "--quiet"};
  study::ChildSpec spec;
  spec.argv = args;
  spec.own_process_group = true;
  study::ChildProcess child(spec);
  // Wait until the first run's summary appears in the comparison's staging folder.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool first_done = false;
  while (!first_done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& e : fs::directory_iterator(dir))
      if (fs::exists(e.path() / "a/1/summary.json")) first_done = true;
  }
  ASSERT_TRUE(first_done);
  ::kill(-child.pid(), SIGINT);
  const study::ChildExit ended = child.wait();
  EXPECT_EQ(ended.signal, 0);
  EXPECT_EQ(ended.exit_code, 130);
  const nlohmann::json c = compare_json(out);
  EXPECT_EQ(c["partial"], true);
  EXPECT_EQ(nlohmann::json::parse(read_file(out + "/a/1/summary.json"))["partial"], false);
  EXPECT_FALSE(fs::exists(out + "/a/3"));  // never started
  EXPECT_LE(c["seeds"].size(), 1u);
}

}  // namespace
}  // namespace payquake::testing
