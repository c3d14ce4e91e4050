#include "study/comparison.hpp"

#include <algorithm>

namespace payquake::study {
namespace {

std::size_t missing(const std::vector<std::optional<double>>& v) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), std::nullopt));
}

std::vector<double> present(const std::vector<std::optional<double>>& v) {
  std::vector<double> out;
  for (const auto& x : v)
    if (x) out.push_back(*x);
  return out;
}

FigureComparison compare_figure(const Figure& figure, const std::vector<Pair>& pairs) {
  FigureComparison c;
  c.figure = figure;
  std::vector<double> pa, pb;  // the pairs where both sides have a value
  for (const Pair& p : pairs) {
    c.a.push_back(figure_value(*p.a, figure));
    c.b.push_back(figure_value(*p.b, figure));
    if (c.a.back() && c.b.back()) {
      pa.push_back(*c.a.back());
      pb.push_back(*c.b.back());
    }
  }
  const std::vector<double> a = present(c.a), b = present(c.b);
  c.a_stats = describe(a);
  c.b_stats = describe(b);
  c.paired = paired_difference(pa, pb);
  c.unpaired = welch_difference(a, b);
  return c;
}

}  // namespace

std::size_t FigureComparison::a_missing() const { return missing(a); }
std::size_t FigureComparison::b_missing() const { return missing(b); }

std::optional<double> FigureComparison::width_ratio() const {
  if (!paired.interval || !unpaired.interval || unpaired.interval->half_width() == 0)
    return std::nullopt;
  return paired.interval->half_width() / unpaired.interval->half_width();
}

std::vector<FigureComparison> compare_pairs(const std::vector<Pair>& pairs,
                                            const std::vector<std::string>& extra_paths) {
  std::vector<const nlohmann::ordered_json*> summaries;
  for (const Pair& p : pairs) {
    summaries.push_back(p.a);
    summaries.push_back(p.b);
  }
  std::vector<FigureComparison> out;
  for (const Figure& f : comparison_figures(summaries, extra_paths))
    out.push_back(compare_figure(f, pairs));
  return out;
}

}  // namespace payquake::study
