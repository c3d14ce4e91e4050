#include "core/distribution.hpp"

#include <boost/random/normal_distribution.hpp>
#include <cassert>
#include <cmath>

#include "core/keyed_random.hpp"
#include "core/random_stream.hpp"

namespace payquake::core {
namespace {

// The standard normal quantile at 0.99: the p99 form of a lognormal is
// median * exp(sigma * kZ99).
constexpr double kZ99 = 2.3263478740408408;

// Truncating a normal at 0 by resampling: after this many negative draws the value is 0.
// With mean >= 0 the chance of reaching it is below 2^-64.
constexpr int kMaxNormalResamples = 64;

}  // namespace

Distribution Distribution::constant(double v) {
  Distribution d;
  d.kind = Kind::kConstant;
  d.value = v;
  return d;
}

Distribution Distribution::exponential(double mean) {
  Distribution d;
  d.kind = Kind::kExponential;
  d.mean = mean;
  return d;
}

Distribution Distribution::lognormal(double mu, double sigma) {
  Distribution d;
  d.kind = Kind::kLognormal;
  d.mu = mu;
  d.sigma = sigma;
  return d;
}

Distribution Distribution::lognormal_from_median_p99(double median, double p99) {
  assert(median > 0 && p99 > median);
  return lognormal(std::log(median), std::log(p99 / median) / kZ99);
}

Distribution Distribution::uniform(double min, double max) {
  Distribution d;
  d.kind = Kind::kUniform;
  d.min = min;
  d.max = max;
  return d;
}

Distribution Distribution::normal(double mean, double stddev) {
  Distribution d;
  d.kind = Kind::kNormal;
  d.mean = mean;
  d.stddev = stddev;
  return d;
}

Distribution Distribution::zipf(double s) {
  Distribution d;
  d.kind = Kind::kZipf;
  d.s = s;
  return d;
}

double Distribution::expected() const {
  switch (kind) {
    case Kind::kConstant: return value;
    case Kind::kExponential: return mean;
    case Kind::kLognormal: return std::exp(mu + sigma * sigma / 2);
    case Kind::kUniform: return (min + max) / 2;
    case Kind::kNormal: return mean;
    case Kind::kZipf: return 0.0;
  }
  return 0.0;
}

double Distribution::second_moment() const {
  switch (kind) {
    case Kind::kConstant: return value * value;
    case Kind::kExponential: return 2 * mean * mean;
    case Kind::kLognormal: return std::exp(2 * mu + 2 * sigma * sigma);
    case Kind::kUniform: return (min * min + min * max + max * max) / 3;
    case Kind::kNormal: return mean * mean + stddev * stddev;
    case Kind::kZipf: return 0.0;
  }
  return 0.0;
}

const char* to_string(Distribution::Kind kind) {
  switch (kind) {
    case Distribution::Kind::kConstant: return "constant";
    case Distribution::Kind::kExponential: return "exponential";
    case Distribution::Kind::kLognormal: return "lognormal";
    case Distribution::Kind::kUniform: return "uniform";
    case Distribution::Kind::kNormal: return "normal";
    case Distribution::Kind::kZipf: return "zipf";
  }
  return "?";
}

namespace {

template <typename Source>
double sample_from(const Distribution& d, Source& rng) {
  switch (d.kind) {
    case Distribution::Kind::kConstant: return d.value;
    case Distribution::Kind::kExponential: return -d.mean * std::log(rng.uniform_open0());
    case Distribution::Kind::kLognormal: {
      boost::random::normal_distribution<double> z(0.0, 1.0);
      return std::exp(d.mu + d.sigma * z(rng));
    }
    case Distribution::Kind::kUniform: return d.min + (d.max - d.min) * rng.uniform01();
    case Distribution::Kind::kNormal: {
      boost::random::normal_distribution<double> n(d.mean, d.stddev);
      for (int i = 0; i < kMaxNormalResamples; ++i) {
        const double x = n(rng);
        if (x >= 0) return x;
      }
      return 0.0;
    }
    case Distribution::Kind::kZipf: break;
  }
  assert(false && "zipf is sampled with ZipfSampler over a known number of ranks");
  return 0.0;
}

}  // namespace

double sample(const Distribution& d, RandomStream& rng) { return sample_from(d, rng); }
double sample(const Distribution& d, KeyedDraws& rng) { return sample_from(d, rng); }

}  // namespace payquake::core
