#include "core/keyed_random.hpp"

#include <Random123/philox.h>

#include <cassert>

#include "core/random_stream.hpp"

namespace payquake::core {
namespace {

// splitmix64's finaliser: a bijective 64-bit mix.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

void KeyedDraws::refill() {
  assert(blocks_ < kMaxBlocks && "a keyed draw used more than kMaxBlocks Philox blocks");
  // Counter = (subject, occurrence | block << 48); key = the family's: every
  // (family, subject, occurrence, block) names its own 128 bits.
  const r123::Philox2x64::ctr_type counter = {
      {subject_, occurrence_ | (blocks_ << kOccurrenceBits)}};
  const r123::Philox2x64::key_type key = {{key_}};
  const r123::Philox2x64::ctr_type out = r123::Philox2x64()(counter, key);
  block_ = {out[0], out[1]};
  ++blocks_;
  used_ = 0;
}

KeyedRandom::KeyedRandom(std::uint64_t run_seed, std::string_view name)
    : key_(mix64(mix64(run_seed) ^ stable_hash(name))) {}

std::uint64_t derive_occurrence(std::uint64_t parent, std::uint64_t index) {
  return mix64(parent * 0x9e3779b97f4a7c15ULL + index + 1);
}

}  // namespace payquake::core
