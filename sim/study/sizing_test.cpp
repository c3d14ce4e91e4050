#include "study/sizing.hpp"

#include <gtest/gtest.h>

namespace payquake::study {
namespace {

TEST(Slo, ReadsTermsWithUnitsIntoSecondsAndFractions) {
  SpecError e;
  const auto terms = parse_slo("latency_p99<=2s, success_rate>=99.9%,queue_wait_p99<=250ms", &e);
  ASSERT_EQ(terms.size(), 3u) << e.message;
  EXPECT_EQ(terms[0].metric, "latency_p99");
  EXPECT_TRUE(terms[0].at_most);
  EXPECT_DOUBLE_EQ(terms[0].target, 2.0);
  EXPECT_FALSE(terms[1].at_most);
  EXPECT_DOUBLE_EQ(terms[1].target, 0.999);
  EXPECT_DOUBLE_EQ(terms[2].target, 0.25);
  EXPECT_EQ(slo_path(terms[2], "iss"), "nodes.iss.queue_wait_seconds.p99");
  EXPECT_EQ(slo_path(terms[0], "iss"), "latency_seconds.p99");
}

TEST(Slo, NamesTheBadPartOfAMalformedString) {
  struct Case {
    const char* text;
    const char* part;
    const char* says;
  };
  for (const Case& c : {Case{"latency_p99<2s", "latency_p99<2s", "METRIC<=VALUE"},
                        Case{"latency_p98<=2s", "latency_p98", "expected a metric"},
                        Case{"latency_p99<=2", "2", "a duration like 2s"},
                        Case{"success_rate>=120%", "120%", "a percentage"},
                        Case{"latency_p99<=2s,,", "", "METRIC<=VALUE"},
                        Case{"success_rate>=99.9%,latency_p99<=-1s", "-1s", "a duration"}}) {
    SpecError e;
    EXPECT_TRUE(parse_slo(c.text, &e).empty()) << c.text;
    EXPECT_EQ(e.part, c.part) << c.text;
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.text << ": " << e.message;
  }
}

TEST(Knob, OnlyTheThreeKnobsAreRead) {
  SpecError e;
  EXPECT_EQ(parse_knob("replicas", &e), Knob::kReplicas);
  EXPECT_FALSE(parse_knob("worker", &e));
  EXPECT_EQ(e.part, "worker");
  EXPECT_EQ(knob_min(Knob::kQueue), 0);
  EXPECT_EQ(knob_min(Knob::kWorkers), 1);
}

TEST(Judge, AnAtMostTermComparesTheUpperEndOfTheInterval) {
  const SloTerm t{"latency_p99", true, 1.0, "latency_p99<=1s"};
  // Mean 0.9, s = 0.1, n = 3: upper end 0.9 + 4.303 * 0.1 / sqrt(3) = 1.148 > 1.
  const auto v = judge(t, {0.8, 0.9, 1.0});
  EXPECT_NEAR(v.bound, 0.9 + 4.302653 * 0.1 / std::sqrt(3.0), 1e-5);
  EXPECT_FALSE(v.holds);
  EXPECT_TRUE(judge(t, {0.89, 0.9, 0.91}).holds);  // the same mean, less spread
  EXPECT_TRUE(judge(t, {0.95}).holds);              // one replication: the value itself
  EXPECT_FALSE(judge(t, {0.5, std::nullopt}).holds);  // a run without the figure fails
}

TEST(Judge, AnAtLeastTermComparesTheLowerEnd) {
  const SloTerm t{"success_rate", false, 0.99, "success_rate>=99%"};
  EXPECT_TRUE(judge(t, {0.995, 0.996, 0.997}).holds);
  EXPECT_FALSE(judge(t, {0.985, 0.996, 0.999}).holds);
}

// The search against a threshold: values >= k hold. It must find k exactly from any start.
TEST(KnobSearch, FindsTheThresholdFromAboveAndBelowAndAtTheEdges) {
  for (std::int64_t k : {1, 2, 7, 64, 65, 1000, 99'999}) {
    for (std::int64_t start : {1, 5, 64, 300, 5000}) {
      KnobSearch s(start, 1, kKnobMax);
      int tries = 0;
      while (const auto v = s.next()) {
        ASSERT_TRUE(s.record(*v, *v >= k));
        ASSERT_LT(++tries, 60) << "k " << k << " start " << start;
      }
      ASSERT_EQ(s.answer(), k) << "start " << start;
    }
  }
}

TEST(KnobSearch, SaysWhenNothingUpToTheMaximumHolds) {
  KnobSearch s(10, 1, 100);
  while (const auto v = s.next()) s.record(*v, false);
  EXPECT_FALSE(s.answer());
  EXPECT_EQ(s.largest_failing(), 100);
}

TEST(KnobSearch, ReportsAVerdictThatContradictsMonotonicity) {
  KnobSearch s(8, 1, 100);
  EXPECT_TRUE(s.record(8, true));
  EXPECT_TRUE(s.record(4, false));
  EXPECT_FALSE(s.record(3, true));
}

}  // namespace
}  // namespace payquake::study
