// A fraud policy's trade-off curve (`payquake tradeoff`): one knob varied over values, each
// value run on the same seeds (a one-axis sweep); per value the fraud figures' means with
// their 95% Student-t intervals (caught against false declines, loss, total cost), and each
// value's total cost minus the cheapest value's, paired by seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "study/figures.hpp"
#include "study/stats.hpp"
#include "study/sweep_report.hpp"

namespace payquake::study {

// The curve's figures, in the order of its columns: caught, false declines, loss, total
// cost first, then the rest of summary.json "fraud".
struct TradeoffFigure {
  Figure figure;
  std::string column;  // tradeoff.csv's: "false_declines", "added_latency_seconds_mean"
};
std::vector<TradeoffFigure> tradeoff_figures();

struct TradeoffPoint {
  std::string value;                  // of the varied path, as given
  std::vector<std::uint64_t> seeds;   // of its finished runs
  std::vector<Sample> figures;        // parallel to tradeoff_figures(); n == 0: not in any run
  std::optional<Sample> over_lowest;  // total cost minus the lowest value's, paired by seed
};

struct Tradeoff {
  std::string path;  // the varied --set path
  std::size_t replications = 0;
  std::uint64_t first_seed = 0;
  std::vector<TradeoffPoint> points;
  std::size_t runs = 0, finished = 0, failed = 0, missing = 0;
  bool fraud_data = false;  // some run had a policy, an attack or fraud (else the figures are -)
  // The value of the lowest mean total cost: only when every run finished (an interrupted or
  // failed study names no answer, and its points have no over_lowest).
  std::optional<std::size_t> lowest;
  bool complete() const { return finished == runs; }
};

// REQUIRES: the sweep has exactly one axis and common seeds.
Tradeoff make_tradeoff(const SweepResult& sweep);

// One row per value: point, the path's value, replications, runs, each figure's mean and
// interval, total cost minus the lowest's (paired) and whether it is the lowest.
std::string tradeoff_csv(const Tradeoff& t);
// What a person reads: caught, false declines, loss and total cost per value with their
// intervals, the lowest total cost, or INCOMPLETE and no answer.
std::string tradeoff_table(const Tradeoff& t);

}  // namespace payquake::study
