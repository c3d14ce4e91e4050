// Statistics for the validation tier: textbook queueing results (Erlang C,
// Pollaczek-Khinchine), Student-t intervals over independent replications, and a runner
// that executes the replications of one scenario as separate payquake processes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "study/executor.hpp"
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
// process (one SimGrid engine per process), `parallel` at a time, through the study
// library's executor (as `payquake compare` does). Every run must exit 0. The run folders
// are removed once their summary and time series have been read.
inline std::vector<RunOutput> run_replications(const std::string& yaml, int replications,
                                               std::uint64_t first_seed, int parallel = 2) {
  const std::string dir = temp_dir("replications");
  const std::string path = write_file(dir, "scenario.yaml", yaml);
  study::Plan plan;
  for (int r = 0; r < replications; ++r) {
    const std::uint64_t seed = first_seed + static_cast<std::uint64_t>(r);
    plan.push_back(
        {"seed " + std::to_string(seed), path, {}, seed, dir + "/" + std::to_string(seed), {}});
  }
  const study::StudyResult result = study::execute(
      plan, {payquake_binary(), static_cast<unsigned>(std::max(1, parallel)), "", false});
  std::vector<RunOutput> runs;
  for (const study::RunOutcome& o : result.runs) {
    RunOutput out;
    out.exit_code = o.exit_code;
    out.err = o.why + "\n" + o.stderr_tail;
    if (o.summary) out.summary = nlohmann::json(*o.summary);
    out.timeseries = read_file(o.run.out_dir + "/timeseries.csv");
    EXPECT_EQ(out.exit_code, 0) << o.run.label << ": " << out.err;
    EXPECT_FALSE(out.summary.is_null()) << o.run.label << ": no summary.json: " << out.err;
    runs.push_back(std::move(out));
  }
  std::filesystem::remove_all(dir);
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
