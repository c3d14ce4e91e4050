// A probability distribution as a plain value (the scenario's `{dist: ...}` forms), and
// sampling from it with a named random stream or keyed draws. Values are in the caller's unit (seconds
// for times, major currency units for amounts).
#pragma once

#include <cstdint>
#include <string>

namespace payquake::core {

class RandomStream;
class KeyedDraws;

struct Distribution {
  enum class Kind { kConstant, kExponential, kLognormal, kUniform, kNormal, kZipf };

  Kind kind = Kind::kConstant;
  double value = 0.0;   // constant
  double mean = 0.0;    // exponential, normal
  double mu = 0.0;      // lognormal: log-scale location (median = exp(mu))
  double sigma = 0.0;   // lognormal: log-scale spread
  double min = 0.0;     // uniform
  double max = 0.0;     // uniform
  double stddev = 0.0;  // normal (truncated at 0 by resampling)
  double s = 0.0;       // zipf exponent, over ranks 1..n given at sampling time

  static Distribution constant(double v);
  static Distribution exponential(double mean);
  static Distribution lognormal(double mu, double sigma);
  // The p99 form of DESIGN.md section 4: sigma = ln(p99 / median) / z(0.99).
  // REQUIRES: 0 < median < p99.
  static Distribution lognormal_from_median_p99(double median, double p99);
  static Distribution uniform(double min, double max);
  static Distribution normal(double mean, double stddev);
  static Distribution zipf(double s);

  // The analytic mean (for zipf: not meaningful, returns 0). Normal ignores truncation.
  double expected() const;
  // The second moment E[X^2] (Pollaczek-Khinchine needs it).
  double second_moment() const;
  // True when every sample is the same value.
  bool is_deterministic() const { return kind == Kind::kConstant; }
};

const char* to_string(Distribution::Kind kind);

// A draw from `d`, from a named stream or from keyed draws (the same algorithm: a
// constant consumes nothing, exponential and uniform one value, normal and lognormal what
// Boost's ziggurat takes). REQUIRES: d.kind != kZipf (use ZipfSampler).
double sample(const Distribution& d, RandomStream& rng);
double sample(const Distribution& d, KeyedDraws& rng);

}  // namespace payquake::core
