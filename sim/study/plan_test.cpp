#include "study/plan.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace payquake::study
