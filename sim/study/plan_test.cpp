#include "study/plan.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace payquake::study {
namespace {

TEST(Plan, ARunIsAQuietPayquakeRunIntoItsFolderWithItsSeedAndOverrides) {
  const study::Run run{"a/3", "/s/x.yaml", {"duration=30s", "nodes.iss.workers=4"}, 3, "a/3", {}};
  const std::vector<std::string> expected = {"run",
                                             "/s/x.yaml",
                                             "--out",
                                             "a/3",
                                             "--quiet",
                                             "--seed",
                                             "3",
                                             "--set",
                                             "duration=30s",
                                             "--set",
                                             "nodes.iss.workers=4"};
  EXPECT_EQ(run_arguments(run), expected);
}

// The control of `run --control` and the bench's runs: no --seed (the scenario's own, or
// the --set seed=N among the overrides), and options of their own after everything else.
TEST(Plan, WithoutASeedTheScenarioKeepsItsOwnAndExtraOptionsComeLast) {
  const study::Run run{"control",    "d.yaml",      {"seed=9"},
                       std::nullopt, "out/control", {"--without-faults", "--engine", "lockstep"}};
  const std::vector<std::string> expected = {"run",      "d.yaml",  "--out",  "out/control",
                                             "--quiet",  "--set",   "seed=9", "--without-faults",
                                             "--engine", "lockstep"};
  EXPECT_EQ(run_arguments(run), expected);
}

// A child runs in the study's folder: a policy named by a path relative to ours must still
// be found there. Nothing else is touched (an inline policy, an absolute path, other keys).
TEST(Plan, APolicyPathRelativeToOurFolderReachesTheChildAbsolute) {
  const study::Run run{"a/1",
                       "/s/x.yaml",
                       {"nodes.gw.fraud=models/fraud/rules-only.yaml", "nodes.iss.fraud=/p/q.yaml",
                        "nodes.gw.fraud={rules: [{amount_over: 5.00, action: decline}]}",
                        "load.trace=t.csv", "nodes.gw.fraud.rules.0.score_over=0.9"},
                       1,
                       "a/1",
                       {}};
  const auto args = run_arguments(run);
  ASSERT_EQ(args.size(), 17u);
  EXPECT_EQ(args[8], "nodes.gw.fraud=" +
                         (std::filesystem::current_path() / "models/fraud/rules-only.yaml").string());
  EXPECT_EQ(args[10], "nodes.iss.fraud=/p/q.yaml");
  EXPECT_EQ(args[12], "nodes.gw.fraud={rules: [{amount_over: 5.00, action: decline}]}");
  EXPECT_EQ(args[14], "load.trace=t.csv");
  EXPECT_EQ(args[16], "nodes.gw.fraud.rules.0.score_over=0.9");
}

}  // namespace
}  // namespace payquake::study
