// Arrivals of a staged load with spikes against the integral of its rate, computed here
// independently of sim/load: in total (Poisson error) and window by window (chi-square).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "validation/validation_support.hpp"

namespace payquake::testing {
namespace {

// Every hop answers at once, so the run costs little beyond drawing the arrivals.
// Rate: a ramp 1000 -> 5000/s over [0, 60), a hold to 160 s, a ramp down to 2000/s at
// 240 s, then 2000/s to the end (300 s). Spikes: x3 on [102.5, 122.5) (starting inside
// a 5 s window) and x1.5 on [230, 250) (straddling the end of the ramp down).
constexpr const char* kStagedLoad = R"(name: staged-load
seed: 11
duration: 300s
window: 5s
sites:
  - {id: s, internal_latency: 0ms}
nodes:
  - {id: gw, role: gateway, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, next: [acq], timeout: 1h}
  - {id: acq, role: acquirer, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 1h}
  - {id: net, role: network, site: s, workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}, timeout: 1h}
  - {id: iss, role: issuer, site: s, bins: ["4111"], workers: 100000, queue: unlimited, service_time: {dist: constant, value: 0ms}}
payers:
  - {id: p, cards: 1000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 10.00}}
load:
  arrival: {ARRIVAL}
  start_rate: 1000/s
  stages:
    - {duration: 60s, target: 5000/s}
    - {duration: 100s, target: 5000/s}
    - {duration: 80s, target: 2000/s}
  spikes:
    - {at: 102.5s, duration: 20s, multiplier: 3}
    - {at: 230s, duration: 20s, multiplier: 1.5}
)";

constexpr double kDurationS = 300.0;
constexpr double kWindowS = 5.0;

// By hand: ramp 60 s x mean 3000/s = 180 000; hold 100 s x 5000 = 500 000, plus the x3
// spike's extra 2 x 5000 x 20 = 200 000; ramp down 80 s x mean 3500 = 280 000, plus
// half of [230, 240) (rate 2375 -> 2000, 21 875 arrivals) = 10 937.5; 60 s x 2000 =
// 120 000, plus half of [240, 250) = 10 000.
constexpr double kExpectedTotal = 1'300'937.5;

// The staged rate without spikes: linear between these knots (time s, rate /s).
struct Knot {
  double t, rate;
};
constexpr Knot kKnots[] = {{0, 1000}, {60, 5000}, {160, 5000}, {240, 2000}, {300, 2000}};

struct Spike {
  double from, to, multiplier;
};
const std::vector<Spike> kSpikes = {{102.5, 122.5, 3.0}, {230, 250, 1.5}};

double staged_rate(double t) {
  for (std::size_t i = 0; i + 1 < std::size(kKnots); ++i) {
    const Knot a = kKnots[i], b = kKnots[i + 1];
    if (t <= b.t) return a.rate + (b.rate - a.rate) * (t - a.t) / (b.t - a.t);
  }
  return kKnots[std::size(kKnots) - 1].rate;
}

// The integral of the rate over [a, b): cut at every knot and spike edge, on each piece
// the rate is linear, so the trapezoid rule is exact.
double expected_arrivals(double a, double b, const std::vector<Spike>& spikes) {
  std::vector<double> cuts = {a, b};
  for (const Knot& k : kKnots) cuts.push_back(k.t);
  for (const Spike& s : spikes) cuts.insert(cuts.end(), {s.from, s.to});
  std::sort(cuts.begin(), cuts.end());
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double x = std::max(cuts[i], a), y = std::min(cuts[i + 1], b);
    if (y <= x) continue;
    double m = 1.0;
    for (const Spike& s : spikes)
      if ((x + y) / 2 >= s.from && (x + y) / 2 < s.to) m *= s.multiplier;
    total += m * (staged_rate(x) + staged_rate(y)) / 2 * (y - x);
  }
  return total;
}

struct Windows {
  std::vector<double> observed, expected, no_spike;
};

