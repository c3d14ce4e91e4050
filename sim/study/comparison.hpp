// A paired comparison of two variants across replications: for each figure, the mean of
// A, the mean of B and the mean difference B - A per replication (same seed on both
// sides: common random numbers) with its t interval, beside the unpaired (Welch) one.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "study/figures.hpp"
#include "study/stats.hpp"

namespace payquake::study {

// One replication whose two runs both finished: A's and B's summary.json, same seed.
struct Pair {
  std::uint64_t seed = 0;
  const nlohmann::ordered_json* a = nullptr;
  const nlohmann::ordered_json* b = nullptr;
};

struct FigureComparison {
  Figure figure;
  // Per pair, in order; empty where the figure is null or missing in that run.
  std::vector<std::optional<double>> a, b;
  Sample a_stats;       // over A's values that exist
  Sample b_stats;       // over B's values that exist
  Sample paired;        // B - A over the pairs where both exist
  Difference unpaired;  // Welch, over the same values as a_stats and b_stats
  std::size_t a_missing() const;
  std::size_t b_missing() const;
  // The paired interval's width over the unpaired one (< 1: pairing helped); empty when
  // either is missing or the unpaired one has zero width.
  std::optional<double> width_ratio() const;
};

// REQUIRES: every pair's summaries outlive the result's use (they are not copied).
std::vector<FigureComparison> compare_pairs(const std::vector<Pair>& pairs,
                                            const std::vector<std::string>& extra_paths);

}  // namespace payquake::study
