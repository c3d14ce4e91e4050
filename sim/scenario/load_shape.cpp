#include "scenario/load_shape.hpp"

#include <cmath>

namespace payquake::scenario {
namespace {

// A piecewise-linear rate as its corner points; two points at one time are a jump.
struct Point {
  double t = 0;
  double rate = 0;
};

std::vector<Point> points_of(const core::Load& load) {
  std::vector<Point> pts{{0.0, load.start_rate_per_s}};
  double t = 0;
  for (const auto& st : load.stages) pts.push_back({t += st.duration_s, st.target_per_s});
  return pts;
}

void set_points(core::Load& load, const std::vector<Point>& pts) {
  load.start_rate_per_s = pts.front().rate;
  load.stages.clear();
  for (std::size_t i = 1; i < pts.size(); ++i)
    load.stages.push_back({pts[i].t - pts[i - 1].t, pts[i].rate});
}

// The rate just after `t` (after any jump at t) and just before it.
double rate_after(const std::vector<Point>& pts, double t) {
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const Point& a = pts[i];
    const Point& b = pts[i + 1];
    if (t >= a.t && t < b.t) return a.rate + (b.rate - a.rate) * (t - a.t) / (b.t - a.t);
  }
  return pts.back().rate;
}

double rate_before(const std::vector<Point>& pts, double t) {
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const Point& a = pts[i];
    const Point& b = pts[i + 1];
    if (t > a.t && t <= b.t) return a.rate + (b.rate - a.rate) * (t - a.t) / (b.t - a.t);
  }
  return pts.front().rate;
}

// The curve g(t) = f((t + s) mod period) on [0, period]: a rotation of one period.
std::vector<Point> rotated(const std::vector<Point>& pts, double s, double period) {
  std::vector<Point> out{{0.0, rate_after(pts, s)}};
  for (const auto& p : pts)
    if (p.t > s) out.push_back({p.t - s, p.rate});
  // The shape's start follows its end, after a jump when the two differ.
  out.push_back({period - s, pts.front().rate});
  for (const auto& p : pts)
    if (p.t > 0 && p.t < s) out.push_back({p.t - s + period, p.rate});
  out.push_back({period, rate_before(pts, s)});
  return out;
}

std::vector<core::Spike> rotated(const std::vector<core::Spike>& spikes, double s, double period) {
  std::vector<core::Spike> out;
  for (const auto& sp : spikes) {
    double at = std::fmod(sp.at_s - s, period);
    if (at < 0) at += period;
    const double first = std::min(sp.duration_s, period - at);
    out.push_back({at, first, sp.multiplier});
    if (first < sp.duration_s) out.push_back({0.0, sp.duration_s - first, sp.multiplier});
  }
  return out;
}

}  // namespace

double span_s(const core::Load& shape) {
  double t = 0;
  for (const auto& st : shape.stages) t += st.duration_s;
  return t;
}

core::Load fitted(const core::Load& shape, const LoadFit& fit) {
  core::Load out = shape;
  const double period = span_s(shape);
  const double s = period > 0 ? std::fmod(std::fmod(fit.shift_s, period) + period, period) : 0.0;
  if (s > 0) {
    set_points(out, rotated(points_of(shape), s, period));
    out.spikes = rotated(shape.spikes, s, period);
  }
  out.start_rate_per_s *= fit.scale;
  for (auto& st : out.stages) {
    st.duration_s /= fit.compress;
    st.target_per_s *= fit.scale;
  }
  for (auto& sp : out.spikes) {
    sp.at_s /= fit.compress;
    sp.duration_s /= fit.compress;
  }
  return out;
}

core::Load stacked(core::Load base, const core::Load& extra) {
  base.stages.insert(base.stages.end(), extra.stages.begin(), extra.stages.end());
  base.spikes.insert(base.spikes.end(), extra.spikes.begin(), extra.spikes.end());
  return base;
}

core::Load from_rate_rows(const std::vector<std::pair<double, double>>& rows) {
  std::vector<Point> pts;
  for (const auto& [t, rate] : rows) pts.push_back({t, rate});
  core::Load load;
  set_points(load, pts);
  return load;
}

core::Load from_count_rows(const std::vector<std::pair<double, double>>& rows) {
  std::vector<Point> pts;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double start = rows[i].first;
    const double end =
        i + 1 < rows.size() ? rows[i + 1].first : start + (start - rows[i - 1].first);
    const double rate = rows[i].second / (end - start);
    pts.push_back({start, rate});  // a jump from the previous bucket's rate
    pts.push_back({end, rate});
  }
  core::Load load;
  set_points(load, pts);
  return load;
}

}  // namespace payquake::scenario
