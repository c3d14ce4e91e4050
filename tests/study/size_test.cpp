// `payquake size` through the real binary: on an M/M/c issuer it returns the worker count
// Erlang C gives for the same target (computed here), mistakes in --knob, --slo and
// --node are located usage errors, and Ctrl-C keeps what was finished.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;

// An M/M/c issuer behind instant hops: Poisson arrivals at 800/s, exponential service of
// mean 10 ms (mu = 100/s, a = 8 Erlangs), an unlimited FIFO queue. Nothing fails or
// retries, so the issuer's queue wait is the M/M/c waiting time.
const char* kMmc = R"(name: mmc
duration: 60s
warmup: 5s
sites: [{id: s, internal_latency: 0ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [acq]}
  - {id: acq, role: acquirer, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}, next: [net]}
  - {id: net, role: network, site: s, workers: 1000, service_time: {dist: constant, value: 0ms}}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 20, queue: unlimited, service_time: {dist: exponential, mean: 10ms}}
payers:
  - {id: p, cards: 100000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {arrival: poisson, start_rate: 800/s}
)";

constexpr double kLambda = 800, kMu = 100;

// Erlang C: the probability that an arrival waits, for c servers and a = lambda / mu
// Erlangs (c > a), from the Erlang B recurrence B(k) = a B(k-1) / (k + a B(k-1)), which
// stays stable where the factorials overflow.
double erlang_c(int c, double a) {
  double b = 1;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return c * b / (c - a * (1 - b));
}

// The 99th percentile of the M/M/c wait: P(W > t) = C e^{-(c mu - lambda) t}, so the
// smallest t with P(W > t) <= 1% is 0 when C <= 1%, else ln(C / 0.01) / (c mu - lambda).
double wait_p99(int c) {
  const double C = erlang_c(c, kLambda / kMu);
  return C <= 0.01 ? 0 : std::log(C / 0.01) / (c * kMu - kLambda);
}

