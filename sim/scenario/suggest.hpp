// "Did you mean" for unknown keys and enum values: the nearest candidate by edit distance,
// offered only when it is close enough to be a likely typo.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace payquake::scenario {

// Edit distance: insertions, deletions, substitutions and swaps of two adjacent letters
// each cost 1 (Levenshtein plus transpositions, the commonest typo).
int edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, if its distance is at most 2 and at most a third of the
// candidate's length (at least 1): "servce_time" finds "service_time", "xy" finds nothing.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace payquake::scenario
