// Statistics for the validation tier: textbook queueing results (Erlang C,
// Pollaczek-Khinchine), Student-t intervals over independent replications, and a runner
// that executes the replications of one scenario as separate payquake processes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "study/stats.hpp"
#include "support/run_payquake.hpp"

namespace payquake::testing {

// Every interval in this tier is two-sided at this level. With fixed seeds a test either
// always passes or always fails; the level says how unlucky a seed set would have to be
// for a correct simulator to fail one check (1 in 1000).
inline constexpr double kConfidence = 0.999;

// Probability that an arrival waits in M/M/c with offered load a = lambda/mu (Erlang C).
// REQUIRES: a < c. Computed through the Erlang B recursion, which never overflows.
inline double erlang_c(int c, double a) {
  double b = 1.0;  // Erlang B with 0 servers
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return c * b / (c - a * (1 - b));
}

// Mean wait in queue (service excluded) of M/M/c: C(c, a) / (c mu - lambda).
inline double mmc_mean_wait_s(int c, double lambda, double mu) {
  return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

// Mean wait in queue of M/D/1 (Pollaczek-Khinchine with zero service variance):
// rho / (2 mu (1 - rho)).
inline double md1_mean_wait_s(double lambda, double mu) {
  const double rho = lambda / mu;
  return rho / (2 * mu * (1 - rho));
}

// A two-sided Student-t confidence interval on the mean of independent, identically
// distributed replication results (each a long-run mean, hence close to normal).
struct Interval {
  double mean = 0.0;
  double half_width = 0.0;
  double stddev = 0.0;  // of one replication
  std::size_t n = 0;
  bool contains(double x) const { return std::abs(x - mean) <= half_width; }
};

inline Interval t_interval(const std::vector<double>& values, double confidence = kConfidence) {
  Interval iv;
  iv.n = values.size();
  if (iv.n < 2) return iv;
  // The statistics live in the study library (one place); this is their test-side view.
  const study::Sample s = study::describe(values);
  iv.mean = *s.mean;
  iv.stddev = *s.stddev();
  iv.half_width = study::t_quantile(static_cast<double>(iv.n - 1), confidence) * iv.stddev /
                  std::sqrt(static_cast<double>(iv.n));
  return iv;
}

// The two-sided standard normal quantile for `confidence` (e.g. 3.29 for 0.999).
inline double normal_quantile(double confidence) {
  return boost::math::quantile(boost::math::normal(), 1 - (1 - confidence) / 2);
}

// The upper `confidence` quantile of the chi-square distribution with `dof` degrees.
inline double chi_square_quantile(double dof, double confidence) {
  return boost::math::quantile(boost::math::chi_squared(dof), confidence);
}

// Runs `yaml` once per seed in [first_seed, first_seed + replications), each in its own
// process (one SimGrid engine per process), `parallel` at a time. Every run must exit 0.
// The run folders are removed once their summary and time series have been read.
inline std::vector<RunOutput> run_replications(const std::string& yaml, int replications,
                                               std::uint64_t first_seed, int parallel = 2) {
  const std::string dir = temp_dir("replications");
  const std::string path = write_file(dir, "scenario.yaml", yaml);
  std::vector<RunOutput> runs(static_cast<std::size_t>(replications));
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int r = next++; r < replications; r = next++) {
      RunOutput out = run_scenario(
          path, {"--seed", std::to_string(first_seed + static_cast<std::uint64_t>(r))});
      std::filesystem::remove_all(out.run_dir);
      runs[static_cast<std::size_t>(r)] = std::move(out);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, parallel); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  std::filesystem::remove_all(dir);
  for (const auto& run : runs) {
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_FALSE(run.summary.is_null()) << "no summary.json: " << run.err;
  }
  return runs;
}

// Replaces every `{KEY}` in `text` by its value.
inline std::string fill(std::string text,
                        const std::vector<std::pair<std::string, std::string>>& vars) {
  for (const auto& [k, v] : vars) {
    const std::string key = "{" + k + "}";
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + v.size()))
      text.replace(pos, key.size(), v);
  }
  return text;
}

}  // namespace payquake::testing
