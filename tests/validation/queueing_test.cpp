// The issuer as a textbook queue, compared with queueing theory (DESIGN.md section 7):
// mean wait against M/M/1, M/M/c (Erlang C) and M/D/1 (Pollaczek-Khinchine), Little's
// law, and utilisation = lambda / (c mu). Every tolerance is a Student-t interval over
// independent replications (a separate process and seed each), so it is derived from the
// runs' own statistical error; a second assertion bounds the interval's width so that no
// check can pass merely because the runs were too short to say anything.
#include <gtest/gtest.h>

#include <cstdio>
#include <ostream>
#include <string>

#include "validation/validation_support.hpp"

namespace payquake::testing {
namespace {

// One site without internal latency; gateway, acquirer and network answer in zero time
// with effectively unlimited workers, so the issuer's waiting room is the only queue.
// Timeouts of an hour never fire. The issuer serves FIFO with {WORKERS} workers.
constexpr const char* kIssuerQueue = R"(name: issuer-queue
seed: 1
duration: {DURATION}
warmup: {WARMUP}
window: 60s
sites:
  - {id: s, internal_latency: 0ms}
nodes:
  - {id: gw, role: gateway, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 1h}
  - {id: acq, role: acquirer, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 1h}
  - {id: net, role: network, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, timeout: 1h}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: {WORKERS}, queue: unlimited, service_time: {SERVICE}}
payers:
  - {id: p, cards: 1000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load: {arrival: poisson, start_rate: {RATE}}
)";

// Mean service time 1 ms in every case.
constexpr double kMu = 1000.0;

struct QueueCase {
  const char* name;  // gtest parameter name
  const char* model;
  int servers;
  bool deterministic;  // constant service (M/D/c) instead of exponential
  double rho;
  // Simulated seconds of one replication (after the warm-up) and the number of
  // replications. Sized from the asymptotic variance of the mean wait so that the
  // interval's half-width is a few percent of theory (see README.md).
  double measured_s;
  int replications;
  std::uint64_t first_seed;
};

// How gtest names a case in its output (instead of the bytes of the struct).
void PrintTo(const QueueCase& q, std::ostream* os) {
  *os << q.model << " rho=" << q.rho << " (" << q.replications << " x " << q.measured_s << " s)";
}

// The warm-up must outlast the initial transient (the queue starts empty). The slowest
// case is M/M/1 at rho = 0.95, whose relaxation time 1 / (mu (1 - sqrt(rho))^2) is
// 1.56 s; 20 s is 13 relaxation times, after which the start's bias is below e^-13.
constexpr double kWarmupS = 20.0;

double theory_wait_s(const QueueCase& q) {
  const double lambda = q.rho * q.servers * kMu;
  if (q.deterministic) return md1_mean_wait_s(lambda, kMu);  // only c = 1 has a closed form
  return mmc_mean_wait_s(q.servers, lambda, kMu);
}

std::string scenario(const QueueCase& q) {
  char rate[32], duration[32], warmup[32];
  std::snprintf(rate, sizeof rate, "%.0f/s", q.rho * q.servers * kMu);
  std::snprintf(duration, sizeof duration, "%.0fs", kWarmupS + q.measured_s);
  std::snprintf(warmup, sizeof warmup, "%.0fs", kWarmupS);
  const std::string service =
      q.deterministic ? "{dist: constant, value: 1ms}" : "{dist: exponential, mean: 1ms}";
  return fill(kIssuerQueue, {{"DURATION", duration},
                             {"WARMUP", warmup},
                             {"WORKERS", std::to_string(q.servers)},
                             {"SERVICE", service},
                             {"RATE", rate}});
}

class IssuerQueue : public ::testing::TestWithParam<QueueCase> {};

TEST_P(IssuerQueue, MeanWaitLittleAndUtilisationAgreeWithTheory) {
  const QueueCase& q = GetParam();
  ASSERT_EQ(q.deterministic, q.deterministic && q.servers == 1);
  const double lambda = q.rho * q.servers * kMu;
  const double wait_theory = theory_wait_s(q);
  const double present_theory = lambda * (wait_theory + 1 / kMu);  // L = lambda W

  const auto runs = run_replications(scenario(q), q.replications, q.first_seed);
  ASSERT_FALSE(HasFailure());

  std::vector<double> waits, little_gaps, utilisations, present;
  for (const auto& run : runs) {
    const auto& nodes = run.summary["nodes"];
    // The issuer really is the only queue, and nothing was rejected or timed out.
    for (const char* hop : {"gw", "acq", "net"}) {
      EXPECT_EQ(nodes[hop]["queue_wait_seconds"]["mean"].get<double>(), 0.0) << hop;
      EXPECT_EQ(nodes[hop]["timeouts"].get<int>(), 0) << hop;
    }
    const auto& iss = nodes["iss"];
    EXPECT_EQ(iss["rejected"].get<int>(), 0);
    const double from = run.summary["measured_interval_seconds"]["from"].get<double>();
    const double to = run.summary["measured_interval_seconds"]["to"].get<double>();
    const double wait = iss["queue_wait_seconds"]["mean"].get<double>();
    const double service = iss["service_seconds"]["mean"].get<double>();
    const double utilisation = iss["utilisation"].get<double>();
    // Mean number present: waiting plus in service (busy workers = utilisation x c).
    const double number = iss["queue_length"]["mean"].get<double>() + utilisation * q.servers;
    const double lambda_measured = iss["served"].get<double>() / (to - from);
    waits.push_back(wait);
    utilisations.push_back(utilisation);
    present.push_back(number);
    // Little's law: L - lambda W. In a stationary run its expectation is exactly zero
    // (what pre-warm-up arrivals add to the time average equals, in expectation, what
    // late arrivals spend after the end), so the replications estimate zero.
    little_gaps.push_back(number - lambda_measured * (wait + service));
  }

  const Interval wait = t_interval(waits);
  const Interval little = t_interval(little_gaps);
  const Interval util = t_interval(utilisations);
  const Interval number = t_interval(present);
  std::printf(
      "| %s, rho = %.2f | mean wait Wq | %.6g ms | %.6g ms | %.3g ms (%.1f%%) | %+.2f%% |\n",
      q.model, q.rho, 1e3 * wait_theory, 1e3 * wait.mean, 1e3 * wait.half_width,
      100 * wait.half_width / wait_theory, 100 * (wait.mean - wait_theory) / wait_theory);
  std::printf(
      "| %s, rho = %.2f | Little: L - lambda W | 0 (L = %.5g) | %.3g | %.3g (%.3f%% of L) | "
      "%+.4f%% of L |\n",
      q.model, q.rho, present_theory, little.mean, little.half_width,
      100 * little.half_width / present_theory, 100 * little.mean / present_theory);
  std::printf("| %s, rho = %.2f | utilisation | %.4f | %.5f | %.2g (%.3f%%) | %+.3f%% |\n", q.model,
              q.rho, q.rho, util.mean, util.half_width, 100 * util.half_width / q.rho,
              100 * (util.mean - q.rho) / q.rho);
  std::printf(
      "| %s, rho = %.2f | mean number present L | %.5g | %.5g | %.3g (%.2f%%) | %+.2f%% |\n",
      q.model, q.rho, present_theory, number.mean, number.half_width,
      100 * number.half_width / present_theory,
      100 * (number.mean - present_theory) / present_theory);

  // Theory inside the interval, and the interval narrow enough to mean something.
  EXPECT_TRUE(wait.contains(wait_theory))
      << q.model << " Wq: theory " << wait_theory << " s, payquake " << wait.mean << " +- "
      << wait.half_width << " s (" << kConfidence << ")";
  EXPECT_LT(wait.half_width, 0.05 * wait_theory) << "runs too short to test the mean wait";

  EXPECT_TRUE(little.contains(0.0)) << "L - lambda W = " << little.mean << " +- "
                                    << little.half_width << " (L = " << number.mean << ")";
  EXPECT_LT(little.half_width, 0.01 * present_theory) << "runs too short to test Little's law";

  EXPECT_TRUE(util.contains(q.rho)) << "utilisation " << util.mean << " +- " << util.half_width
                                    << ", lambda / (c mu) = " << q.rho;
  EXPECT_LT(util.half_width, 0.01 * q.rho) << "runs too short to test utilisation";

  // Theory's L = lambda W as well (a consequence of the above, reported for the table).
  EXPECT_TRUE(number.contains(present_theory))
      << "L " << number.mean << " +- " << number.half_width << ", theory " << present_theory;
}

// Sizes: the relative variance of a run's mean wait grows like 1 / (1 - rho)^2 (M/M/1:
// about 2 (1 + rho) / (rho (1 - rho)^2) per service time of run length); rho = 0.95
// needs some 10^7 service times in all. Seeds differ between cases so that no two cases
// share arrival streams.
INSTANTIATE_TEST_SUITE_P(
    Theory, IssuerQueue,
    ::testing::Values(QueueCase{"MM1_rho050", "M/M/1", 1, false, 0.50, 100, 20, 1000},
                      QueueCase{"MM1_rho080", "M/M/1", 1, false, 0.80, 100, 20, 2000},
                      QueueCase{"MM1_rho095", "M/M/1", 1, false, 0.95, 1000, 20, 3000},
                      QueueCase{"MM8_rho050", "M/M/8", 8, false, 0.50, 60, 20, 4000},
                      QueueCase{"MM8_rho080", "M/M/8", 8, false, 0.80, 50, 20, 5000},
                      QueueCase{"MM8_rho095", "M/M/8", 8, false, 0.95, 120, 20, 6000},
                      QueueCase{"MD1_rho050", "M/D/1", 1, true, 0.50, 100, 20, 7000},
                      QueueCase{"MD1_rho080", "M/D/1", 1, true, 0.80, 100, 20, 8000},
                      QueueCase{"MD1_rho095", "M/D/1", 1, true, 0.95, 500, 20, 9000}),
    [](const ::testing::TestParamInfo<QueueCase>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace payquake::testing
