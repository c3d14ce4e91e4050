// Other programs a study drives (sbatch, srun, scontrol): started with fork/exec, never
// through a shell, so no argument is ever reinterpreted.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace payquake::study {

struct CommandResult {
  int exit_code = -1;  // 127: could not be run; 128 + signal when a signal ended it
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] (searched in PATH) with stdin from /dev/null; returns when it has ended.
CommandResult run_and_capture(const std::vector<std::string>& argv);

// Starts argv[0] (searched in PATH) with stdin and stdout on /dev/null, stderr inherited;
// -1 when it could not be started.
pid_t start_command(const std::vector<std::string>& argv);
// The exit code once `pid` has ended (as CommandResult::exit_code); empty while it runs.
std::optional<int> poll_command(pid_t pid);

}  // namespace payquake::study
