// The {dist: ...} forms: values in the field's unit, and each way to get one wrong.
#include <gtest/gtest.h>

#include <cmath>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::reference_with;
using Errors = std::vector<std::string>;
using Kind = core::Distribution::Kind;

constexpr const char* kGwServiceTime = "{dist: lognormal, median: 2ms, p99: 12ms}";

core::Distribution gw_service_time(const std::string& dist) {
  return load_string(reference_with(kGwServiceTime, dist), "t.yaml").nodes[0].service_time;
}

TEST(Distributions, EachFormInSeconds) {
  const auto c = gw_service_time("{dist: constant, value: 40ms}");
  EXPECT_EQ(c.kind, Kind::kConstant);
  EXPECT_EQ(c.value, 0.04);
  const auto e = gw_service_time("{dist: exponential, mean: 250us}");
  EXPECT_EQ(e.kind, Kind::kExponential);
  EXPECT_EQ(e.mean, 0.00025);
  const auto u = gw_service_time("{dist: uniform, min: 1ms, max: 1ms}");  // min == max is fine
  EXPECT_EQ(u.kind, Kind::kUniform);
  EXPECT_EQ(u.min, 0.001);
  EXPECT_EQ(u.max, 0.001);
  const auto n = gw_service_time("{dist: normal, mean: 2ms, stddev: 1ms}");
  EXPECT_EQ(n.kind, Kind::kNormal);
  EXPECT_EQ(n.mean, 0.002);
  EXPECT_EQ(n.stddev, 0.001);
  const auto l = gw_service_time("{dist: lognormal, median: 2ms, p99: 12ms}");
  EXPECT_EQ(l.kind, Kind::kLognormal);
  const auto expected = core::Distribution::lognormal_from_median_p99(0.002, 0.012);
  EXPECT_EQ(l.mu, expected.mu);
  EXPECT_EQ(l.sigma, expected.sigma);
  const auto m = gw_service_time("{dist: lognormal, mu: -6.2, sigma: 0.8}");  // log of seconds
  EXPECT_EQ(m.mu, -6.2);
  EXPECT_EQ(m.sigma, 0.8);
}

TEST(Distributions, AmountsAreMoney) {
  const core::Scenario s =
      load_string(reference_with("{dist: lognormal, median: 42.00, p99: 900.00}",
                                 "{dist: uniform, min: 0.50, max: 2}"),
                  "t.yaml");
  EXPECT_EQ(s.payers[0].amount.kind, Kind::kUniform);
  EXPECT_EQ(s.payers[0].amount.min, 0.5);
  EXPECT_EQ(s.payers[0].amount.max, 2.0);
}

TEST(Distributions, P99MustExceedMedian) {
  EXPECT_EQ(
      errors_of(reference_with(kGwServiceTime, "{dist: lognormal, median: 2ms, p99: 1ms}")),
      Errors{"t.yaml:20:55: nodes.gw.service_time.p99: expected p99 > median (2ms), got '1ms'"});
  EXPECT_EQ(
      errors_of(reference_with(kGwServiceTime, "{dist: lognormal, median: 0ms, p99: 1ms}")),
      Errors{"t.yaml:20:45: nodes.gw.service_time.median: expected a duration > 0, got '0ms'"});
}

TEST(Distributions, UnknownKind) {
  EXPECT_EQ(
      errors_of(reference_with("{dist: constant, value: 0.5ms}", "{dist: gauss, value: 0.5ms}")),
      Errors{"t.yaml:34:26: nodes.net.service_time.dist: expected one of constant, "
             "exponential, lognormal, uniform, normal, got 'gauss'"});
  EXPECT_EQ(errors_of(reference_with("{dist: constant, value: 0.5ms}", "{dist: zipf, s: 1}")),
            Errors{"t.yaml:34:26: nodes.net.service_time.dist: expected one of constant, "
                   "exponential, lognormal, uniform, normal, got 'zipf'"});
  EXPECT_EQ(errors_of(reference_with("{dist: constant, value: 0.5ms}", "{value: 0.5ms}")),
            Errors{"t.yaml:34:19: nodes.net.service_time.dist: expected one of constant, "
                   "exponential, lognormal, uniform, normal, got nothing (the key is missing)"});
}

