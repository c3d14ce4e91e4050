// The payquake binary a study runs as its children: this very executable, or
// PAYQUAKE_STUDY_BINARY (a seam for tests that need a child that fails).
#pragma once

#include <string>

namespace payquake::cli {

std::string self_binary();

}  // namespace payquake::cli
