#include "scenario/units.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "core/money.hpp"

namespace payquake::scenario {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A number at the start of `text` ("-1_000.5e3"), and the rest (the unit). Underscores are
// allowed between digits as thousands separators. nullopt when there is no number.
std::optional<std::pair<double, std::string_view>> split_number(std::string_view text) {
  std::string digits;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    if (text[i] == '-') digits += '-';
    ++i;
  }
  auto scan_digits = [&]() {
    const std::size_t start = i;
    while (i < text.size() &&
           (is_digit(text[i]) ||
            (text[i] == '_' && i > start && i + 1 < text.size() && is_digit(text[i + 1])))) {
      if (text[i] != '_') digits += text[i];
      ++i;
    }
    return i > start;
  };
  if (!scan_digits()) return std::nullopt;
  if (i + 1 < text.size() && text[i] == '.' && is_digit(text[i + 1])) {
    digits += '.';
    ++i;
    scan_digits();
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
    if (j < text.size() && is_digit(text[j])) {
      digits += 'e';
      digits.append(text.substr(i + 1, j - i - 1));
      i = j;
      while (i < text.size() && is_digit(text[i])) digits += text[i++];
    }
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v))
    return std::nullopt;
  return std::pair{v, text.substr(i)};
}

struct Unit {
  std::string_view suffix;
  double factor;
  bool divide;  // divide by the factor: 40 / 1000 is correctly rounded, 40 * 0.001 is not
};

double apply(double v, const Unit& u) { return u.divide ? v / u.factor : v * u.factor; }

std::optional<double> parse_with_units(std::string_view text, const Unit* units, std::size_t n) {
  const auto num = split_number(text);
  if (!num) return std::nullopt;
  for (std::size_t k = 0; k < n; ++k) {
    if (num->second != units[k].suffix) continue;
    const double v = apply(num->first, units[k]);  // 1e308h overflows to infinity
    return std::isfinite(v) ? std::optional(v) : std::nullopt;
  }
  return std::nullopt;
}

// The shortest of the candidate spellings of `v` that reads back exactly; the first unit
// listed wins a tie, so the list is ordered by preference.
std::string format_with_units(double v, const Unit* units, std::size_t n) {
  std::string best;
  for (std::size_t k = 0; k < n; ++k) {
    const double mantissa = units[k].divide ? v * units[k].factor : v / units[k].factor;
    const std::string text = format_number(mantissa) + std::string(units[k].suffix);
    const auto back = parse_with_units(text, units, n);
    if (back && *back == v && (best.empty() || text.size() < best.size())) best = text;
  }
  return best;
}

// Days are read (`7d`: a hold's expiry) but not written: a duration is written in the
// units of DESIGN.md section 4, so `24h` stays `24h` in a resolved scenario.
constexpr std::array<Unit, 6> kDurationUnits{{{"s", 1, false},
                                              {"ms", 1e3, true},
                                              {"us", 1e6, true},
                                              {"m", 60, false},
                                              {"h", 3600, false},
                                              {"d", 86400, false}}};
constexpr std::size_t kWrittenDurationUnits = 5;
constexpr std::array<Unit, 4> kBandwidthUnits{
    {{"bps", 1, false}, {"kbps", 1e3, false}, {"Mbps", 1e6, false}, {"Gbps", 1e9, false}}};

}  // namespace

std::optional<double> parse_duration(std::string_view text) {
  return parse_with_units(text, kDurationUnits.data(), kDurationUnits.size());
}

std::optional<double> parse_rate(std::string_view text) {
  const auto num = split_number(text);
  if (!num) return std::nullopt;
  std::string_view unit = num->second;
  double v = num->first;
  if (!unit.empty() && (unit[0] == 'k' || unit[0] == 'M')) {
    v *= unit[0] == 'k' ? 1e3 : 1e6;
    unit.remove_prefix(1);
  }
  if (!std::isfinite(v)) return std::nullopt;  // 1e308k/s overflows to infinity
  if (unit == "/s") return v;
  if (unit == "/min") return v / 60;
  if (unit == "/h") return v / 3600;
  return std::nullopt;
}

std::optional<double> parse_money(std::string_view text) {
  // Read as an exact count of cents, never through a binary fraction.
  constexpr std::size_t kMaxWholeDigits = 15;  // keeps cents within int64 and exact in a double
  std::size_t i = 0;
  std::int64_t whole = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (i == kMaxWholeDigits) return std::nullopt;  // before the product could overflow
    whole = whole * 10 + (text[i++] - '0');
  }
  if (i == 0) return std::nullopt;
  std::int64_t cents = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    const std::size_t decimals = i - start;
    if (decimals == 0 || decimals > 2) return std::nullopt;
    cents = (text[start] - '0') * 10 + (decimals == 2 ? text[start + 1] - '0' : 0);
  }
  if (i != text.size()) return std::nullopt;
  return static_cast<double>(whole * 100 + cents) / 100.0;
}

std::optional<double> parse_percent(std::string_view text) {
  const auto num = split_number(text);
  if (!num || num->second != "%") return std::nullopt;
  return num->first / 100;
}

std::optional<double> parse_bandwidth(std::string_view text) {
  return parse_with_units(text, kBandwidthUnits.data(), kBandwidthUnits.size());
}

std::optional<std::int64_t> parse_count(std::string_view text) {
  const auto num = split_number(text);
  if (!num || !num->second.empty()) return std::nullopt;
  // Plain digits are read exactly (a double is exact only up to 2^53).
  bool plain = true;
  for (char c : text) plain = plain && (is_digit(c) || c == '_' || c == '-' || c == '+');
  if (plain) {
    std::string digits;
    for (char c : text)
      if (c != '_' && c != '+') digits += c;
    std::int64_t exact = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exact);
    if (ec == std::errc() && end == digits.data() + digits.size()) return exact;
    return std::nullopt;  // out of range
  }
  const double v = num->first;
  // 2^63 is the first double outside int64.
  constexpr double kLimit = 9223372036854775808.0;
  if (v != std::trunc(v) || v >= kLimit || v < -kLimit) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::optional<double> parse_number(std::string_view text) {
  const auto num = split_number(text);
  if (!num || !num->second.empty()) return std::nullopt;
  return num->first;
}

std::string format_number(double v) {
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc() ? std::string(buf.data(), end) : "nan";
}

std::string format_duration(double seconds) {
  return format_with_units(seconds, kDurationUnits.data(), kWrittenDurationUnits);
}

std::string format_rate(double per_second) { return format_number(per_second) + "/s"; }

std::string format_money(double major) {
  return core::to_string(core::Money{std::llround(major * 100.0)});
}

std::string format_percent(double fraction) {
  // fraction * 100 may land an ulp away from the number that was written; the written
  // number is within a few ulps, so walk outwards until one reads back exactly.
  constexpr int kMaxSteps = 8;
  const double centre = fraction * 100;
  double lo = centre;
  double hi = centre;
  for (int step = 0; step <= kMaxSteps; ++step) {
    for (double candidate : {lo, hi}) {
      const std::string text = format_number(candidate) + "%";
      const auto back = parse_percent(text);
      if (back && *back == fraction) return text;
    }
    lo = std::nextafter(lo, -std::numeric_limits<double>::infinity());
    hi = std::nextafter(hi, std::numeric_limits<double>::infinity());
  }
  return format_number(centre) + "%";
}

std::string format_bandwidth(double bps) {
  return format_with_units(bps, kBandwidthUnits.data(), kBandwidthUnits.size());
}

}  // namespace payquake::scenario