TEST(Size, FindsTheWorkerCountErlangCGivesForAWaitTarget) {
  const double target_s = 0.0085;
  int theory = 9;  // the smallest stable c is 9 (a = 8)
  while (wait_p99(theory) > target_s) ++theory;
  // The target lies well between the neighbours (theory's p99 wait: 10.7 ms at 11 servers,
  // 6.6 ms at 12), so replications of 48,000 payments decide it beyond their spread.
  ASSERT_EQ(theory, 12);
  ASSERT_GT(wait_p99(theory - 1), 1.2 * target_s);
  ASSERT_LT(wait_p99(theory), 0.85 * target_s);

  const std::string dir = temp_dir("mmc");
  const std::string scenario = write_file(dir, "mmc.yaml", kMmc);
  const std::string out = dir + "/size";
  const RunOutput r = run_payquake({"size", scenario, "--node", "iss", "--knob", "workers", "--slo",
                                    "queue_wait_p99<=8.5ms", "-n", "5", "-j", "2", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json size = nlohmann::json::parse(read_file(out + "/size.json"));
  EXPECT_EQ(size["answer"], theory) << r.out;
  EXPECT_EQ(size["largest_failing"], theory - 1);
  EXPECT_EQ(size["seeds"], nlohmann::json::array({1, 2, 3, 4, 5}));
  // Every stable value's simulated p99 wait agrees with theory within the run's own error:
  // its 95% interval widened to 99.9% (Student-t with 4 degrees of freedom: 8.610 / 2.776)
  // plus the histogram's 0.5% relative accuracy, so ~5 values fail by chance < 1% of runs.
  for (const auto& p : size["curve"]) {
    const int c = p["value"];
    const auto& f = p["figures"]["queue_wait_p99"];
    const double mean = f["mean"];
    if (c > 8) {
      const double half = (f["ci95"][1].get<double>() - f["ci95"][0].get<double>()) / 2;
      EXPECT_NEAR(mean, wait_p99(c), half * 8.610 / 2.776 + 0.005 * wait_p99(c)) << c;
    }
    EXPECT_EQ(p["meets"], c >= theory) << c;
  }
  const std::string csv = read_file(out + "/size.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "workers,figure,unit,n,mean,ci95_low,ci95_high,meets");
  EXPECT_NE(r.out.find("answer: workers = 12 on iss (11 does not meet the SLO)"), std::string::npos)
      << r.out;
  // The runs are kept, one folder per value and seed.
  EXPECT_TRUE(fs::exists(out + "/runs/workers=12/5/summary.json"));
}

TEST(Size, BadKnobSloOrNodeIsALocatedUsageError) {
  const std::string dir = temp_dir("usage");
  const std::string scenario = write_file(dir, "mmc.yaml", kMmc);
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases{
      {{"--knob", "threads", "--slo", "latency_p99<=2s"},
       "payquake: size: --knob: expected workers, replicas or queue, got 'threads'"},
      {{"--knob", "workers", "--slo", "latency_p99<=2s,success_rate>99%"},
       "payquake: size: --slo: expected METRIC<=VALUE or METRIC>=VALUE, like latency_p99<=2s or "
       "success_rate>=99.9%, got 'success_rate>99%' (in 'latency_p99<=2s,success_rate>99%')"},
      {{"--knob", "workers", "--slo", "latncy_p99<=2s"},
       "payquake: size: --slo: expected a metric (latency_p50, "},
      {{"--knob", "workers", "--slo", "latency_p99<=2 seconds"},
       "payquake: size: --slo: expected a duration like 2s or 250ms for latency_p99, got '2 "
       "seconds'"},
      {{"--knob", "workers", "--slo", "success_rate>=101%"},
       "payquake: size: --slo: expected a percentage like 99.9% (or a fraction like 0.999) for "
       "success_rate, got '101%'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args{"size", scenario, "--node", "iss", "--out", dir + "/never"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const RunOutput r = run_payquake(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/never")) << "nothing is run or written";
  }
  const RunOutput node = run_payquake(
      {"size", scenario, "--node", "isss", "--knob", "workers", "--slo", "latency_p99<=2s"});
  EXPECT_EQ(node.exit_code, 2);
  EXPECT_NE(node.err.find("--node: expected the id of a node of " + scenario +
                          ", got 'isss' (did you mean 'iss'?)"),
            std::string::npos)
      << node.err;
  const RunOutput bad = run_payquake({"size", scenario, "--set", "duration=soon", "--node", "iss",
                                      "--knob", "workers", "--slo", "latency_p99<=2s"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("duration: expected a duration"), std::string::npos) << bad.err;
}

TEST(Size, CtrlCKeepsTheValuesFinishedAndGivesNoAnswer) {
  const std::string dir = temp_dir("ctrlc");
  const std::string scenario = write_file(dir, "mmc.yaml", kMmc);
  const std::string out = dir + "/size";
  std::vector<std::string> args = {payquake_binary(), "size", scenario, "--node", "iss",
                                   "--knob", "workers", "--slo", "queue_wait_p99<=8.5ms",
                                   "-n", "2", "-j", "1", "--out", out, "--quiet"};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // Interrupt once the second value's runs have begun.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool second = false;
  while (!second && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (const auto& e : fs::directory_iterator(dir))
      if (fs::exists(e.path() / "runs/workers=10")) second = true;
  }
  ASSERT_TRUE(second);
  ::kill(-pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  const nlohmann::json size = nlohmann::json::parse(read_file(out + "/size.json"));
  EXPECT_EQ(size["partial"], true);
  EXPECT_TRUE(size["answer"].is_null());
  ASSERT_GE(size["curve"].size(), 1u);
  EXPECT_EQ(size["curve"][0]["value"], 20);
  EXPECT_TRUE(fs::exists(out + "/runs/workers=20/2/summary.json"));
}

}  // namespace
}  // namespace payquake::testing
