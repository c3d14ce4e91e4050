// The files a load names: `preset: NAME` (models/load/NAME.yaml of the repository's
// models/ folder, or a path ending in .yaml relative to the file that names it) and
// `trace: FILE.csv` (relative to the file that names it). They are read under the
// include rules (includes.hpp: allowed folders, regular files, kMaxFileBytes, the same
// value budget) and put in the tree in place of their names: a preset as the mapping of
// its file, a trace as a list of rows, each a list of its cells, every value located at
// its own file:line:col, so the builder reports a bad preset or trace row where it is.
#pragma once

#include <string>
#include <vector>

#include "scenario/tree.hpp"

namespace payquake::scenario {

// Resolves the presets and traces of `load` and of every `payers[].load` in `root`
// (read from `top_file`). A name that cannot be resolved is reported to `diags` and left
// as the scalar it was.
void resolve_load_sources(Value& root, const std::string& top_file,
                          std::vector<Diagnostic>& diags, ParseBudget& budget);

}  // namespace payquake::scenario
