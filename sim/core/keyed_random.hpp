// Random numbers keyed to what they belong to (common random numbers, payment by payment):
// a draw is a pure function of (run seed, what is drawn, the subject it belongs to, the
// occurrence of it), computed by a counter-based generator (Random123's Philox2x64-10),
// never the next value of a shared sequence. So a change that alters some payments leaves
// every other payment's numbers exactly as they were.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace payquake::core {

// The draws of one (family, subject, occurrence): a short sequence of 64-bit values, two
// per Philox block, made on demand. Satisfies UniformRandomBitGenerator, so it samples
// any Distribution (core::sample) and Boost.Random distributions.
class KeyedDraws {
 public:
  using result_type = std::uint64_t;

  // The occurrence takes this many bits; the rest of its word counts the blocks.
  static constexpr int kOccurrenceBits = 48;
  static constexpr std::uint64_t kMaxOccurrence = (std::uint64_t{1} << kOccurrenceBits) - 1;
  // Blocks per key (two values each); beyond it the sequence wraps (bug: asserted).
  static constexpr std::uint64_t kMaxBlocks = std::uint64_t{1} << (64 - kOccurrenceBits);

  KeyedDraws(std::uint64_t family_key, std::uint64_t subject, std::uint64_t occurrence)
      : key_(family_key), subject_(subject), occurrence_(occurrence & kMaxOccurrence) {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    if (used_ == 2) refill();
    return block_[used_++];
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_open0() { return (static_cast<double>((*this)() >> 11) + 1.0) * 0x1.0p-53; }

 private:
  void refill();  // the next Philox block (keyed_random.cpp keeps Random123 out of headers)

  std::uint64_t key_;
  std::uint64_t subject_;
  std::uint64_t occurrence_;
  std::uint64_t blocks_ = 0;  // blocks made so far
  std::array<std::uint64_t, 2> block_{};
  unsigned used_ = 2;  // values of block_ handed out (2: none made yet)
};

// A family of keyed draws: one "what is drawn" (e.g. "nodes/iss/service") of one run.
// Its key is derived once, from (seed, name); a draw then costs one Philox call per two
// 64-bit values, with nothing to re-key or seed on the hot path.
class KeyedRandom {
 public:
  KeyedRandom() = default;  // a family with key 0; assign a real one before use
  KeyedRandom(std::uint64_t run_seed, std::string_view name);

  // The draws for `subject` (e.g. a payment's serial) at its `occurrence` (e.g. which
  // visit, press or send). Only the low kOccurrenceBits bits of `occurrence` count.
  KeyedDraws at(std::uint64_t subject, std::uint64_t occurrence) const {
    return KeyedDraws(key_, subject, occurrence);
  }
  std::uint64_t key() const { return key_; }

 private:
  std::uint64_t key_ = 0;
};

// Combines a parent occurrence with a child's index into a new occurrence (a 64-bit mix):
// e.g. the identity of a hop retry from the identity of the request it retries.
std::uint64_t derive_occurrence(std::uint64_t parent, std::uint64_t index);

}  // namespace payquake::core
