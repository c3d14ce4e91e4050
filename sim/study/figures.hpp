// The figures a study compares, read out of summary.json: the headline figures every
// comparison shows, and any dotted path the user asks for (`--metric`).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace payquake::study {

// How a figure is shown: the unit its summary.json value is in.
enum class Unit { kFraction, kSeconds, kPerSecond, kCount, kMoney, kNumber };

const char* unit_name(Unit unit);  // "fraction", "seconds", ... (compare.json, compare.csv)

struct Figure {
  std::string name;  // shown in the table; for a path figure, the path
  std::string path;  // dotted path into summary.json ("nodes.iss.utilisation")
  Unit unit = Unit::kNumber;
  // The worst (largest) faults[].time_to_recover_seconds: null when any fault did not
  // recover or was not judged, or when the run has no fault.
  bool worst_recovery = false;
  // The one figure a study of fraud policies minimises (summary.json fraud.total_cost:
  // loss + chargeback fees + lost margin); reports single it out.
  bool minimise = false;
};

// The headline figures (success rate, throughput, latency mean and percentiles, duplicates, orphan
// holds, in doubt, failed, retries, worst recovery), the fraud figures when any of
// `summaries` has fraud data, each node's utilisation and rejections, then `extra_paths`
// in order. Nodes are those named in any of `summaries`.
std::vector<Figure> comparison_figures(const std::vector<const nlohmann::ordered_json*>& summaries,
                                       const std::vector<std::string>& extra_paths);

// summary.json "fraud": total cost (the figure to minimise) and its parts, then the counts,
// rates and the latency policies add, in the summary's units (money as money).
std::vector<Figure> fraud_figures();

// True when the run had anything to do with fraud: a policy ran (fraud.by_policy), an
// attack ran (fraud.by_attack), or any fraud figure is not 0. A summary without "fraud"
// (an older payquake) has none.
bool has_fraud_data(const nlohmann::ordered_json& summary);

// A user's dotted path as a figure; the unit is guessed from the name ("_seconds",
// "_rate", "utilisation", "per_second", "amount").
Figure path_figure(const std::string& path);

// The figure's value in one summary; empty when null, missing or not a number (a money
// string "12.50" is read as 12.5, a boolean as 0 or 1).
std::optional<double> figure_value(const nlohmann::ordered_json& summary, const Figure& figure);

// The value at a dotted path ("faults.0.end" indexes arrays); null when absent.
const nlohmann::ordered_json* at_path(const nlohmann::ordered_json& summary,
                                      const std::string& path);

}  // namespace payquake::study
