// Duplicate payments from a client retry without an idempotency key, against probability:
//
//   P(duplicate) = P(first attempt approved) x P(its response later than the client timeout)
//
// for one retry and a random issuer service time (DESIGN.md section 2, "How duplicate
// payments happen"; section 5, "Duplicate payment"). The theory side is computed from the
// configured distributions only, never from the run's own counts; the measured side is
// duplicates.count / payments.total, compared through an exact (Clopper-Pearson) binomial
// interval at the tier's 99.9 % level.
#include <gtest/gtest.h>

#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>

#include "validation/validation_support.hpp"

namespace payquake::testing {
namespace {

// One site with 1 ms between nodes; gateway, acquirer and network answer in zero time
// with unlimited workers, so no request ever waits. A payer's request crosses three hops
// to the issuer (gw -> acq -> net -> iss; the payer sits at the gateway, 0 ms) and three
// back, so its response time is exactly kFixedS + S, S the issuer's service time (random:
// kService). Hop timeouts of an hour never fire (P(S > 1 h) = e^-36000 for a 100 ms
// mean); hop retries and reversals are off. The client gives up after {TIMEOUT} and
// presses pay once more, 50 ms later, without a key: the retry is a new authorization.
constexpr const char* kScenario = R"(name: duplicates-validation
seed: {SEED}
duration: {DURATION}
sites: [{id: s, internal_latency: 1ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 1h}
  - {id: acq, role: acquirer, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 1h}
  - {id: net, role: network, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, timeout: 1h}
{ISSUERS}
payers:
  - id: p
    cards: 1e12
    issuers: {{SHARES}}
    entry: gw
    amount: {dist: constant, value: 10.00}
    client: {timeout: {TIMEOUT}, retries: 1, retry_delay: {dist: constant, value: 50ms}, idempotency_key: none}
load: {arrival: uniform, start_rate: {RATE}}
)";

// An issuer line: id, BIN, service time, and its accounts (or none: unlimited funds).
std::string issuer(const std::string& id, const std::string& bin, const std::string& service,
                   const std::string& accounts) {
  return "  - {id: " + id + ", role: issuer, site: s, bins: [\"" + bin +
         "\"], workers: 100000, queue: unlimited, service_time: " + service +
         (accounts.empty() ? "" : ", accounts: {balance: " + accounts + "}") + "}";
}

// Six one-way hops of 1 ms (asserted by FixedPartIsSixHopsOfInternalLatency).
constexpr double kFixedS = 0.006;
// The issuer's service time is exponential with mean 100 ms, and the client timeout is
// 106 ms: T - fixed = m, so P(late) = P(S > T - fixed) = exp(-(T - fixed) / m) = 1/e.
constexpr double kMeanServiceS = 0.100;
constexpr double kClientTimeoutS = 0.106;
constexpr const char* kService = "{dist: exponential, mean: 100ms}";
constexpr double kAmount = 10.00;  // per payment, constant
// Payments per run: 2000/s uniform arrivals for 100 s (each run takes ~0.6 s of CPU).
// With p around 0.2 the 99.9 % interval's half-width is 3.29 sqrt(p (1 - p) / N), about
// 1.5 % of p: well inside the 5 % the test demands.
constexpr std::int64_t kPayments = 200'000;
// Cards are drawn uniformly from 10^12: the expected number of cards drawn twice is
// N^2 / (2 x 10^12) = 0.02, so every payment meets a fresh account.

double p_late() { return std::exp(-(kClientTimeoutS - kFixedS) / kMeanServiceS); }

struct Binomial {
  std::int64_t successes = 0;
  std::int64_t trials = 0;
  double lower = 0.0;
  double upper = 0.0;
  double estimate() const { return static_cast<double>(successes) / static_cast<double>(trials); }
  double half_width() const { return (upper - lower) / 2; }
  bool contains(double p) const { return lower <= p && p <= upper; }
};

// The exact two-sided Clopper-Pearson interval at `kConfidence`.
Binomial clopper_pearson(std::int64_t successes, std::int64_t trials) {
  using boost::math::binomial;
  const double tail = (1 - kConfidence) / 2;
  Binomial b;
  b.successes = successes;
  b.trials = trials;
  const auto n = static_cast<double>(trials);
  const auto k = static_cast<double>(successes);
  b.lower = binomial::find_lower_bound_on_p(n, k, tail);
  b.upper = binomial::find_upper_bound_on_p(n, k, tail);
  return b;
}

nlohmann::json run(const std::string& issuers, const std::string& shares, const std::string& rate,
                   const std::string& duration, const std::string& timeout, std::uint64_t seed) {
  const std::string dir = temp_dir("duplicates");
  const std::string yaml = fill(kScenario, {{"SEED", std::to_string(seed)},
                                            {"DURATION", duration},
                                            {"ISSUERS", issuers},
                                            {"SHARES", shares},
                                            {"TIMEOUT", timeout},
                                            {"RATE", rate}});
  const RunOutput out = run_scenario(write_file(dir, "scenario.yaml", yaml));
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_FALSE(out.summary.is_null()) << "no summary.json: " << out.err;
  std::filesystem::remove_all(out.run_dir);
  std::filesystem::remove_all(dir);
  return out.summary;
}

TEST(DuplicatesScenario, FixedPartIsSixHopsOfInternalLatency) {
  // The derivation of P(late) rests on the response time being kFixedS + S: with zero
  // service at the issuer too, every payer must see exactly kFixedS.
  const auto s = run(issuer("iss", "4111", "{dist: constant, value: 0ms}", ""), "iss: 100%",
                     "100/s", "10s", "1h", 1);
  ASSERT_EQ(s["payments"]["approved"].get<int>(), 1000);
  EXPECT_NEAR(s["latency_seconds"]["mean"].get<double>(), kFixedS, 1e-9);
  // The histogram's quantiles have at most 1 % relative error (DESIGN.md section 5).
  EXPECT_NEAR(s["latency_seconds"]["max"].get<double>(), kFixedS, 0.01 * kFixedS);
  EXPECT_NEAR(s["latency_seconds"]["p50"].get<double>(), kFixedS, 0.01 * kFixedS);
}

struct DuplicateCase {
  const char* name;
  const char* why;  // which product the case checks, for the printed row
  std::string issuers;
  std::string shares;
  // From the configuration: P(the first attempt is approved), and P(the retry is approved
  // as well, given the first was), so P(duplicate) = p_first x p_retry x P(late).
  double p_first_approved;
  double p_retry_also_approved;
  std::uint64_t seed;
};

void PrintTo(const DuplicateCase& c, std::ostream* os) { *os << c.name; }

class DuplicatesFromClientRetries : public ::testing::TestWithParam<DuplicateCase> {};

TEST_P(DuplicatesFromClientRetries, MatchTheProductOfApprovalAndLateness) {
  const DuplicateCase& c = GetParam();
  const auto s = run(c.issuers, c.shares, "2000/s", "100s", "106ms", c.seed);
  ASSERT_FALSE(HasFailure());

  // The model's premises: nothing waited, timed out below the payer, or was rejected.
  for (const auto& [id, node] : s["nodes"].items()) {
    EXPECT_EQ(node["queue_wait_seconds"]["mean"].get<double>(), 0.0) << id;
    EXPECT_EQ(node["timeouts"].get<int>(), 0) << id;
    EXPECT_EQ(node["rejected"].get<int>(), 0) << id;
  }
  EXPECT_EQ(s["attempts"]["hop_retries"].get<int>(), 0);
  EXPECT_EQ(s["attempts"]["double_submits"].get<int>(), 0);
  EXPECT_EQ(s["conservation"]["ok"], true) << s["conservation"];

  const auto total = s["payments"]["total"].get<std::int64_t>();
  ASSERT_EQ(total, kPayments);
  const auto& dup = s["duplicates"];
  const auto duplicates = dup["count"].get<std::int64_t>();
  // Every duplicate is a client retry, and each is one extra charge of the amount.
  EXPECT_EQ(dup["by_cause"]["client_retry"].get<std::int64_t>(), duplicates);
  char amount[32];
  std::snprintf(amount, sizeof amount, "%.2f", kAmount * static_cast<double>(duplicates));
  EXPECT_EQ(dup["amount"].get<std::string>(), amount);

  // The lateness factor alone: every payment whose first response is late is retried
  // (approved or declined, the payer cannot know), so client_retries / N estimates P(late).
  const Binomial late = clopper_pearson(s["attempts"]["client_retries"].get<std::int64_t>(), total);
  const double late_theory = p_late();

  const double theory = c.p_first_approved * c.p_retry_also_approved * late_theory;
  const Binomial measured = clopper_pearson(duplicates, total);

  std::printf("| %s | %s | %.5f | %.5f | [%.5f, %.5f] (+-%.2f%%) | %+.2f%% |\n", c.name, c.why,
              theory, measured.estimate(), measured.lower, measured.upper,
              100 * measured.half_width() / theory, 100 * (measured.estimate() - theory) / theory);
  std::printf(
      "| %s | P(late) = exp(-(T - 6 ms) / m) | %.5f | %.5f | [%.5f, %.5f] (+-%.2f%%) | %+.2f%% |\n",
      c.name, late_theory, late.estimate(), late.lower, late.upper,
      100 * late.half_width() / late_theory, 100 * (late.estimate() - late_theory) / late_theory);

  EXPECT_TRUE(measured.contains(theory))
      << "P(duplicate): theory " << theory << ", payquake " << duplicates << "/" << total << " = "
      << measured.estimate() << ", " << kConfidence << " interval [" << measured.lower << ", "
      << measured.upper << "]";
  EXPECT_LT(measured.half_width(), 0.05 * theory) << "too few payments to test P(duplicate)";
  EXPECT_TRUE(late.contains(late_theory))
      << "P(late): theory " << late_theory << ", payquake " << late.estimate() << " [" << late.lower
      << ", " << late.upper << "]";
  EXPECT_LT(late.half_width(), 0.05 * late_theory);

  // Power: where the retry of an approved payment may be declined, the naive product
  // P(first approved) x P(late) is wrong, and the interval must say so.
  if (c.p_retry_also_approved < 1.0) {
    const double naive = c.p_first_approved * late_theory;
    EXPECT_FALSE(measured.contains(naive))
        << "the interval cannot tell P(retry approved) = " << c.p_retry_also_approved << " from 1";
  }
}

// Balances in the issuer's accounts are drawn per card and rounded to the cent
// (core::money_from_major, round half away from zero). A card of balance b pays A = 10.00
// once if b >= A and twice (the retry too) if b >= 2A: the first hold leaves b - A.
INSTANTIATE_TEST_SUITE_P(
    Theory, DuplicatesFromClientRetries,
    ::testing::Values(
        // Unlimited funds: every attempt is approved, P(duplicate) = P(late).
        DuplicateCase{"unlimited_funds", "1 x P(late)", issuer("iss", "4111", kService, ""),
                      "iss: 100%", 1.0, 1.0, 21},
        // The issue's formula proper: P(first approved) x P(late) with P(first approved) =
        // 0.6 < 1. Two issuers, equal service times; a card belongs to one by a hash of the
        // card (share 40 % / 60 %). Cards at iss-poor hold 5.00 < A: always declined 51.
        // Cards at iss-rich hold 100.00 >= 2A: the first attempt and its retry both
        // approved. So a card's balance decides approval, P(first approved) = 0.6 exactly,
        // and every approved payment whose response is late is charged twice.
        DuplicateCase{"two_point_balance", "P(first approved) x P(late), P(first) = 0.6",
                      issuer("iss-poor", "4111", kService, "{dist: constant, value: 5.00}") + "\n" +
                          issuer("iss-rich", "4222", kService, "{dist: constant, value: 100.00}"),
                      "iss-poor: 40%, iss-rich: 60%", 0.6, 1.0, 22},
        // Balance uniform on [0, 40.00]: P(first approved) = P(b >= 9.995) = 30.005 / 40 and
        // P(both approved) = P(b >= 19.995) = 20.005 / 40, so P(duplicate) = P(b >= 2A) x
        // P(late), not P(first approved) x P(late): a card with A <= b < 2A is charged once
        // (its retry is declined 51, or, when the retry overtakes the first, the first is).
        DuplicateCase{"uniform_balance", "P(balance >= 2A) x P(late)",
                      issuer("iss", "4111", kService, "{dist: uniform, min: 0, max: 40.00}"),
                      "iss: 100%", 30.005 / 40, 20.005 / 30.005, 23}),
    [](const ::testing::TestParamInfo<DuplicateCase>& p) { return p.param.name; });

}  // namespace
}  // namespace payquake::testing