TEST(Distributions, MissingAndForeignParameters) {
  EXPECT_EQ(errors_of(reference_with(kGwServiceTime, "{dist: lognormal, median: 2ms}")),
            Errors{"t.yaml:20:19: nodes.gw.service_time.p99: expected a duration, got nothing "
                   "(the key is missing)"});
  EXPECT_EQ(errors_of(reference_with("mean: 1ms", "median: 1ms")),
            (Errors{"t.yaml:27:19: nodes.acq.service_time.mean: expected a duration, got nothing "
                    "(the key is missing)",
                    "t.yaml:27:39: nodes.acq.service_time.median: unknown key 'median', expected "
                    "one of dist, mean"}));
}

TEST(Distributions, LognormalTakesOneForm) {
  EXPECT_EQ(errors_of(reference_with(kGwServiceTime,
                                     "{dist: lognormal, median: 2ms, p99: 12ms, sigma: 1}")),
            Errors{"t.yaml:20:19: nodes.gw.service_time: expected either median and p99 or mu and "
                   "sigma, got both"});
  EXPECT_EQ(errors_of(reference_with(kGwServiceTime, "{dist: lognormal, mu: 1, sigma: -1}")),
            Errors{"t.yaml:20:51: nodes.gw.service_time.sigma: expected a number >= 0, got '-1'"});
}

TEST(Distributions, UniformMinNotAboveMax) {
  EXPECT_EQ(
      errors_of(reference_with("min: 5ms, max: 9ms", "min: 10ms, max: 9ms")),
      Errors{"t.yaml:42:51: nodes.iss.service_time.max: expected max >= min (10ms), got '9ms'"});
}

TEST(Distributions, ScalarIsNotADistribution) {
  EXPECT_EQ(errors_of(reference_with("{dist: constant, value: 0.5ms}", "0.5ms")),
            Errors{"t.yaml:34:19: nodes.net.service_time: expected a distribution like {dist: "
                   "lognormal, median: 2ms, p99: 12ms}, got '0.5ms'"});
}

TEST(Distributions, ParametersUseTheFieldsUnit) {
  EXPECT_EQ(errors_of(reference_with("value: 0.5ms", "value: 0.5")),
            Errors{"t.yaml:34:43: nodes.net.service_time.value: expected a duration with a unit, "
                   "like 250ms or 2s, got '0.5'"});
  EXPECT_EQ(errors_of(reference_with("median: 42.00", "median: 42.005")),
            Errors{"t.yaml:49:39: payers.shoppers.amount.median: expected money with at most two "
                   "decimals, like 42.50, got '42.005'"});
  EXPECT_EQ(errors_of(reference_with("median: 42.00", "median: 42ms")),
            Errors{"t.yaml:49:39: payers.shoppers.amount.median: expected money with at most two "
                   "decimals, like 42.50, got '42ms'"});
}

TEST(Distributions, ActivityIsZipf) {
  EXPECT_EQ(load_string(reference_with("    activity: {dist: zipf, s: 1.1}\n", ""), "t.yaml")
                .payers[0]
                .activity.s,
            0.0);  // default: uniform over cards
  EXPECT_EQ(errors_of(reference_with("{dist: zipf, s: 1.1}", "{dist: uniform, min: 1, max: 2}")),
            Errors{"t.yaml:46:22: payers.shoppers.activity.dist: expected zipf (activity is a skew "
                   "over the cards), got 'uniform'"});
  EXPECT_EQ(errors_of(reference_with("{dist: zipf, s: 1.1}", "{dist: zipf, s: -1}")),
            Errors{"t.yaml:46:31: payers.shoppers.activity.s: expected a number >= 0, got '-1'"});
}

}  // namespace
}  // namespace payquake::scenario
