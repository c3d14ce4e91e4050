#include "core/random_stream.hpp"

namespace payquake::core {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

RandomStream::RandomStream(std::uint64_t run_seed, std::string_view name) {
  // splitmix64 expands one 64-bit value into a well-mixed 256-bit state (the seeding
  // the xoshiro authors recommend); mixing the name's hash in makes streams independent.
  std::uint64_t state = run_seed ^ (stable_hash(name) * 0x9e3779b97f4a7c15ULL);
  for (auto& word : s_) word = splitmix64(state);
}

}  // namespace payquake::core
