// "Did you mean --force?" for a mistyped flag: CLI11 only says the argument was not
// expected.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace payquake::cli {

// A hint for the first `--word` in argv that no command of `app` knows, naming the nearest
// known flag; empty when there is none to suggest.
std::string suggest_flag(int argc, char** argv, CLI::App& app);

}  // namespace payquake::cli
