// `include: path.yaml` wherever a mapping may stand: the named file's mapping is merged
// under the including mapping (the including file wins; mappings merge deeply, lists and
// scalars replace). Paths are relative to the including file.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/tree.hpp"

namespace payquake::scenario {

// The text of `path`, or nullopt with the reason in `*why`.
std::optional<std::string> read_text_file(const std::string& path, std::string* why);

// `overlay` laid over `base`: keys of both, overlay's value where both have one, mappings
// merged key by key. The result keeps overlay's location.
Value merge(Value base, Value overlay);

// Replaces every include in `root` (read from `file`) by the merged content; errors (missing
// file, cycle, an included file that is not a mapping or not YAML) go to `diags`, located
// in the file that has them.
void resolve_includes(Value& root, const std::string& file, std::vector<Diagnostic>& diags);

}  // namespace payquake::scenario
