// Random numbers keyed to what they belong to (common random numbers, payment by payment):
// a draw is a pure function of (run seed, what is drawn, the subject it belongs to, the
// occurrence of it), computed by a counter-based generator (Random123's Philox2x64),
// never the next value of a shared sequence. So a change that alters some payments leaves
// every other payment's numbers exactly as they were.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cassert>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>

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
  // Rounds of Philox2x64. Salmon et al. (SC'11, "Parallel random numbers: as easy as 1,
  // 2, 3", table 2) find 6 rounds pass TestU01's BigCrush; Random123 defaults to 10 for
  // margin. A call sits on the flow's hot path (one per service time), and its latency
  // is a chain of one 64-bit multiply per round: 7 keeps a round of margin over 6 at
  // 70% of the default's cost (measured: README "Random numbers keyed to the payment").
  static constexpr unsigned kPhiloxRounds = 7;
  using Philox = r123::Philox2x64_R<kPhiloxRounds>;

  KeyedDraws(std::uint64_t family_key, std::uint64_t subject, std::uint64_t occurrence)
      : key_(family_key), subject_(subject), occurrence_(occurrence & kMaxOccurrence) {}
  // The same sequence, except that its first value is `first` (one half of a block drawn
  // for two families at once, see KeyedRandom::pair): the rest is this key's own, from
  // its second block on, so the two families never share more than that one value.
  KeyedDraws(std::uint64_t family_key, std::uint64_t subject, std::uint64_t occurrence,
             std::uint64_t first)
      : KeyedDraws(family_key, subject, occurrence) {
    block_ = {0, first};
    blocks_ = 1;
    used_ = 1;
  }

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
  // The next Philox block. Inline: a draw sits on the flow's hot path (one per service).
  void refill() {
    assert(blocks_ < kMaxBlocks && "a keyed draw used more than kMaxBlocks Philox blocks");
    // Counter = (subject, occurrence | block << 48); key = the family's: every
    // (family, subject, occurrence, block) names its own 128 bits.
    const Philox::ctr_type counter = {{subject_, occurrence_ | (blocks_ << kOccurrenceBits)}};
    const Philox::key_type key = {{key_}};
    const Philox::ctr_type out = Philox()(counter, key);
    block_ = {out[0], out[1]};
    ++blocks_;
    used_ = 0;
  }

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

  // The first value of at(subject, occurrence), and as a uniform in (0, 1] (what
  // KeyedDraws::uniform_open0 gives first): the same numbers without a KeyedDraws, for the
  // family that makes one draw per key on the hot path (an exponential service time), so
  // the Philox call stays in registers and off memory.
  std::uint64_t first(std::uint64_t subject, std::uint64_t occurrence) const {
    const KeyedDraws::Philox::ctr_type counter = {
        {subject, occurrence & KeyedDraws::kMaxOccurrence}};
    const KeyedDraws::Philox::key_type key = {{key_}};
    return KeyedDraws::Philox()(counter, key)[0];
  }
  double first_uniform_open0(std::uint64_t subject, std::uint64_t occurrence) const {
    return (static_cast<double>(first(subject, occurrence) >> 11) + 1.0) * 0x1.0p-53;
  }

  // Two families' draws for one (subject, occurrence) at the cost of one Philox call: the
  // first value of each comes from one block of this family, the rest from their own.
  // For draws that are both made every time and usually need one value each.
  std::pair<KeyedDraws, KeyedDraws> pair(const KeyedRandom& first, const KeyedRandom& second,
                                         std::uint64_t subject, std::uint64_t occurrence) const {
    KeyedDraws shared = at(subject, occurrence);
    const std::uint64_t a = shared();
    const std::uint64_t b = shared();
    return {KeyedDraws(first.key_, subject, occurrence, a),
            KeyedDraws(second.key_, subject, occurrence, b)};
  }

 private:
  std::uint64_t key_ = 0;
};

// splitmix64's finaliser: a bijective 64-bit mix.
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Combines a parent occurrence with a child's index into a new occurrence (a 64-bit mix):
// e.g. the identity of a hop retry from the identity of the request it retries.
inline std::uint64_t derive_occurrence(std::uint64_t parent, std::uint64_t index) {
  return mix64(parent * 0x9e3779b97f4a7c15ULL + index + 1);
}

}  // namespace payquake::core