// The windows of [0, duration) from a run's time series, with their expectations; the
// windows of the drain after the duration must be empty.
Windows windows_of(const RunOutput& run) {
  const auto start = csv_column(run.timeseries, "time");
  const auto arrivals = csv_column(run.timeseries, "arrivals");
  Windows w;
  for (std::size_t i = 0; i < start.size(); ++i) {
    if (start[i] >= kDurationS) {
      EXPECT_EQ(arrivals[i], 0.0) << "arrivals after the duration, window at " << start[i];
      continue;
    }
    w.observed.push_back(arrivals[i]);
    w.expected.push_back(expected_arrivals(start[i], start[i] + kWindowS, kSpikes));
    w.no_spike.push_back(expected_arrivals(start[i], start[i] + kWindowS, {}));
  }
  EXPECT_EQ(w.observed.size(), static_cast<std::size_t>(kDurationS / kWindowS));
  return w;
}

double chi_square(const std::vector<double>& observed, const std::vector<double>& expected) {
  double x2 = 0.0;
  for (std::size_t i = 0; i < observed.size(); ++i)
    x2 += (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i];
  return x2;
}

RunOutput run_load(const std::string& arrival) {
  const std::string dir = temp_dir("staged-load");
  auto run = run_scenario(write_file(dir, "s.yaml", fill(kStagedLoad, {{"ARRIVAL", arrival}})));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::filesystem::remove_all(run.run_dir);
  std::filesystem::remove_all(dir);
  return run;
}

TEST(StagedLoad, TheHandComputedIntegralIsTheTestsOwnIntegral) {
  EXPECT_NEAR(expected_arrivals(0, kDurationS, kSpikes), kExpectedTotal, 1e-6);
}

TEST(StagedLoad, PoissonArrivalsMatchTheIntegratedRateInTotalAndPerWindow) {
  const RunOutput run = run_load("poisson");
  ASSERT_FALSE(run.summary.is_null());

  // The total is Poisson with mean kExpectedTotal.
  const double total = run.summary["payments"]["total"].get<double>();
  const double z = (total - kExpectedTotal) / std::sqrt(kExpectedTotal);
  const double z_bound = normal_quantile(kConfidence);
  std::printf(
      "| staged load, Poisson | total arrivals | %.1f | %.0f | %.0f (%.3f%%) | %+.4f%% (z = %+.2f) "
      "|\n",
      kExpectedTotal, total, z_bound * std::sqrt(kExpectedTotal),
      100 * z_bound / std::sqrt(kExpectedTotal), 100 * (total - kExpectedTotal) / kExpectedTotal,
      z);
  EXPECT_LT(std::abs(z), z_bound) << total << " arrivals, expected " << kExpectedTotal;

  // Window counts are independent Poisson variables (each mean > 5000, so normal), and
  // sum((n - m)^2 / m) is chi-square with one degree per window (nothing was fitted).
  // Both tails: too small would mean less variance than Poisson (not memoryless).
  const Windows w = windows_of(run);
  const double dof = static_cast<double>(w.observed.size());
  const double x2 = chi_square(w.observed, w.expected);
  const double low = chi_square_quantile(dof, (1 - kConfidence) / 2);
  const double high = chi_square_quantile(dof, 1 - (1 - kConfidence) / 2);
  std::printf(
      "| staged load, Poisson | per-window chi-square, %.0f windows | %.0f (dof) | %.1f | [%.1f, "
      "%.1f] | |\n",
      dof, dof, x2, low, high);
  EXPECT_GT(x2, low);
  EXPECT_LT(x2, high);
  // The check has power: the same counts against the profile without its spikes fail.
  EXPECT_GT(chi_square(w.observed, w.no_spike), 100 * high);
}

TEST(StagedLoad, UniformArrivalsFollowTheIntegratedRateToWithinOne) {
  // Evenly spaced arrivals fall where the integrated rate crosses k + 1/2, so every count
  // is within one of its window's integral: a check of the inversion without noise.
  const RunOutput run = run_load("uniform");
  ASSERT_FALSE(run.summary.is_null());
  EXPECT_NEAR(run.summary["payments"]["total"].get<double>(), kExpectedTotal, 1.0);
  const Windows w = windows_of(run);
  for (std::size_t i = 0; i < w.observed.size(); ++i)
    EXPECT_NEAR(w.observed[i], w.expected[i], 1.0 + 1e-6) << "window " << i;
}

}  // namespace
}  // namespace payquake::testing
