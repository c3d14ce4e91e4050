// Bugs found in review, each pinned by the scenario that showed it
// (tests/scenario/regressions/*.yaml, each opening with what went wrong).
#include <gtest/gtest.h>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

std::string regression(const std::string& name) {
  return source_dir() + "/tests/scenario/regressions/" + name + ".yaml";
}

TEST(Regression, ACrashWithTwoLiveChildrenFreesEachAttemptOnce) {
  for (const char* engine : {"runahead", "lockstep"}) {
    const auto r = run_scenario(regression("crash-with-two-children"), {"--engine", engine});
    ASSERT_EQ(r.exit_code, 0) << engine << ": " << r.err;
    EXPECT_EQ(r.summary["payments"]["total"], 2);
    EXPECT_EQ(r.summary["conservation"]["ok"], true);
  }
}

TEST(Regression, AnIssuerApprovalBeforeTheStandInIsOneCharge) {
  const auto r = run_scenario(regression("issuer-approves-before-stand-in"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.summary["attempts"]["stand_in_approvals"], 1);
  EXPECT_EQ(r.summary["duplicates"]["count"], 0);
  EXPECT_EQ(r.summary["duplicates"]["orphan_holds"], 0);
}

TEST(Regression, FaultsAfterTheDrainChangeNothingInEitherEngine) {
  const auto ahead = run_scenario(regression("faults-after-the-drain"));
  const auto lockstep = run_scenario(regression("faults-after-the-drain"), {"--engine", "lockstep"});
  ASSERT_EQ(ahead.exit_code, 0) << ahead.err;
  ASSERT_EQ(lockstep.exit_code, 0) << lockstep.err;
  EXPECT_EQ(ahead.summary["simulated_seconds"], lockstep.summary["simulated_seconds"]);
  const std::vector<std::string> vary = {"\"wall_seconds\"", "\"mode\"", "\"command_line\""};
  EXPECT_EQ(without_lines(ahead.summary_text(), vary), without_lines(lockstep.summary_text(), vary));
}

TEST(Regression, AnExpectationOnATextFigureFailsInsteadOfCrashing) {
  const std::string dir = temp_dir("text-expect");
  std::string yaml = read_file(regression("crash-with-two-children"));
  yaml += "expect:\n  nodes.iss.role: \"== 1\"\n";
  const auto r = run_scenario(write_file(dir, "s.yaml", yaml));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  ASSERT_FALSE(r.summary.is_null());
  EXPECT_EQ(r.summary["expectations"][0]["held"], false);
  EXPECT_TRUE(r.summary["expectations"][0]["value"].is_null());
}

}  // namespace
}  // namespace payquake::testing
