// A sizing as a person reads it (the curve and the answer) and as tools read it
// (size.json with the answer under `answer`, size.csv with one row per value and figure).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "study/sizing.hpp"

namespace payquake::study {

// What the replications at one knob value gave.
struct CurvePoint {
  std::int64_t value = 0;
  std::size_t runs = 0;    // planned
  std::size_t failed = 0;  // failed or never finished: left out, never averaged
  std::vector<TermVerdict> terms;  // parallel to SizingInfo::terms
  Sample peak_utilisation;         // the sized node's busiest window, a fraction
  bool holds = false;              // every term holds (and at least one run counted)
};

struct SizingInfo {
  std::string scenario;  // as typed, with its --set overrides
  std::string node;
  Knob knob = Knob::kWorkers;
  std::int64_t scenario_value = 0;  // the knob's value in the scenario, where the search began
  std::string slo;                  // as typed
  std::vector<SloTerm> terms;
  std::size_t replications = 0;
  std::vector<std::uint64_t> seeds;  // the same at every value (common random numbers)
  std::optional<std::int64_t> answer;
  std::optional<std::int64_t> largest_failing;
  bool partial = false;        // interrupted before the search ended
  bool non_monotone = false;   // a verdict contradicted an earlier one
};

// The decision rule, in words, for the table and size.json.
std::string decision_rule();

std::string sizing_table(const std::vector<CurvePoint>& curve, const SizingInfo& info);
nlohmann::ordered_json sizing_json(const std::vector<CurvePoint>& curve, const SizingInfo& info);
std::string sizing_csv(const std::vector<CurvePoint>& curve, const SizingInfo& info);

}  // namespace payquake::study
