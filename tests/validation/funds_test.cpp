// Cards and funds at a realistic pace: the share of payments declined for insufficient
// funds (code 51) is a property of the card base, not of how long the drill runs. The
// shipped issuer-outage drill's cards, activity, amounts and balances, without its fault,
// at a tenth of its rate over a tenth of its cards (the same payments per card per
// minute), run for 5 and for 30 simulated minutes.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "validation/validation_support.hpp"

namespace payquake::testing {
namespace {

// Included from a copy of the shipped drill beside it (includes stay inside the scenario's
// folder tree); lists replace, so `faults: []` removes the outage.
constexpr const char* kDrillShape = R"(include: {DRILL}
name: funds-drift
faults: []
load: {arrival: poisson, start_rate: 400/s, stages: [{duration: 30m, target: 400/s}]}
)";

struct Declines {
  double n = 0;
  double share_51 = 0;
};

Declines run_for(const std::string& duration) {
  const std::string dir = temp_dir("funds-drift");
  write_file(dir, "drill.yaml", read_file(source_dir() + "/scenarios/issuer-outage-drill.yaml"));
  const std::string yaml = fill_template(kDrillShape, {{"DRILL", "drill.yaml"}});
  const RunOutput r =
      run_scenario(write_file(dir, "drift.yaml", yaml),
                   {"--set", "duration=" + duration, "--set", "payers.shoppers.cards=8_000_000"});
  // The drill's own hypotheses (exit 1 when one fails) are not what is tested here.
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  EXPECT_EQ(r.summary["conservation"]["ok"], true);
  const auto& p = r.summary["payments"];
  Declines d;
  d.n = p["total"].get<double>();
  d.share_51 = p["by_code"]["51"].get<double>() / d.n;
  return d;
}

TEST(Funds, TheInsufficientFundsShareDoesNotDriftWithRunLength) {
  const Declines short_run = run_for("5m");
  const Declines long_run = run_for("30m");
  // Cardholders do decline for funds (amounts above some balances), at a realistic rate.
  EXPECT_GT(short_run.share_51, 0.01);
  EXPECT_LT(long_run.share_51, 0.10);
  // The difference of two binomial proportions, within its two-sided kConfidence band.
  // The long run contains the short one (same seed), which only makes the band wider
  // than needed.
  const double p = long_run.share_51;
  const double se = std::sqrt(p * (1 - p) * (1 / short_run.n + 1 / long_run.n));
  const double z = boost::math::quantile(boost::math::normal(), 0.5 + kConfidence / 2);
  EXPECT_LT(std::abs(long_run.share_51 - short_run.share_51), z * se)
      << "5 min: " << short_run.share_51 << " of " << short_run.n
      << ", 30 min: " << long_run.share_51 << " of " << long_run.n;
}

}  // namespace
}  // namespace payquake::testing
