#include "study/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace payquake::study {
namespace {

constexpr int kNotRun = 127;  // the shell's code for a command that could not be run

std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(std::vector<char*>& argv, int out_fd, int err_fd) {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  const int in = ::open("/dev/null", O_RDONLY);
  if (in < 0) ::_exit(kNotRun);
  ::dup2(in, STDIN_FILENO);
  if (out_fd >= 0) ::dup2(out_fd, STDOUT_FILENO);
  if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
  ::execvp(argv[0], argv.data());
  ::_exit(kNotRun);
}

}  // namespace

CommandResult run_and_capture(const std::vector<std::string>& args) {
  CommandResult r;
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return r;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]), ::close(out_pipe[1]);
    return r;
  }
  std::vector<std::string> copy = args;
  std::vector<char*> argv = argv_of(copy);
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(argv, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = pid < 0 ? 0 : 2;
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  if (pid < 0) {
    r.exit_code = kNotRun;
    return r;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = exit_code_of(status);
  return r;
}

pid_t start_command(const std::vector<std::string>& args) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv = argv_of(copy);
  const int null_out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(argv, null_out, -1);
  if (null_out >= 0) ::close(null_out);
  return pid;
}

std::optional<int> poll_command(pid_t pid) {
  int status = 0;
  const pid_t waited = ::waitpid(pid, &status, WNOHANG);
  if (waited == 0 || (waited < 0 && errno == EINTR)) return std::nullopt;
  if (waited < 0) return kNotRun;
  return exit_code_of(status);
}

}  // namespace payquake::study
