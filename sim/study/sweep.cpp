#include "study/sweep.hpp"

#include <algorithm>
#include <charconv>

namespace payquake::study {
namespace {

std::string padded(std::size_t n, std::size_t last) {
  const std::size_t width = std::to_string(last).size();
  std::string s = std::to_string(n);
  return std::string(width - std::min(width, s.size()), '0') + s;
}

std::optional<std::size_t> number(const std::string& s) {
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return n;
}

}  // namespace

std::vector<SweepPoint> sweep_points(const SweepDesign& d) {
  std::size_t count = 1;
  for (const auto& a : d.axes) count *= a.values.size();
  std::vector<SweepPoint> points(count);
  for (std::size_t p = 0; p < count; ++p) {
    SweepPoint& point = points[p];
    point.index = p;
    point.folder = "point-" + padded(p, count - 1);
    std::size_t rest = p;
    point.values.resize(d.axes.size());
    for (std::size_t a = d.axes.size(); a-- > 0;) {
      point.values[a] = d.axes[a].values[rest % d.axes[a].values.size()];
      rest /= d.axes[a].values.size();
    }
    point.overrides = d.fixed_overrides;
    for (std::size_t a = 0; a < d.axes.size(); ++a)
      point.overrides.push_back(d.axes[a].path + "=" + point.values[a]);
  }
  return points;
}

std::size_t sweep_run_count(const SweepDesign& d) {
  std::size_t count = d.replications;
  for (const auto& a : d.axes) count *= a.values.size();
  return count;
}

std::uint64_t sweep_seed(const SweepDesign& d, std::size_t point, std::size_t replication) {
  if (d.common_seeds) return d.first_seed + replication;
  return d.first_seed + point * d.replications + replication;
}

SweepRun sweep_run(const SweepDesign& d, const std::vector<SweepPoint>& points,
                   std::size_t number) {
  SweepRun r;
  r.number = number;
  r.point = number % points.size();
  r.replication = number / points.size();
  r.seed = sweep_seed(d, r.point, r.replication);
  r.folder = points[r.point].folder + "/seed-" + std::to_string(r.seed);
  return r;
}

Run sweep_plan_run(const SweepDesign& d, const SweepPoint& point, const SweepRun& run) {
  return {run.folder, d.scenario_path, point.overrides, run.seed, run.folder, {}};
}

std::string run_list_text(const std::vector<std::size_t>& runs) {
  std::string out;
  for (std::size_t i = 0; i < runs.size();) {
    std::size_t j = i;
    while (j + 1 < runs.size() && runs[j + 1] == runs[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(runs[i]);
    if (j > i) out += '-' + std::to_string(runs[j]);
    i = j + 1;
  }
  return out;
}

std::optional<std::vector<std::size_t>> parse_run_list(const std::string& text, std::size_t count,
                                                       std::string* why) {
  std::vector<std::size_t> runs;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    const auto first = number(part.substr(0, dash));
    const auto last = dash == std::string::npos ? first : number(part.substr(dash + 1));
    if (!first || !last || *last < *first) {
      *why = "expected run numbers like 0-9,12, got '" + text + "'";
      return std::nullopt;
    }
    if (*last >= count) {
      *why = "expected run numbers below " + std::to_string(count) + " (the sweep's runs), got " +
             std::to_string(*last);
      return std::nullopt;
    }
    for (std::size_t n = *first; n <= *last; ++n) runs.push_back(n);
    start = comma + 1;
  }
  std::sort(runs.begin(), runs.end());
  runs.erase(std::unique(runs.begin(), runs.end()), runs.end());
  return runs;
}

}  // namespace payquake::study
