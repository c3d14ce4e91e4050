// `payquake sweep` through the real binary: aggregates equal a hand computation from the
// per-run summaries, common vs independent seeds, a failed run reported and not averaged,
// an interrupted sweep resumed running only the missing runs, and located errors.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// An M/M/c issuer behind instant hops, a few seconds of load: each run takes a moment.
const char* kQueue = R"(name: queue
seed: 42
duration: 10s
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

std::string sweep_file(const std::string& dir, const std::string& seeds, int replications,
                       const std::string& workers = "[4, 6]") {
  write_file(dir, "queue.yaml", kQueue);
  return write_file(dir, "grid.yaml",
                    "base: queue.yaml\nreplications: " + std::to_string(replications) +
                        "\nseeds: " + seeds + "\nvary:\n  nodes.iss.workers: " + workers + "\n");
}

json read_json(const std::string& path) { return json::parse(read_file(path)); }

const json& figure(const json& point, const std::string& path) {
  for (const auto& f : point["figures"])
    if (f["path"] == path) return f;
  throw std::logic_error("no figure " + path);
}

// A payquake that logs each run it is asked for, then is the real one (or fails for `fail`).
std::string logging_binary(const std::string& dir, const std::string& fail = "") {
  std::string script = "#!/bin/sh\necho \"$*\" >> '" + dir + "/runs.log'\n";
  if (!fail.empty())
    script += "case \"$*\" in *\" " + fail +
              " \"*) echo 'payquake: internal error: boom' >&2; exit 3;; esac\n";
  script += "exec '" + payquake_binary() + "' \"$@\"\n";
  const std::string path = write_file(dir, "payquake", script);
  fs::permissions(path, fs::perms::owner_all);
  return path;
}

