// The unit-carrying scalars of DESIGN.md section 4 (durations, rates, money, percentages,
// bandwidth, counts) parsed to base units, and written back so that they read back
// exactly. Pure functions of text: no YAML, no locations (the reader adds those).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace payquake::scenario {

// What each form looks like, for "expected X, got Y" messages.
inline constexpr std::string_view kDurationForm = "a duration with a unit, like 250ms or 2s";
inline constexpr std::string_view kRateForm = "a rate like 2000/s, 120k/min or 3M/h";
inline constexpr std::string_view kMoneyForm = "money with at most two decimals, like 42.50";
inline constexpr std::string_view kPercentForm = "a percentage like 99.5%";
inline constexpr std::string_view kBandwidthForm = "a bandwidth like 100Mbps or 10Gbps";
inline constexpr std::string_view kCountForm = "a whole number like 1000, 1_000_000 or 1e6";
inline constexpr std::string_view kNumberForm = "a number";

// Every parser gives a finite number or nullopt: "nan", "inf" and values that overflow to
// infinity once the unit is applied ("1e308h") are not numbers a scenario can use.

// Seconds; units us, ms, s, m, h. A bare number is rejected: "5" could mean anything.
std::optional<double> parse_duration(std::string_view text);
// Per second; "<n>[k|M]/(s|min|h)".
std::optional<double> parse_rate(std::string_view text);
// Major units; at most two decimals, so the value is an exact number of cents.
std::optional<double> parse_money(std::string_view text);
// A fraction: "99.5%" is 0.995.
std::optional<double> parse_percent(std::string_view text);
// Bits per second; units bps, kbps, Mbps, Gbps.
std::optional<double> parse_bandwidth(std::string_view text);
// An integer; "1_000_000" and "1e6" are allowed, "1.5" is not.
std::optional<std::int64_t> parse_count(std::string_view text);
// A plain number without a unit.
std::optional<double> parse_number(std::string_view text);

// The shortest text that reads back to exactly `v` with the parser above.
std::string format_number(double v);
std::string format_duration(double seconds);  // "40ms", "2s", "5m"
std::string format_rate(double per_second);   // "2000/s"
std::string format_money(double major);       // "42.50"
std::string format_percent(double fraction);  // "99.5%"
std::string format_bandwidth(double bps);     // "10Gbps"

}  // namespace payquake::scenario
