// `payquake size`: the pieces that are plain logic, with no run and no file. The service
// level objective as typed on the command line ("latency_p99<=2s,success_rate>=99.9%"),
// the knob a search turns (workers, replicas or queue of one node), the decision at one
// knob value from replications (which must account for their spread), and the search:
// bracketing by doubling or halving from the scenario's own value, then bisection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "study/stats.hpp"

namespace payquake::study {

// A located mistake in a --knob or --slo string: the bad part and what was expected.
struct SpecError {
  std::string part;     // the offending text as typed
  std::string message;  // "expected ..., got ..."
};

enum class Knob { kWorkers, kReplicas, kQueue };
const char* to_string(Knob k);
// "workers" | "replicas" | "queue"; otherwise a SpecError naming the value.
std::optional<Knob> parse_knob(const std::string& text, SpecError* error);
// The smallest value the scenario format allows for the knob (1, or 0 for queue).
std::int64_t knob_min(Knob k);
// The largest value a search tries before saying no value meets the SLO.
inline constexpr std::int64_t kKnobMax = 100'000;

// One term of an SLO: metric, comparison, target in the metric's unit (seconds or a
// fraction).
struct SloTerm {
  std::string metric;   // latency_p99, success_rate, queue_wait_p99, ...
  bool at_most = true;  // <= (true) or >= (false)
  double target = 0;
  std::string text;     // as typed, for messages: "latency_p99<=2s"
};

// The metrics a term may name, and where each is read in summary.json.
struct SloMetric {
  const char* name;
  const char* path;  // a dotted path; "{node}" is the sized node's id
  bool seconds;      // a duration (2s, 250ms) rather than a fraction (99.9%, 0.999)
  const char* meaning;
};
const std::vector<SloMetric>& slo_metrics();

// "latency_p99<=2s,success_rate>=99.9%"; empty result with `error` set on a mistake.
std::vector<SloTerm> parse_slo(const std::string& text, SpecError* error);

// The summary.json path of `term` for node `node`.
std::string slo_path(const SloTerm& term, const std::string& node);

// What replications at one knob value say about one term. The decision rule: a term
// `<=` holds when the upper end of the two-sided 95% Student-t interval of its mean is
// at most the target; a term `>=` when the lower end is at least the target. With one
// replication (no interval) the value itself is compared. A run in which the metric is
// null (no payment finished) counts against the term.
struct TermVerdict {
  Sample sample;
  std::size_t nulls = 0;  // runs without a value
  bool holds = false;
  double bound = 0;       // the bound compared with the target
};
TermVerdict judge(const SloTerm& term, const std::vector<std::optional<double>>& values);

// A bracketing-then-bisection search for the smallest knob value that meets the SLO,
// assuming a larger value never makes it worse. Start at the scenario's value: while it
// fails, double; while it holds, halve; then bisect between the largest failing and the
// smallest holding value.
class KnobSearch {
 public:
  KnobSearch(std::int64_t start, std::int64_t min, std::int64_t max);

  // The value to try next; empty when the search is over.
  std::optional<std::int64_t> next() const;
  // The verdict at `value`. Returns false when it contradicts an earlier verdict (a smaller
  // value held, or a larger one failed): the SLO is not monotone in the knob there.
  bool record(std::int64_t value, bool holds);

  // The smallest value found to hold; empty when none up to max does (or not yet known).
  std::optional<std::int64_t> answer() const;
  std::optional<std::int64_t> largest_failing() const { return fail_; }

 private:
  std::int64_t start_, min_, max_;
  std::optional<std::int64_t> fail_;  // the largest value that failed
  std::optional<std::int64_t> hold_;  // the smallest value that held
};

}  // namespace payquake::study
