// The last pass over a load's diagnostics, shared by every file the scenario library reads
// (scenarios, fraud policies): one message per mistake, in file order.
#pragma once

#include <vector>

#include "scenario/loader.hpp"

namespace payquake::scenario {

// Drops what repeats a mistake already reported (more about text that is not UTF-8; "the
// key is missing" after "unknown key ..., did you mean" that key) and sorts by file, line
// and column. Defined in loader.cpp.
void tidy_diagnostics(std::vector<Diagnostic>& diags);

}  // namespace payquake::scenario
