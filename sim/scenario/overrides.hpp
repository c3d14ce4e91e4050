// --set overrides ("nodes.iss-a.workers=250"), applied to the merged document before
// validation, so an overridden value is checked like any other.
#pragma once

#include <string>
#include <vector>

#include "scenario/tree.hpp"

namespace payquake::scenario {

// The file name that locates overridden values and --set mistakes in messages.
inline constexpr const char* kOverrideFile = "--set";

// Applies each "key.path=value": the value is read as a YAML scalar or flow node; a path
// segment names a mapping key, the id of a list item, or indexes a list ("stages[1]").
// Missing mapping keys are created (validation then judges them). Bad paths go to `diags`.
// Values draw on `budget` like the files do.
void apply_overrides(Value& root, const std::vector<std::string>& overrides,
                     std::vector<Diagnostic>& diags, ParseBudget& budget);

}  // namespace payquake::scenario
