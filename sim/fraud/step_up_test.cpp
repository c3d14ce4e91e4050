// 3-D Secure step-up: outcomes by threshold on the caller's uniform (exact at the
// boundary), shares within binomial error over many uniforms, latency from its quantiles.
#include "fraud/step_up.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "core/random_stream.hpp"

namespace payquake::fraud {
namespace {

core::StepUpSpec spec() {
  return {core::Distribution::lognormal_from_median_p99(20.0, 90.0), 0.10, 0.90};
}

TEST(StepUp, OutcomeIsAThresholdOnTheUniform) {
  const StepUpModel m(spec());
  EXPECT_EQ(m.challenge(false, 0.5, 0.0999).outcome, StepUpOutcome::kAbandoned);
  EXPECT_EQ(m.challenge(false, 0.5, 0.10).outcome, StepUpOutcome::kPassed);
  EXPECT_EQ(m.challenge(true, 0.5, 0.8999).outcome, StepUpOutcome::kStoppedFraud);
  EXPECT_EQ(m.challenge(true, 0.5, 0.90).outcome, StepUpOutcome::kPassed);
}

TEST(StepUp, LatencyFollowsItsDistributionWhateverTheOutcome) {
  const StepUpModel m(spec());
  EXPECT_NEAR(m.challenge(false, 0.5, 0.0).latency_s, 20.0, 1e-9);
  EXPECT_NEAR(m.challenge(true, 0.99, 0.0).latency_s, 90.0, 1e-6);
  EXPECT_EQ(m.challenge(true, 0.3, 0.0).latency_s, m.challenge(false, 0.3, 0.7).latency_s);
}

TEST(StepUp, SharesMatchTheSpecWithinBinomialError) {
  const StepUpModel m(spec());
  core::RandomStream rng(3, "fraud/step-up-test");
  constexpr int kDraws = 100'000;
  int abandoned = 0, stopped = 0, fraud_abandoned = 0, legit_stopped = 0;
  for (int i = 0; i < kDraws; ++i) {
    const auto legit = m.challenge(false, rng.uniform01(), rng.uniform01()).outcome;
    const auto fraud = m.challenge(true, rng.uniform01(), rng.uniform01()).outcome;
    abandoned += legit == StepUpOutcome::kAbandoned;
    legit_stopped += legit == StepUpOutcome::kStoppedFraud;
    stopped += fraud == StepUpOutcome::kStoppedFraud;
    fraud_abandoned += fraud == StepUpOutcome::kAbandoned;
  }
  const double se = std::sqrt(0.1 * 0.9 / kDraws);  // the same for 10% and 90%
  EXPECT_NEAR(abandoned / double(kDraws), 0.10, 4.5 * se);
  EXPECT_NEAR(stopped / double(kDraws), 0.90, 4.5 * se);
  EXPECT_EQ(legit_stopped, 0);    // a legitimate customer is never "stopped fraud"
  EXPECT_EQ(fraud_abandoned, 0);  // a failed attacker is counted as stopped, not abandoned
}

}  // namespace
}  // namespace payquake::fraud
