// The score model reaches its target AUC: the empirical AUC (Mann-Whitney) of N fraud and
// N legitimate scores lies within kSigmas Hanley-McNeil standard errors of the target. The
// uniforms come from a fixed-seed stream, so the check is deterministic; a correct model
// lands outside 4.5 standard errors with probability below 1e-5, and a separation off by a
// factor of sqrt(2) (the classic slip) misses at AUC 0.93 by ~0.08, some 60 standard errors.
#include "fraud/score_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/random_stream.hpp"
#include "fraud/auc.hpp"

namespace payquake::fraud {
namespace {

constexpr std::size_t kDraws = 20'000;  // per class: at AUC 0.93 one standard error is 0.0013
constexpr double kSigmas = 4.5;

core::ScoreSpec spec(double auc) {
  return {auc, core::Distribution::lognormal_from_median_p99(0.003, 0.020)};
}

std::vector<double> scores(const ScoreModel& m, bool fraud, core::RandomStream& rng) {
  std::vector<double> out(kDraws);
  for (auto& s : out) s = m.score(fraud, rng.uniform01());
  return out;
}

TEST(ScoreModel, ReachesTheTargetAucWithinItsStandardError) {
  for (double target : {0.5, 0.6, 0.8, 0.93, 0.99}) {
    const ScoreModel m(spec(target));
    core::RandomStream rng(7, "fraud/score-model-test");
    const auto fraud = scores(m, true, rng);
    const auto legitimate = scores(m, false, rng);
    const double auc = empirical_auc(fraud, legitimate);
    const double se = hanley_mcneil_se(target, kDraws, kDraws);
    EXPECT_NEAR(auc, target, kSigmas * se) << "target " << target << ", se " << se;
  }
}

// Legitimate scores are uniform: a threshold t flags 1 - t of them; fraud above t is
// 1 - cdf(inv_cdf(t) - d). Each share within kSigmas binomial standard errors.
TEST(ScoreModel, ThresholdsFlagTheSharesTheirFormulaGives) {
  const ScoreModel m(spec(0.93));
  core::RandomStream rng(11, "fraud/score-threshold-test");
  const auto fraud = scores(m, true, rng);
  const auto legitimate = scores(m, false, rng);
  for (double t : {0.7, 0.95, 0.99}) {
    const auto share = [&](const std::vector<double>& v) {
      double n = 0;
      for (double s : v) n += s > t ? 1 : 0;
      return n / static_cast<double>(v.size());
    };
    const auto binomial_se = [](double p) { return std::sqrt(p * (1 - p) / kDraws); };
    const double p_legit = ScoreModel::legitimate_share_above(t);
    const double p_fraud = m.fraud_share_above(t);
    EXPECT_NEAR(share(legitimate), p_legit, kSigmas * binomial_se(p_legit)) << t;
    EXPECT_NEAR(share(fraud), p_fraud, kSigmas * binomial_se(p_fraud)) << t;
  }
  // At AUC 0.93, d = sqrt(2) inv_cdf(0.93) = 2.0871: a 0.99 threshold catches 40.5% of fraud.
  EXPECT_NEAR(m.separation(), 2.087083687279518, 1e-9);
  EXPECT_NEAR(m.fraud_share_above(0.99), 0.4054503668985454, 1e-9);
}

TEST(ScoreModel, AScoreIsAFunctionOfItsUniform) {
  const ScoreModel m(spec(0.9));
  double last = 0.0;
  for (double u : {0.0, 0.001, 0.3, 0.5, 0.8, 0.999, 1.0}) {
    const double legit = m.score(false, u);
    EXPECT_EQ(legit, m.score(false, u));  // the same uniform, the same score
    EXPECT_GT(legit, 0.0);
    EXPECT_LT(legit, 1.0);
    EXPECT_GE(legit, last);
    EXPECT_GE(m.score(true, u), legit);  // fraud shifted up by d
    last = legit;
  }
  EXPECT_NEAR(m.score(false, 0.25), 0.25, 1e-12);  // legitimate scores are their uniform
}

TEST(ScoreModel, LatencyComesFromItsDistribution) {
  const ScoreModel m(spec(0.9));
  EXPECT_NEAR(m.latency_s(0.5), 0.003, 1e-12);
  EXPECT_NEAR(m.latency_s(0.99), 0.020, 1e-9);
}

}  // namespace
}  // namespace payquake::fraud
