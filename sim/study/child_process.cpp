#include "study/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace payquake::study {
namespace {

using Clock = std::chrono::steady_clock;

int open_output(const std::string& path) {
  return path.empty() ? ::open("/dev/null", O_WRONLY)
                      : ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
}

// In the forked child: only async-signal-safe calls until exec. Everything it reads was
// prepared before the fork.
[[noreturn]] void become(const ChildSpec& spec, char* const* argv) {
  if (spec.own_process_group) ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // The output paths are relative to the parent's working folder: open them before chdir.
  const int in = ::open("/dev/null", O_RDONLY);
  const int out = open_output(spec.stdout_path);
  const int err = open_output(spec.stderr_path);
  if (in < 0 || out < 0 || err < 0) ::_exit(kSetupFailed);
  if (!spec.working_dir.empty() && ::chdir(spec.working_dir.c_str()) != 0) ::_exit(kSetupFailed);
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(err, STDERR_FILENO);
  ::execv(argv[0], argv);
  ::_exit(kExecFailed);
}

}  // namespace

ChildProcess::ChildProcess(const ChildSpec& spec) : start_(Clock::now()) {
  std::vector<std::string> args = spec.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid_ == 0) become(spec, argv.data());
  // Also from this side, so that a signal to the group right after the start finds it.
  if (spec.own_process_group) ::setpgid(pid_, pid_);
}

void ChildProcess::signal(int signal) const {
  if (!exit_ && pid_ > 0) ::kill(pid_, signal);
}

std::optional<ChildExit> ChildProcess::poll() { return exit_ ? exit_ : reap(false); }

ChildExit ChildProcess::wait() { return exit_ ? *exit_ : *reap(true); }

std::optional<ChildExit> ChildProcess::reap(bool block) {
  int status = 0;
  struct rusage usage {};
  pid_t waited;
  do {
    waited = ::wait4(pid_, &status, block ? 0 : WNOHANG, &usage);
  } while (waited < 0 && errno == EINTR);
  if (waited == 0) return std::nullopt;  // still running
  ChildExit e;
  e.wall_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
  if (waited < 0) {
    e.exit_code = kExecFailed;  // not our child any more (ECHILD): nothing can be known
  } else if (WIFEXITED(status)) {
    e.exit_code = WEXITSTATUS(status);
  } else {
    e.signal = WTERMSIG(status);
    e.exit_code = 128 + e.signal;
  }
  e.max_rss_kib = usage.ru_maxrss;
  exit_ = e;
  return exit_;
}

}  // namespace payquake::study
