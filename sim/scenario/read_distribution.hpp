// The `{dist: ...}` forms of DESIGN.md section 4, with parameters in the field's unit.
#pragma once

#include <optional>
#include <string>

#include "core/distribution.hpp"
#include "scenario/reader.hpp"

namespace payquake::scenario {

enum class ParamUnit { kDuration, kMoney };

// constant, exponential, lognormal (median/p99 or mu/sigma), uniform, normal. mu is the log
// of the base unit (seconds, major currency units) and is a plain number.
std::optional<core::Distribution> read_distribution(Reader& r, const Value& v,
                                                    const std::string& path, ParamUnit unit);

// Card activity: only {dist: zipf, s: X} with s >= 0 (0 is uniform over cards).
std::optional<core::Distribution> read_activity(Reader& r, const Value& v, const std::string& path);

}  // namespace payquake::scenario
