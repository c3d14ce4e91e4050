// Zipf-distributed ranks 1..n in O(1) expected time and O(1) memory, so a population of
// millions of cards costs nothing to set up: rejection-inversion sampling (Hörmann and
// Derflinger, "Rejection-inversion to generate variates from monotone discrete
// distributions", 1996). P(k) is proportional to k^-s; s = 0 is uniform.
#pragma once

#include <cstdint>

#include "core/random_stream.hpp"

namespace payquake::core {

class ZipfSampler {
 public:
  // REQUIRES: n >= 1, s >= 0.
  ZipfSampler(std::int64_t n, double s);

  // A rank in [1, n]; rank 1 is the most active. `rng` is a RandomStream or KeyedDraws
  // (anything with uniform01()); most draws take one value, a rejection takes another.
  template <typename Source>
  std::int64_t operator()(Source& rng) const {
    for (;;) {
      const std::int64_t k = try_rank(rng.uniform01());
      if (k > 0) return k;
    }
  }

 private:
  // The rank a uniform `u` in [0, 1) gives, or 0 when rejection-inversion rejects it.
  std::int64_t try_rank(double u) const;
  double h(double x) const;
  double h_integral(double x) const;
  double h_integral_inverse(double x) const;

  std::int64_t n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double squeeze_;
};

}  // namespace payquake::core
