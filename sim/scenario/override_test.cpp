// --set overrides: applied after includes, before validation; list items by id.
#include <gtest/gtest.h>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using Errors = std::vector<std::string>;

TEST(Overrides, SetsScalarsByPathAndId) {
  const core::Scenario s =
      load_string(kReference, "t.yaml",
                  {"nodes.iss.workers=250", "load.start_rate=500/s", "seed=7",
                   "payers.shoppers.cards=1000", "load.stages[0].target=1k/s", "window=5s"});
  EXPECT_EQ(s.nodes[3].workers, 250);
  EXPECT_EQ(s.load.start_rate_per_s, 500.0);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.payers[0].cards, 1000);
  EXPECT_EQ(s.load.stages[0].target_per_s, 1000.0);
  EXPECT_EQ(s.window_s, 5.0);  // a key the file did not have
}

TEST(Overrides, FlowValues) {
  const core::Scenario s =
      load_string(kReference, "t.yaml",
                  {"nodes.gw.service_time={dist: constant, value: 1ms}", "nodes.gw.next=[acq]",
                   "payers.shoppers.issuers={iss: 100%}"});
  EXPECT_EQ(s.nodes[0].service_time.kind, core::Distribution::Kind::kConstant);
  EXPECT_EQ(s.nodes[0].service_time.value, 0.001);
}

TEST(Overrides, LaterOverrideWins) {
  EXPECT_EQ(load_string(kReference, "t.yaml", {"seed=7", "seed=8"}).seed, 8u);
}

TEST(Overrides, AppliedAfterIncludes) {
  testing::TempDir td;
  td.write("part.yaml", kReference);
  const core::Scenario s =
      load_string("include: part.yaml\nseed: 3\n", td.path("main.yaml"), {"seed=9"});
  EXPECT_EQ(s.seed, 9u);
}

TEST(Overrides, ValuesAreValidatedLikeTheFile) {
  EXPECT_EQ(errors_of(kReference, {"nodes.gw.workers=0"}),
            Errors{"--set: nodes.gw.workers: expected a count >= 1, got '0'"});
  EXPECT_EQ(errors_of(kReference, {"nodes.gw.workrs=3"}),
            Errors{"--set: nodes.gw.workrs: unknown key 'workrs', did you mean 'workers'?"});
  EXPECT_EQ(errors_of(kReference, {"duration=30"}),
            Errors{"--set: duration: expected a duration with a unit, like 250ms or 2s, got '30'"});
}

TEST(Overrides, BadPaths) {
  EXPECT_EQ(errors_of(kReference, {"nodes.nope.workers=1"}),
            Errors{"--set: nodes.nope: expected the id of an item of nodes (gw, acq, net, iss), "
                   "got 'nope'"});
  EXPECT_EQ(errors_of(kReference, {"seed"}), Errors{"--set: expected key.path=value, got 'seed'"});
  EXPECT_EQ(errors_of(kReference, {"nodes..x=1"}),
            Errors{"--set: expected key.path=value, got 'nodes..x=1'"});
  EXPECT_EQ(errors_of(kReference, {"seed.x=1"}),
            Errors{"--set: seed.x: expected a mapping or a list at seed, got '42'"});
  EXPECT_EQ(errors_of(kReference, {"load.stages[3].target=1/s"}),
            Errors{"--set: load.stages[3]: expected an index into a list, got a list of 1 items"});
  EXPECT_EQ(errors_of(kReference, {"seed=[1"}),
            Errors{"--set: seed: expected a YAML value, got '[1'"});
}

}  // namespace
}  // namespace payquake::scenario