std::size_t lines_of(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(Sweep, AggregatesEqualAHandComputationFromThePerRunSummaries) {
  const std::string dir = temp_dir("sweep-hand");
  const RunOutput r =
      run_payquake({"sweep", sweep_file(dir, "common", 4), "--out", dir + "/s", "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 points x 4 replications (common seeds 42..45), 8/8 runs finished"),
            std::string::npos)
      << r.out;
  const json s = read_json(dir + "/s/sweep.json");
  ASSERT_EQ(s["points"].size(), 2u);
  const double t3 = 3.182446305284263;  // Student t, 3 degrees of freedom, 97.5% quantile
  for (const auto& point : s["points"]) {
    for (const char* path :
         {"latency_seconds.mean", "latency_seconds.p99", "nodes.iss.utilisation"}) {
      std::vector<double> v;
      for (int seed = 42; seed <= 45; ++seed) {
        const json run = read_json(dir + "/s/" + point["folder"].get<std::string>() + "/seed-" +
                                   std::to_string(seed) + "/summary.json");
        const std::string p(path);
        v.push_back(p == "nodes.iss.utilisation"
                        ? run["nodes"]["iss"]["utilisation"].get<double>()
                        : run["latency_seconds"][p.substr(16)].get<double>());
      }
      const double mean = (v[0] + v[1] + v[2] + v[3]) / 4;
      double ss = 0;
      for (double x : v) ss += (x - mean) * (x - mean);
      const double sd = std::sqrt(ss / 3);
      const double half = t3 * sd / 2;  // sqrt(4) = 2
      const json& f = figure(point, path);
      EXPECT_NEAR(f["mean"].get<double>(), mean, 1e-12 * std::fabs(mean)) << path;
      EXPECT_NEAR(f["sd"].get<double>(), sd, 1e-9 * sd) << path;
      EXPECT_NEAR(f["ci95"][0].get<double>(), mean - half, 1e-9 * std::fabs(mean)) << path;
      EXPECT_NEAR(f["ci95"][1].get<double>(), mean + half, 1e-9 * std::fabs(mean)) << path;
      EXPECT_EQ(f["n"], 4);
      EXPECT_GT(sd, 0) << path << ": replications should differ";
    }
  }
  // Fewer workers, longer waits: the grid shows the knob's effect beyond the noise.
  EXPECT_GT(figure(s["points"][0], "latency_seconds.mean")["ci95"][0].get<double>(),
            figure(s["points"][1], "latency_seconds.mean")["ci95"][1].get<double>());
  // sweep.csv carries the same numbers, one row per point and figure.
  const std::string csv = read_file(dir + "/s/sweep.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "point,folder,nodes.iss.workers,figure,path,unit,replications,finished,n,null,mean,sd,"
            "ci95_low,ci95_high");
  std::ostringstream mean0;
  mean0.precision(17);
  mean0 << figure(s["points"][0], "latency_seconds.mean")["mean"].get<double>();
  EXPECT_NE(
      csv.find("0,point-0,4,latency mean,latency_seconds.mean,seconds,4,4,4,0," + mean0.str()),
      std::string::npos)
      << csv;
}

TEST(Sweep, CommonSeedsGiveEveryPointTheSameArrivalsIndependentSeedsDoNot) {
  const std::string dir = temp_dir("sweep-seeds");
  ASSERT_EQ(run_payquake({"sweep", sweep_file(dir, "common", 2), "--out", dir + "/c", "--quiet"})
                .exit_code,
            0);
  ASSERT_EQ(
      run_payquake({"sweep", sweep_file(dir, "independent", 2), "--out", dir + "/i", "--quiet"})
          .exit_code,
      0);
  const json c = read_json(dir + "/c/sweep.json");
  const json i = read_json(dir + "/i/sweep.json");
  EXPECT_EQ(c["points"][0]["seeds"], json::array({42, 43}));
  EXPECT_EQ(c["points"][1]["seeds"], json::array({42, 43}));
  EXPECT_EQ(i["points"][0]["seeds"], json::array({42, 43}));
  EXPECT_EQ(i["points"][1]["seeds"], json::array({44, 45}));
  // Workers do not change who arrives when: with common seeds both points see the same payments.
  const auto arrivals = [](const json& s, int point) {
    return figure(s["points"][point], "measured.throughput_per_second")["values"];
  };
  EXPECT_EQ(arrivals(c, 0), arrivals(c, 1));
  EXPECT_NE(arrivals(i, 0), arrivals(i, 1));
}

TEST(Sweep, AFailedRunIsReportedNotAveragedAndRunAgainOnTheNextStart) {
  const std::string dir = temp_dir("sweep-failed");
  const std::string file = sweep_file(dir, "common", 3);
  ::setenv("PAYQUAKE_STUDY_BINARY", logging_binary(dir, "point-1/seed-43").c_str(), 1);
  const RunOutput r = run_payquake({"sweep", file, "--out", dir + "/s", "--quiet"});
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("run point-1/seed-43 failed: exit 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("boom"), std::string::npos) << r.err;
  const json s = read_json(dir + "/s/sweep.json");
  EXPECT_EQ(s["complete"], false);
  EXPECT_EQ(s["runs"]["failed"], 1);
  EXPECT_EQ(s["problems"][0]["folder"], "point-1/seed-43");
  EXPECT_EQ(s["problems"][0]["why"], "exit 3");
  EXPECT_EQ(s["points"][1]["seeds"], json::array({42, 44}));
  EXPECT_EQ(figure(s["points"][1], "latency_seconds.mean")["n"], 2);
  EXPECT_EQ(figure(s["points"][0], "latency_seconds.mean")["n"], 3);
  // Started again (the failure gone), it runs that one run and nothing else.
  fs::remove(dir + "/runs.log");
  ::setenv("PAYQUAKE_STUDY_BINARY", logging_binary(dir).c_str(), 1);
  const RunOutput again = run_payquake({"sweep", file, "--out", dir + "/s", "--quiet"});
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(lines_of(dir + "/runs.log"), 1u);
  EXPECT_EQ(read_json(dir + "/s/sweep.json")["complete"], true);
}

TEST(Sweep, AnInterruptedSweepStartedAgainRunsOnlyTheMissingRuns) {
  const std::string dir = temp_dir("sweep-resume");
  const std::string file = sweep_file(dir, "independent", 6, "[4, 5]");  // 12 runs
  const std::string out = dir + "/s";
  ::setenv("PAYQUAKE_STUDY_BINARY", logging_binary(dir).c_str(), 1);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, STDERR_FILENO);
    ::dup2(null_fd, STDOUT_FILENO);
    ::execl(payquake_binary().c_str(), "payquake", "sweep", file.c_str(), "--out", out.c_str(),
            "-j", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto finished = [&] {
    std::size_t n = 0;
    for (int p = 0; p < 2; ++p)
      for (int seed = 42; seed < 54; ++seed)
        n += fs::exists(out + "/point-" + std::to_string(p) + "/seed-" + std::to_string(seed) +
                        "/summary.json");
    return n;
  };
  for (int i = 0; i < 600 && finished() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 130);
  const json partial = read_json(out + "/sweep.json");
  const std::size_t done = partial["runs"]["finished"].get<std::size_t>();
  ASSERT_GE(done, 3u);
  ASSERT_LT(done, 12u) << "the sweep ended before it could be interrupted";
  // The one interrupted run left a partial run folder: it is not counted.
  std::size_t counted = 0;
  for (const auto& p : partial["points"]) counted += p["seeds"].size();
  EXPECT_EQ(counted, done);
  const std::size_t started_before = lines_of(dir + "/runs.log");

  ::setenv("PAYQUAKE_STUDY_BINARY", logging_binary(dir).c_str(), 1);
  const RunOutput again = run_payquake({"sweep", file, "--out", out, "-j", "2"});
  ::unsetenv("PAYQUAKE_STUDY_BINARY");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::string resumed = std::to_string(done);  // built by appending: GCC 12 -Wrestrict
  resumed += " finished earlier, ";
  resumed += std::to_string(12 - done);
  resumed += " to run)";
  EXPECT_NE(again.err.find(resumed), std::string::npos) << again.err;
  EXPECT_EQ(lines_of(dir + "/runs.log") - started_before, 12 - done);
  EXPECT_EQ(read_json(out + "/sweep.json")["runs"]["finished"], 12);
  // The same bytes as a sweep never interrupted.
  ASSERT_EQ(run_payquake({"sweep", file, "--out", dir + "/whole", "--quiet"}).exit_code, 0);
  EXPECT_EQ(read_file(out + "/sweep.csv"), read_file(dir + "/whole/sweep.csv"));
}

TEST(Sweep, MistakesInTheSweepFileAreLocatedAndNothingRuns) {
  const std::string dir = temp_dir("sweep-errors");
  write_file(dir, "queue.yaml", kQueue);
  const std::string file = write_file(dir, "bad.yaml",
                                      "base: queue.yaml\n"
                                      "replications: 2\n"
                                      "vary:\n"
                                      "  nodes.iss.wrokers: [4]\n"
                                      "  nodes.isss.queue: [10]\n"
                                      "  nodes.iss.workers: [4, 0]\n"
                                      "seeds: commons\n");
  const RunOutput r = run_payquake({"sweep", file, "--out", dir + "/s"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file + ":7:8: seeds: expected one of common, independent, got 'commons' "
                              "(did you mean 'common'?)"),
            std::string::npos)
      << r.err;
  const std::string fixed =
      write_file(dir, "bad.yaml", read_file(file).substr(0, read_file(file).rfind("seeds")));
  const RunOutput r2 = run_payquake({"sweep", fixed, "--out", dir + "/s"});
  EXPECT_EQ(r2.exit_code, 2);
  EXPECT_NE(r2.err.find(file + ":4:3: nodes.iss.wrokers: unknown key 'wrokers', did you mean "
                               "'workers'?"),
            std::string::npos)
      << r2.err;
  EXPECT_NE(r2.err.find(file + ":5:3: nodes.isss: expected the id of an item of nodes (gw, acq, "
                               "net, iss), got 'isss', did you mean 'iss'?"),
            std::string::npos)
      << r2.err;
  EXPECT_NE(r2.err.find(file + ":6:26: nodes.iss.workers: expected a count >= 1, got '0'"),
            std::string::npos)
      << r2.err;
  EXPECT_FALSE(fs::exists(dir + "/s"));
  const RunOutput missing = run_payquake({"sweep", write_file(dir, "m.yaml", "base: nope.yaml\n")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("m.yaml:1:7: base: expected a valid scenario"), std::string::npos)
      << missing.err;
}

TEST(Sweep, AFolderOfAnotherSweepIsRefusedUnlessForced) {
  const std::string dir = temp_dir("sweep-other");
  ASSERT_EQ(run_payquake({"sweep", sweep_file(dir, "common", 1), "--out", dir + "/s", "--quiet"})
                .exit_code,
            0);
  const std::string changed = sweep_file(dir, "common", 1, "[4, 7]");
  const RunOutput r = run_payquake({"sweep", changed, "--out", dir + "/s", "--quiet"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds the runs of another sweep"), std::string::npos) << r.err;
  const RunOutput forced =
      run_payquake({"sweep", changed, "--out", dir + "/s", "--quiet", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(read_json(dir + "/s/sweep.json")["vary"][0]["values"], json::array({"4", "7"}));
  write_file(dir + "/s", "notes.txt", "mine");
  EXPECT_EQ(run_payquake({"sweep", changed, "--out", dir + "/s", "--force"}).exit_code, 2);
  EXPECT_TRUE(fs::exists(dir + "/s/notes.txt"));
}

}  // namespace
}  // namespace payquake::testing
