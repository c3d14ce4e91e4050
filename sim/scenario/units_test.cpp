#include "scenario/units.hpp"

#include <gtest/gtest.h>

namespace payquake::scenario {
namespace {

TEST(Units, DurationsInEveryUnit) {
  EXPECT_EQ(parse_duration("250us"), 250 / 1e6);
  EXPECT_EQ(parse_duration("40ms"), 0.04);
  EXPECT_EQ(parse_duration("0.5ms"), 0.0005);
  EXPECT_EQ(parse_duration("2s"), 2.0);
  EXPECT_EQ(parse_duration("5m"), 300.0);
  EXPECT_EQ(parse_duration("1h"), 3600.0);
  EXPECT_EQ(parse_duration("7d"), 7 * 86400.0);
  EXPECT_EQ(parse_duration("0s"), 0.0);
  EXPECT_EQ(parse_duration("1_000ms"), 1.0);
  EXPECT_EQ(parse_duration("-1s"), -1.0);  // the reader rejects it with a bound message
}

TEST(Units, DurationWithoutAKnownUnitIsRejected) {
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("5ns"));
  EXPECT_FALSE(parse_duration("5 s"));
  EXPECT_FALSE(parse_duration("ms"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("2sec"));
}

TEST(Units, Rates) {
  EXPECT_EQ(parse_rate("2000/s"), 2000.0);
  EXPECT_EQ(parse_rate("120k/min"), 2000.0);
  EXPECT_EQ(parse_rate("3M/h"), 3e6 / 3600);
  EXPECT_EQ(parse_rate("0.5/s"), 0.5);
  EXPECT_FALSE(parse_rate("2000"));
  EXPECT_FALSE(parse_rate("2000/d"));
  EXPECT_FALSE(parse_rate("2G/s"));
}

TEST(Units, MoneyWithTooManyDigitsIsRefusedWithoutOverflow) {
  // Found by the fuzzer under UBSan: the digits were accumulated before they were counted.
  EXPECT_EQ(parse_money("999999999999999.99"), 999999999999999.99);
  EXPECT_EQ(parse_money("1000000000000000"), std::nullopt);
  EXPECT_EQ(parse_money("29223372036854775807"), std::nullopt);
  EXPECT_EQ(parse_money(std::string(400, '9')), std::nullopt);
}

TEST(Units, MoneyHasAtMostTwoDecimals) {
  EXPECT_EQ(parse_money("42.50"), 42.5);
  EXPECT_EQ(parse_money("42.5"), 42.5);
  EXPECT_EQ(parse_money("42"), 42.0);
  EXPECT_EQ(parse_money("0.01"), 0.01);
  EXPECT_FALSE(parse_money("42.505"));
  EXPECT_FALSE(parse_money("42."));
  EXPECT_FALSE(parse_money("-1.00"));
  EXPECT_FALSE(parse_money("$5"));
  EXPECT_FALSE(parse_money("1e3"));
}

TEST(Units, PercentagesAreFractions) {
  EXPECT_EQ(parse_percent("99.5%"), 0.995);
  EXPECT_EQ(parse_percent("100%"), 1.0);
  EXPECT_EQ(parse_percent("0.1%"), 0.001);
  EXPECT_FALSE(parse_percent("0.5"));
  EXPECT_FALSE(parse_percent("%"));
}

TEST(Units, Bandwidth) {
  EXPECT_EQ(parse_bandwidth("100Mbps"), 100e6);
  EXPECT_EQ(parse_bandwidth("10Gbps"), 10e9);
  EXPECT_EQ(parse_bandwidth("56kbps"), 56e3);
  EXPECT_EQ(parse_bandwidth("9600bps"), 9600.0);
  EXPECT_FALSE(parse_bandwidth("10G"));
  EXPECT_FALSE(parse_bandwidth("10GBps"));
}

TEST(Units, CountsAreWholeNumbers) {
  EXPECT_EQ(parse_count("1000"), 1000);
  EXPECT_EQ(parse_count("1_000_000"), 1000000);
  EXPECT_EQ(parse_count("1e6"), 1000000);
  EXPECT_EQ(parse_count("2.5e1"), 25);
  EXPECT_EQ(parse_count("-3"), -3);
  EXPECT_EQ(parse_count("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_count("1.5"));
  EXPECT_FALSE(parse_count("1e30"));
  EXPECT_FALSE(parse_count("_1"));
  EXPECT_FALSE(parse_count("1__0"));
  EXPECT_FALSE(parse_count("ten"));
}

TEST(Units, PlainNumbers) {
  EXPECT_EQ(parse_number("1.1"), 1.1);
  EXPECT_EQ(parse_number("-2.5"), -2.5);
  EXPECT_EQ(parse_number("3e-2"), 0.03);
  EXPECT_FALSE(parse_number("3x"));
}

TEST(Units, FormatsPickTheShortestExactSpelling) {
  EXPECT_EQ(format_duration(0.04), "40ms");
  EXPECT_EQ(format_duration(2.0), "2s");
  EXPECT_EQ(format_duration(300.0), "5m");
  EXPECT_EQ(format_duration(3600.0), "1h");
  EXPECT_EQ(format_duration(86400.0), "24h");  // days are read, never written
  EXPECT_EQ(format_duration(0.0005), "0.5ms");
  EXPECT_EQ(format_duration(0.00025), "250us");
  EXPECT_EQ(format_duration(0.0), "0s");
  EXPECT_EQ(format_rate(2000.0), "2000/s");
  EXPECT_EQ(format_money(42.5), "42.50");
  EXPECT_EQ(format_percent(0.995), "99.5%");
  EXPECT_EQ(format_percent(1.0), "100%");
  EXPECT_EQ(format_bandwidth(10e9), "10Gbps");
  EXPECT_EQ(format_bandwidth(100e6), "100Mbps");
}

TEST(Units, FormatsReadBackExactly) {
  for (double v : {0.123456789, 1.0 / 3, 7.25e-7, 86400.5, 12345.678}) {
    EXPECT_EQ(parse_duration(format_duration(v)), v) << format_duration(v);
    EXPECT_EQ(parse_rate(format_rate(v)), v) << format_rate(v);
    EXPECT_EQ(parse_bandwidth(format_bandwidth(v)), v) << format_bandwidth(v);
  }
  for (const char* p : {"33.3333%", "0.1%", "12.34567%", "99.99%", "1e-5%"}) {
    const double f = *parse_percent(p);
    EXPECT_EQ(parse_percent(format_percent(f)), f) << p << " -> " << format_percent(f);
  }
  for (const char* m : {"0.01", "19.99", "1234567.89", "0.10"}) {
    const double v = *parse_money(m);
    EXPECT_EQ(parse_money(format_money(v)), v) << m;
  }
}

}  // namespace
}  // namespace payquake::scenario
