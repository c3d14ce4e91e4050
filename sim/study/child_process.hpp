// One child process: fork, redirections, exec, wait. The only place payquake starts a
// program: the executor runs its plans through it, and the tests and the bench that run
// single commands use it too, so "how a child is started and how its end is read" is
// written once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace payquake::study {

// Exit codes of a child that never became the program (the shell's conventions).
inline constexpr int kSetupFailed = 126;  // a redirection or the working folder failed
inline constexpr int kExecFailed = 127;   // the program could not be run

struct ChildSpec {
  std::vector<std::string> argv;   // argv[0] is the program's path
  std::string working_dir;         // the child's working folder; "": ours
  std::string stdout_path;         // created or truncated; "": /dev/null
  std::string stderr_path;         // likewise; both relative to OUR working folder
  bool own_process_group = false;  // the child leads a new process group (a test can then
                                   // signal the group, as a terminal's Ctrl-C does)
};

// How a child ended.
struct ChildExit {
  int exit_code = -1;       // its exit status, or 128 + signal when a signal ended it
  int signal = 0;           // the signal that ended it; 0 when it exited
  long max_rss_kib = 0;     // its peak resident memory (ru_maxrss, KiB)
  double wall_seconds = 0;  // from its start to the wait that saw it end
};

class ChildProcess {
 public:
  // Starts the program with stdin from /dev/null and every signal unblocked. Throws
  // std::system_error when fork fails; a program that cannot be run (or a redirection that
  // cannot be opened) is a child that ends with kExecFailed (kSetupFailed).
  explicit ChildProcess(const ChildSpec& spec);

  pid_t pid() const { return pid_; }
  double seconds_running() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  // Sends `signal` to the child (not to its group); nothing once it has been reaped.
  void signal(int signal) const;
  // Without blocking: how it ended, or empty while it runs.
  std::optional<ChildExit> poll();
  // Blocks until it ends (through EINTR).
  ChildExit wait();

 private:
  std::optional<ChildExit> reap(bool block);

  pid_t pid_ = -1;
  std::chrono::steady_clock::time_point start_;
  std::optional<ChildExit> exit_;
};

}  // namespace payquake::study
