#include "core/keyed_random.hpp"

#include "core/random_stream.hpp"

namespace payquake::core {

KeyedRandom::KeyedRandom(std::uint64_t run_seed, std::string_view name)
    : key_(mix64(mix64(run_seed) ^ stable_hash(name))) {}

}  // namespace payquake::core
