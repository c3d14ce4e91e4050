// `include: path.yaml` wherever a mapping may stand: the named file's mapping is merged
// under the including mapping (the including file wins; mappings merge deeply, lists and
// scalars replace). Paths are relative to the including file.
//
// What may be included (a scenario may come from anyone, so an include must not read
// the machine): a regular file (no directory, device, FIFO or socket; nothing under
// /proc or /sys) of at most kMaxFileBytes, which after resolving symlinks and `..` lies
// inside the top scenario's folder tree or inside the `models/` folder of the nearest
// folder above the scenario that has one (the repository's models/). An absolute path is
// allowed only inside those roots. Chains nest at most kMaxIncludeDepth files and one
// load includes at most kMaxIncludes files. A refused file is named, never quoted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/tree.hpp"

namespace payquake::scenario {

// The text of `path` (a regular file or a pipe, at most kMaxFileBytes; not a directory or
// device, nothing under /proc or /sys), or nullopt with the reason in `*why`.
std::optional<std::string> read_text_file(const std::string& path, std::string* why);

// `overlay` laid over `base`: keys of both, overlay's value where both have one, mappings
// merged key by key. The result keeps overlay's location.
Value merge(Value base, Value overlay);

// Why a file that scenario `top_file` names (an include, a load preset, a trace) may not be
// read under the rules above, or nullopt (also when it does not exist: reading says so).
std::optional<std::string> refused_reference(const std::string& top_file, const std::string& file);

// The models/ folder of the nearest folder above `top_file` that has one, if any.
std::optional<std::string> models_folder(const std::string& top_file);

// Replaces every include in `root` (read from `file`) by the merged content; errors (missing
// file, cycle, an included file that is not a mapping or not YAML) go to `diags`, located
// in the file that has them.
// Included files draw on `budget` (tree.hpp) like the top file.
void resolve_includes(Value& root, const std::string& file, std::vector<Diagnostic>& diags,
                      ParseBudget& budget);

}  // namespace payquake::scenario
