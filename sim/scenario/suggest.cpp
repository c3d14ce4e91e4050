#include "scenario/suggest.hpp"

#include <algorithm>

namespace payquake::scenario {

int edit_distance(std::string_view a, std::string_view b) {
  // Three rows: the transposition step looks two rows back.
  std::vector<int> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      row[j] =
          std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    before.swap(prev);
    prev.swap(row);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  // Two edits cover most typos; the length bound keeps "id" from matching any two letters.
  constexpr int kMaxDistance = 2;
  std::optional<std::string> best;
  int best_distance = kMaxDistance + 1;
  for (const auto& c : candidates) {
    const int limit = std::min(kMaxDistance, std::max(1, static_cast<int>(c.size()) / 3));
    const int d = edit_distance(word, c);
    if (d <= limit && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace payquake::scenario
