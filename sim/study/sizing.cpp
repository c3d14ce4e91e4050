#include "study/sizing.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace payquake::study {
namespace {

std::string trimmed(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// A number with one of `units` (factor to seconds or to a fraction); nullopt if not.
std::optional<double> with_unit(const std::string& text,
                                const std::vector<std::pair<std::string, double>>& units) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(x) || x < 0) return std::nullopt;
  const std::string unit(end);
  for (const auto& [u, factor] : units)
    if (unit == u) return x * factor;
  return std::nullopt;
}

const std::vector<std::pair<std::string, double>> kDurationUnits{
    {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}, {"m", 60.0}, {"h", 3600.0}};
const std::vector<std::pair<std::string, double>> kFractionUnits{{"%", 0.01}, {"", 1.0}};

}  // namespace

const char* to_string(Knob k) {
  switch (k) {
    case Knob::kWorkers:
      return "workers";
    case Knob::kReplicas:
      return "replicas";
    case Knob::kQueue:
      return "queue";
  }
  return "?";
}

std::optional<Knob> parse_knob(const std::string& text, SpecError* error) {
  for (Knob k : {Knob::kWorkers, Knob::kReplicas, Knob::kQueue})
    if (text == to_string(k)) return k;
  *error = {text, "expected workers, replicas or queue, got '" + text + "'"};
  return std::nullopt;
}

std::int64_t knob_min(Knob k) { return k == Knob::kQueue ? 0 : 1; }

const std::vector<SloMetric>& slo_metrics() {
  static const std::vector<SloMetric> metrics{
      {"latency_p50", "latency_seconds.p50", true, "median latency of measured payments"},
      {"latency_p90", "latency_seconds.p90", true, "90th percentile latency"},
      {"latency_p99", "latency_seconds.p99", true, "99th percentile latency"},
      {"latency_p999", "latency_seconds.p999", true, "99.9th percentile latency"},
      {"latency_mean", "latency_seconds.mean", true, "mean latency"},
      {"success_rate", "payments.success_rate", false,
       "share of measured payments that got an answer (approved or declined)"},
      {"approval_rate", "measured.approval_rate", false, "share of measured payments approved"},
      {"queue_wait_p99", "nodes.{node}.queue_wait_seconds.p99", true,
       "99th percentile wait in the sized node's queue"},
      {"queue_wait_mean", "nodes.{node}.queue_wait_seconds.mean", true,
       "mean wait in the sized node's queue"},
  };
  return metrics;
}

std::vector<SloTerm> parse_slo(const std::string& text, SpecError* error) {
  std::vector<SloTerm> terms;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = trimmed(text.substr(start, comma - start));
    const std::size_t op = std::min(part.find("<="), part.find(">="));
    if (op == std::string::npos) {
      *error = {part, "expected METRIC<=VALUE or METRIC>=VALUE, like latency_p99<=2s or "
                      "success_rate>=99.9%, got '" + part + "'"};
      return {};
    }
    SloTerm term{trimmed(part.substr(0, op)), part[op] == '<', 0, part};
    const SloMetric* metric = nullptr;
    for (const auto& m : slo_metrics())
      if (term.metric == m.name) metric = &m;
    if (!metric) {
      std::string names;
      for (const auto& m : slo_metrics()) names += (names.empty() ? "" : ", ") + std::string(m.name);
      *error = {term.metric, "expected a metric (" + names + "), got '" + term.metric + "'"};
      return {};
    }
    const std::string value = trimmed(part.substr(op + 2));
    const auto target = with_unit(value, metric->seconds ? kDurationUnits : kFractionUnits);
    if (!target || (!metric->seconds && *target > 1)) {
      *error = {value, std::string("expected ") +
                           (metric->seconds ? "a duration like 2s or 250ms"
                                            : "a percentage like 99.9% (or a fraction like 0.999)") +
                           " for " + term.metric + ", got '" + value + "'"};
      return {};
    }
    term.target = *target;
    terms.push_back(term);
    if (comma == text.size()) break;
    start = comma + 1;
  }
  return terms;
}

std::string slo_path(const SloTerm& term, const std::string& node) {
  for (const auto& m : slo_metrics()) {
    if (term.metric != m.name) continue;
    std::string path = m.path;
    if (const auto at = path.find("{node}"); at != std::string::npos) path.replace(at, 6, node);
    return path;
  }
  return term.metric;
}

TermVerdict judge(const SloTerm& term, const std::vector<std::optional<double>>& values) {
  TermVerdict v;
  std::vector<double> present;
  for (const auto& x : values) {
    if (x) present.push_back(*x);
    else ++v.nulls;
  }
  v.sample = describe(present);
  if (v.nulls > 0 || !v.sample.mean) return v;  // a run without the figure fails the term
  if (v.sample.interval) {
    v.bound = term.at_most ? v.sample.interval->high : v.sample.interval->low;
  } else {
    v.bound = *v.sample.mean;
  }
  v.holds = term.at_most ? v.bound <= term.target : v.bound >= term.target;
  return v;
}

KnobSearch::KnobSearch(std::int64_t start, std::int64_t min, std::int64_t max)
    : start_(std::clamp(start, min, max)), min_(min), max_(max) {}

std::optional<std::int64_t> KnobSearch::next() const {
  if (!fail_ && !hold_) return start_;
  if (!hold_) {  // only failures: double
    if (*fail_ >= max_) return std::nullopt;
    return std::min(max_, std::max(*fail_ * 2, *fail_ + 1));
  }
  if (!fail_) {  // only successes: halve
    if (*hold_ <= min_) return std::nullopt;
    return std::max(min_, *hold_ / 2);
  }
  if (*hold_ - *fail_ <= 1) return std::nullopt;
  return *fail_ + (*hold_ - *fail_) / 2;
}

bool KnobSearch::record(std::int64_t value, bool holds) {
  const bool consistent = holds ? !(fail_ && value <= *fail_) : !(hold_ && value >= *hold_);
  if (holds) {
    hold_ = hold_ ? std::min(*hold_, value) : value;
    if (fail_ && *fail_ >= *hold_) fail_ = *hold_ - 1;  // trust the newer, smaller success
  } else {
    fail_ = fail_ ? std::max(*fail_, value) : value;
    if (hold_ && *hold_ <= *fail_) hold_.reset();
  }
  return consistent;
}

std::optional<std::int64_t> KnobSearch::answer() const { return next() ? std::nullopt : hold_; }

}  // namespace payquake::study
