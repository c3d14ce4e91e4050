#include "study/comparison.hpp"

#include <algorithm>
#include <cmath>

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

// Two values that agree to 12 significant digits are the same figure: summaries carry
// floating-point noise (a percentile computed along two paths can differ in the last
// bit), and 1e-16 must not read as a difference that "excludes 0".
constexpr double kSameRelative = 1e-12;

bool same(double a, double b) {
  return std::fabs(b - a) <= kSameRelative * std::max(std::fabs(a), std::fabs(b));
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
      pb.push_back(same(*c.a.back(), *c.b.back()) ? *c.a.back() : *c.b.back());
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
  if (!paired.interval || !unpaired.interval || !a_stats.mean || !b_stats.mean) return std::nullopt;
  // An unpaired width that is only floating-point noise gives no meaningful ratio.
  const double scale = std::max(std::fabs(*a_stats.mean), std::fabs(*b_stats.mean));
  if (unpaired.interval->half_width() <= kSameRelative * scale ||
      unpaired.interval->half_width() == 0)
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
