// Named, seeded random streams. Every random choice in a run comes from a stream derived
// from (run seed, stream name), so adding a fault or an attack never shifts the numbers
// another component sees: the precondition for common random numbers.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>

namespace payquake::core {

// xoshiro256++ (Blackman & Vigna): fast, 256-bit state, identical output on every
// platform. Satisfies UniformRandomBitGenerator, so Boost.Random distributions accept it.
class RandomStream {
 public:
  using result_type = std::uint64_t;

  RandomStream(std::uint64_t run_seed, std::string_view name);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open0() { return (static_cast<double>((*this)() >> 11) + 1.0) * 0x1.0p-53; }
  // Uniform integer in [0, n). REQUIRES: n > 0. Lemire's multiply-shift; the bias is
  // below 2^-64 * n, far under any statistical test we run.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<Uint128>((*this)()) * n) >> 64);
  }

 private:
  // A GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
  __extension__ using Uint128 = unsigned __int128;

  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// 64-bit FNV-1a of a name: stable across platforms and compilers (std::hash is not).
std::uint64_t stable_hash(std::string_view text);

}  // namespace payquake::core
