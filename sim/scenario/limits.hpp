// The bounds a scenario must stay within, so that hostile or absurd input (alias bombs,
// include bombs, counts of 1e30) is refused with a located error in bounded time and
// memory instead of crashing or swapping. One place for every limit: the messages name
// them, and the documentation quotes them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace payquake::scenario {

// Bytes of one scenario or included file. The largest shipped scenario is ~6 KB.
inline constexpr std::size_t kMaxFileBytes = 1024 * 1024;

// Values (scalars, lists, mappings) in the whole document after aliases and includes are
// expanded. A value costs ~200 bytes in the tree, so this caps it near 40 MB; a 1,000-node
// scenario needs ~20,000. It is what stops "billion laughs" alias bombs.
inline constexpr std::size_t kMaxValues = 200'000;

// Nesting of lists and mappings. Scenarios nest under 10; every pass over the tree
// recurses, so this bounds the stack.
inline constexpr int kMaxNesting = 64;

// Includes: a chain of files including each other, and includes in one load in all.
inline constexpr int kMaxIncludeDepth = 16;
inline constexpr int kMaxIncludes = 256;

// Rows of one load trace (`load.trace`). A day in 10 s buckets is 8,640 rows; each row
// becomes one or two stages of the resolved scenario, which must load again within kMaxValues.
inline constexpr std::size_t kMaxTraceRows = 20'000;

// Ids (sites, nodes, payers, faults) and the scenario's name: characters that are safe in
// a CSV cell, a file name, a key path (no '.') and a fault target (no '[', '/', ':').
inline constexpr std::size_t kMaxIdLength = 64;

// Nodes and sites in one scenario. The engine keeps node x node and site x site tables
// and the checks compare every reference with every id, so the counts bound both memory
// and validation time (10,000 nodes: ~2.4 GB of pair tables, seconds to validate).
inline constexpr std::size_t kMaxNodes = 10'000;
inline constexpr std::size_t kMaxSites = 1'000;
// Each attack is a population of its own with its own arrival stream: a timeline of more
// than this is a generated file gone wrong.
inline constexpr std::size_t kMaxAttacks = 1'000;

// Card numbers are packed into 40 bits of an account key beside the population
// (payments/flow_internal.hpp card_key).
inline constexpr std::int64_t kMaxCards = std::int64_t{1} << 40;

// The memory a run may be estimated to need before it starts (estimate.cpp); beyond it
// the scenario is refused with the estimate. Twice the memory of a small CI runner.
inline constexpr double kMaxRunBytes = 4.0 * 1024 * 1024 * 1024;

// Payments one run may start (the arrival rate integrated over the duration). At the
// engine's ~0.5 M payments per wall second this is over five hours of wall time.
inline constexpr double kMaxPayments = 1e10;

}  // namespace payquake::scenario
