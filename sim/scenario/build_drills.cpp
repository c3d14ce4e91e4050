// Reading a drill's judgement (DESIGN.md section 4): `slo`, the service level judged per
// window, and `expect`, the hypotheses ("duplicates: == 0") whose values are read in the unit
// of their metric.
#include <algorithm>
#include <array>

#include "scenario/build.hpp"
#include "scenario/metrics.hpp"
#include "scenario/suggest.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

using Op = core::Expectation::Op;

std::vector<std::string> names_of_metrics() {
  std::vector<std::string> names;
  for (const auto& m : core::kExpectMetrics) names.emplace_back(m.name);
  return names;
}

// The top-level keys of summary.json a dotted path may start with.
const std::vector<std::string> kSummaryRoots{"payments",   "attempts",     "latency_seconds",
                                             "duplicates", "conservation", "idempotency",
                                             "nodes",    "fraud"};

std::vector<std::string> documented_paths() {
  std::vector<std::string> paths;
  for (const auto& root : kSummaryRoots) paths.push_back(root + ".*");
  return paths;
}

// What `expect` accepts, documented in docs/scenario-format.md (keys.hpp): the metric names,
// and the summary.json paths (written "payments.*"): whatever core::kExpectMetrics lists.
const KeySet kExpectMetrics{"expect", names_of_metrics()};
const KeySet kExpectPaths{"expect", documented_paths()};
const KeySet kSloKeys{"slo", {"window", "success_rate", "latency_p99", "stable_for"}};

constexpr std::string_view kPathExample = "payments.approved";

// Longest first, so "<=" is not read as "<" followed by "= 5".
struct OpSpelling {
  std::string_view text;
  Op op;
};
constexpr std::array<OpSpelling, 5> kOps{
    {{"==", Op::kEq}, {"<=", Op::kLe}, {">=", Op::kGe}, {"<", Op::kLt}, {">", Op::kGt}}};

// How a value of each unit is written, for messages.
struct UnitText {
  std::string_view example;  // a whole comparison
  std::string_view noun;     // after "then"
  std::string_view form;     // "expected '<=' followed by <form>"
  std::string_view bounded;  // ... by <bounded>, when in the form but out of bounds
};

UnitText text_of(MetricUnit u) {
  switch (u) {
    case MetricUnit::kDuration:
      return {"<= 2m", "a duration", kDurationForm, "a duration >= 0"};
    case MetricUnit::kPercent:
      return {">= 99.5%", "a percentage", kPercentForm, "a percentage >= 0% and <= 100%"};
    case MetricUnit::kMoney:
      return {"<= 100.00", "money", kMoneyForm, "money >= 0"};
    case MetricUnit::kCount:
      return {"== 0", "a count", kCountForm, "a count >= 0"};
    case MetricUnit::kRate:
      return {">= 500/s", "a rate", "a rate like 500/s, or a number per second", "a rate >= 0"};
    case MetricUnit::kSummaryPath:
      return {"== 0", "a number", "a number, a duration like 2s or a percentage like 99.5%", ""};
  }
  return {};
}

struct Parsed {
  double value = 0;
  bool in_bounds = true;
};

