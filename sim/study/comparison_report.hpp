// A comparison as a person reads it (a table with units) and as tools read it
// (compare.json, compare.csv).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "study/comparison.hpp"

namespace payquake::study {

// What was compared and which replications count.
struct ComparisonInfo {
  std::string a, b;                  // each variant as a command line fragment
  std::size_t replications = 0;      // asked for
  std::vector<std::uint64_t> seeds;  // of the pairs compared, in order
  struct Excluded {
    std::uint64_t seed = 0;
    std::string why;  // "B (b/3): exit 3" ...
  };
  std::vector<Excluded> excluded;  // replications with a run that failed or never ran
  bool partial = false;            // interrupted: fewer pairs than asked
};

std::string comparison_table(const std::vector<FigureComparison>& rows, const ComparisonInfo& info);
nlohmann::ordered_json comparison_json(const std::vector<FigureComparison>& rows,
                                       const ComparisonInfo& info);
std::string comparison_csv(const std::vector<FigureComparison>& rows);

// The median over the rows of the paired interval's width / the unpaired one's; empty
// when no row has both.
std::optional<double> median_width_ratio(const std::vector<FigureComparison>& rows);

}  // namespace payquake::study
