// Results are written atomically: a temporary file beside the target, flushed, then
// renamed over it, so a reader never sees a half-written file (DESIGN.md section 6).
#pragma once

#include <string>

namespace payquake::report {

// Throws std::runtime_error naming the path when the file cannot be written.
void write_atomically(const std::string& path, const std::string& content);

}  // namespace payquake::report
