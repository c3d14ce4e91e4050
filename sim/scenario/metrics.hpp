// The metrics an `expect:` hypothesis may name (DESIGN.md sections 4 and 5) and the unit each
// one's value is written in; shared by the reader (build_drills.cpp) and the writer (emit.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/expect_metrics.hpp"

namespace payquake::scenario {

using MetricUnit = core::MetricUnit;

// The unit of `metric`, or nullopt when it is no metric (a dotted path is judged by its first
// segment only: summary.json's deeper keys belong to the report).
std::optional<MetricUnit> metric_unit(std::string_view metric);

// `value` written in `unit` so that it reads back exactly.
std::string format_metric_value(double value, MetricUnit unit);

}  // namespace payquake::scenario
