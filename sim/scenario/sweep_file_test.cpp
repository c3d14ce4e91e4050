// The sweep file: its own keys and limits, values turned into --set text, and mistakes of a
// vary path or value located in the sweep file with the loader's own did-you-mean.
#include "scenario/sweep_file.hpp"

#include <gtest/gtest.h>

#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::kReference;
using testing::TempDir;

std::vector<std::string> sweep_errors(const TempDir& dir, const std::string& text, bool check) {
  try {
    const SweepFile s = read_sweep_file(dir.write("sub/grid.yaml", text));
    if (check) check_sweep(s);
  } catch (const ScenarioError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

TEST(SweepFile, ReadsBaseRelativeToItselfAndValuesAsSetText) {
  TempDir dir;
  dir.write("ref.yaml", kReference);
  const SweepFile s =
      read_sweep_file(dir.write("sub/grid.yaml",
                                "base: ../ref.yaml\n"
                                "replications: 7\n"
                                "seeds: independent\n"
                                "vary:\n"
                                "  nodes.iss.workers: [36, \"a b\"]\n"
                                "  nodes.gw.retry: [{attempts: 3, backoff: 100ms}]\n"
                                "  nodes.gw.next:\n"
                                "    - [acq]\n"));
  EXPECT_EQ(s.base, dir.path("ref.yaml"));
  EXPECT_EQ(s.replications, 7u);
  EXPECT_EQ(s.seeds, SweepSeeds::kIndependent);
  ASSERT_EQ(s.vary.size(), 3u);
  EXPECT_EQ(s.vary[0].path, "nodes.iss.workers");
  EXPECT_EQ(s.vary[0].values, (std::vector<std::string>{"36", "\"a b\""}));
  EXPECT_EQ(s.vary[0].value_pos[1].line, 5);
  EXPECT_EQ(s.vary[0].value_pos[1].column, 27);
  EXPECT_EQ(s.vary[1].values, (std::vector<std::string>{"{attempts: 3, backoff: 100ms}"}));
  EXPECT_EQ(s.vary[2].values, (std::vector<std::string>{"[acq]"}));
  SweepFile loadable = s;  // without the workers "a b", every value loads into the base
  loadable.vary.erase(loadable.vary.begin());
  EXPECT_NO_THROW(check_sweep(loadable));
}

TEST(SweepFile, DefaultsToOneCommonReplicationOfTheBase) {
  TempDir dir;
  dir.write("sub/ref.yaml", kReference);
  const SweepFile s = read_sweep_file(dir.write("sub/grid.yaml", "base: ref.yaml\n"));
  EXPECT_EQ(s.replications, 1u);
  EXPECT_EQ(s.seeds, SweepSeeds::kCommon);
  EXPECT_TRUE(s.vary.empty());
}

TEST(SweepFile, ItsOwnMistakesAreLocated) {
  TempDir dir;
  EXPECT_EQ(
      sweep_errors(dir, "base: r.yaml\nreplicatons: 3\nvary: [1]\n", false),
      (std::vector<std::string>{
          dir.path("sub/grid.yaml") +
              ":2:1: replicatons: unknown key 'replicatons', did you mean 'replications'?",
          dir.path("sub/grid.yaml") +
              ":3:7: vary: expected a mapping of --set key paths to lists of values, got a list"}));
  EXPECT_EQ(sweep_errors(dir, "base: r.yaml\nvary:\n  a.b: []\n  c: 3\n  seed: [1, 2]\n", false),
            (std::vector<std::string>{
                dir.path("sub/grid.yaml") +
                    ":3:8: vary.a.b: expected a list of at least one value, got an empty list",
                dir.path("sub/grid.yaml") + ":4:6: vary.c: expected a list, got '3'",
                dir.path("sub/grid.yaml") +
                    ":5:3: vary.seed: expected a key path other than seed: the sweep "
                    "sets each run's seed (replications, seeds: common | independent)"}));
  EXPECT_EQ(
      sweep_errors(dir, "replications: 100001\n", false),
      (std::vector<std::string>{
          dir.path("sub/grid.yaml") +
              ":1:1: base: expected the base scenario's path, got nothing (the key is missing)",
          dir.path("sub/grid.yaml") +
              ":1:15: replications: expected a count from 1 to 100000, got '100001'"}));
}

TEST(SweepFile, ValuesAreJudgedTogetherAsEachPointWillRun) {
  TempDir dir;
  dir.write("sub/ref.yaml", kReference);
  // A 30 s warm-up is fine with 1 m of arrivals, not with 20 s: only that point is wrong.
  EXPECT_EQ(sweep_errors(dir, "base: ref.yaml\nvary:\n  warmup: [0s, 30s]\n  duration: [1m, 20s]\n",
                         true),
            (std::vector<std::string>{
                dir.path("sub/grid.yaml") +
                ":3:16: warmup: expected a warmup shorter than duration (20s), got '30s'"}));
}

TEST(SweepFile, AScenarioGivenForASweepFileIsSaidSoOnce) {
  TempDir dir;
  EXPECT_EQ(sweep_errors(dir, kReference, false),
            (std::vector<std::string>{
                dir.path("sub/grid.yaml") +
                ":1:1: expected a sweep file (base, replications, seeds, vary), got "
                "a scenario; a sweep file names its scenario with base:"}));
}

TEST(SweepFile, AGridTooLargeIsRefusedBeforeItExpands) {
  TempDir dir;
  std::string text = "base: r.yaml\nvary:\n";
  for (int a = 0; a < 40; ++a)
    text += "  k" + std::to_string(a) + ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  const auto errors = sweep_errors(dir, text, false);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], dir.path("sub/grid.yaml") +
                           ":1:1: vary: expected at most 10000 points, got more than 1e18");
  EXPECT_EQ(
      sweep_errors(
          dir,
          "base: r.yaml\nreplications: 100000\nvary: {a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}\n",
          false),
      (std::vector<std::string>{dir.path("sub/grid.yaml") +
                                ":1:1: replications: expected at most 1000000 runs (points x "
                                "replications), got 1100000"}));
}

TEST(SweepFile, PathAndValueMistakesAreLocatedInTheSweepFile) {
  TempDir dir;
  dir.write("sub/ref.yaml", kReference);
  const std::string f = dir.path("sub/grid.yaml");
  EXPECT_EQ(sweep_errors(dir,
                         "base: ref.yaml\n"
                         "vary:\n"
                         "  nodes.iss.wrokers: [3]\n"
                         "  nodes.is.workers: [3]\n"
                         "  nodes.iss.workers: [2, 0, 4]\n"
                         "  load.start_rate: [fast]\n",
                         true),
            (std::vector<std::string>{
                f + ":3:3: nodes.iss.wrokers: unknown key 'wrokers', did you mean 'workers'?",
                f + ":4:3: nodes.is: expected the id of an item of nodes (gw, acq, net, iss), got "
                    "'is', did you mean 'iss'?",
                f + ":5:26: nodes.iss.workers: expected a count >= 1, got '0'",
                f + ":6:21: load.start_rate: expected a rate like 2000/s, 120k/min or 3M/h, got "
                    "'fast'"}));
  const auto bad_base = sweep_errors(dir, "base: nope.yaml\n", true);
  ASSERT_EQ(bad_base.size(), 2u);
  EXPECT_EQ(bad_base[0], f + ":1:7: base: expected a valid scenario, got one with errors (below)");
  EXPECT_NE(bad_base[1].find("cannot read the scenario"), std::string::npos) << bad_base[1];
}

}  // namespace
}  // namespace payquake::scenario