// The value of a comparison in `unit`; nullopt when it is not written in that unit.
std::optional<Parsed> parse_value(std::string_view text, MetricUnit unit) {
  switch (unit) {
    case MetricUnit::kDuration:
      if (const auto d = parse_duration(text)) return Parsed{*d, *d >= 0};
      return std::nullopt;
    case MetricUnit::kPercent:
      if (const auto p = parse_percent(text)) return Parsed{*p, *p >= 0 && *p <= 1};
      return std::nullopt;
    case MetricUnit::kMoney:
      // parse_money reads no sign: a negative amount is not money at all.
      if (const auto m = parse_money(text)) return Parsed{*m, true};
      return std::nullopt;
    case MetricUnit::kCount:
      if (const auto c = parse_count(text)) return Parsed{static_cast<double>(*c), *c >= 0};
      return std::nullopt;
    case MetricUnit::kRate: {
      auto r = parse_rate(text);
      if (!r) r = parse_number(text);
      if (r) return Parsed{*r, *r >= 0};
      return std::nullopt;
    }
    case MetricUnit::kSummaryPath: {
      auto n = parse_number(text);
      if (!n) n = parse_duration(text);
      if (!n) n = parse_percent(text);
      if (n) return Parsed{*n, true};
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string listed(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<MetricUnit> metric_unit(std::string_view metric) {
  if (const auto* m = core::find_expect_metric(metric)) return m->unit;
  const std::size_t dot = metric.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  bool root = false;
  for (const auto& r : kSummaryRoots) root = root || r == metric.substr(0, dot);
  if (!root || metric.back() == '.' || metric.find("..") != std::string_view::npos)
    return std::nullopt;
  return MetricUnit::kSummaryPath;
}

std::string format_metric_value(double value, MetricUnit unit) {
  switch (unit) {
    case MetricUnit::kDuration:
      return format_duration(value);
    case MetricUnit::kPercent:
      return format_percent(value);
    case MetricUnit::kMoney:
      return format_money(value);
    case MetricUnit::kRate:
      return format_rate(value);
    case MetricUnit::kCount:
    case MetricUnit::kSummaryPath:
      return format_number(value);
  }
  return format_number(value);
}

void Builder::read_slo(const Value& v) {
  const std::string path = "slo";
  if (!r_.mapping(v, path, kSloKeys)) return;
  core::Slo& slo = s_.slo;
  const bool window_ok =
      r_.duration_field(v, path, "window", Bound::kPositive, false, slo.window_s);
  if (const Value* x = v.find("success_rate"))
    if (const auto p = r_.share(*x, join(path, "success_rate"))) slo.success_rate = *p;
  r_.duration_field(v, path, "latency_p99", Bound::kPositive, false, slo.latency_p99_s);
  // >= 0 here: below the window it is reported against the window, 0s included.
  const bool stable_ok =
      r_.duration_field(v, path, "stable_for", Bound::kNonNegative, false, slo.stable_for_s);
  if (!window_ok || !stable_ok || slo.stable_for_s >= slo.window_s) return;
  // Recovery is a run of whole windows that meet the SLO: at least one.
  const Value* window = v.find("window");
  if (const Value* stable = v.find("stable_for")) {
    r_.error(stable->loc, join(path, "stable_for"),
             "expected a duration >= window (" +
                 (window ? window->text : format_duration(slo.window_s)) + "), got " +
                 describe(*stable));
  } else {
    r_.error(window->loc, join(path, "window"),
             "expected a duration <= stable_for (" + format_duration(slo.stable_for_s) +
                 " by default), got " + describe(*window));
  }
}

void Builder::read_expect(const Value& v) {
  if (!v.is_mapping()) {
    r_.error(v.loc, "expect",
             "expected a mapping of metric to \"op value\", like duplicates: \"== 0\", got " +
                 describe(v));
    return;
  }
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    const Key& key = v.keys[i];
    const std::string path = join("expect", key.text);
    const int first = v.index_of(key.text);
    if (first != static_cast<int>(i)) {
      r_.error(key.loc, path,
               "expected each metric once, got '" + key.text + "' again (first at line " +
                   std::to_string(v.keys[static_cast<std::size_t>(first)].loc.line) + ")");
      continue;
    }
    read_expectation(key, v.items[i], path);
  }
}

void Builder::read_expectation(const Key& key, const Value& v, const std::string& path) {
  const std::string& metric = key.text;
  for (const auto& u : kExpectMetrics.later()) {
    if (metric != u.key) continue;
    r_.error(key.loc, path, "not supported yet (" + std::string(u.belongs_to) + ")");
    return;
  }
  const auto unit = metric_unit(metric);
  if (!unit) {
    const std::size_t dot = metric.find('.');
    if (dot == std::string::npos) {
      const auto& names = kExpectMetrics.keys();
      if (const auto near = nearest(metric, names)) {
        r_.error(key.loc, path, "unknown metric '" + metric + "', did you mean '" + *near + "'?");
      } else {
        r_.error(key.loc, path,
                 "unknown metric '" + metric + "', expected one of " + listed(names) +
                     ", or a dotted path into summary.json like " + std::string(kPathExample));
      }
      return;
    }
    const std::string root = metric.substr(0, dot);
    const auto near = nearest(root, kSummaryRoots);
    const bool root_known =
        std::find(kSummaryRoots.begin(), kSummaryRoots.end(), root) != kSummaryRoots.end();
    if (root_known) {  // an empty segment: "payments." or "payments..approved"
      r_.error(key.loc, path,
               "expected a dotted path into summary.json like " + std::string(kPathExample) +
                   ", got '" + metric + "'");
    } else {
      r_.error(key.loc, path,
               "expected a path into summary.json starting with one of " + listed(kSummaryRoots) +
                   ", got '" + metric + "'" +
                   (near ? " (did you mean '" + *near + metric.substr(dot) + "'?)" : ""));
    }
    return;
  }

  const UnitText unit_text = text_of(*unit);
  const std::string_view written = v.is_scalar() ? trim(v.text) : std::string_view();
  const OpSpelling* op = nullptr;
  for (const auto& o : kOps) {
    if (!written.starts_with(o.text)) continue;
    op = &o;
    break;
  }
  const std::string_view rest = op ? trim(written.substr(op->text.size())) : std::string_view();
  // "=> 5", "=< 5" and "!= 5" are no comparison here; nor is an op without a value.
  if (!op || rest.empty() || rest.find_first_of("=<>!") == 0) {
    r_.error(v.loc, path,
             "expected a comparison like \"" + std::string(unit_text.example) +
                 "\" (==, <=, >=, < or >, then " + std::string(unit_text.noun) + "), got " +
                 describe(v));
    return;
  }
  const auto parsed = parse_value(rest, *unit);
  if (!parsed || !parsed->in_bounds) {
    r_.error(v.loc, path,
             "expected '" + std::string(op->text) + "' followed by " +
                 std::string(parsed ? unit_text.bounded : unit_text.form) + ", got " + describe(v));
    return;
  }
  core::Expectation e;
  e.metric = metric;
  e.op = op->op;
  e.value = parsed->value;
  e.text = metric + " " + std::string(op->text) + " " + std::string(rest);
  s_.expectations.push_back(std::move(e));
}

}  // namespace payquake::scenario
