// Helpers for tests that drive real outside programs: child processes that are always
// stopped, free loopback ports, a minimal HTTP GET.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace payquake::testing {

// The program's path on PATH, or "" when it is not installed.
std::string find_program(const std::string& name);

// A child process started with `args` (args[0] looked up on PATH), stdout and stderr to
// `log_path`. Stopped (SIGTERM, then SIGKILL after 10 s) when destroyed, even when a test
// fails half-way.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& args, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Stops the child; returns its exit status as waitpid gives it.
  int stop();
  // Waits for the child to exit by itself (at most `timeout_s`); -1 when it did not.
  int wait(double timeout_s);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs `args` to completion; returns its exit code and puts stdout+stderr in `output`.
int run_program(const std::vector<std::string>& args, std::string* output);

// A TCP port on 127.0.0.1 free right now (the kernel's choice).
int free_port();

struct HttpResponse {
  int status = 0;  // 0: no answer (connection refused, timeout)
  std::string body;
};
// GET http://127.0.0.1:port/path (HTTP/1.0), at most `timeout_s`.
HttpResponse http_get(int port, const std::string& path, double timeout_s = 10);

std::string url_encode(const std::string& s);

}  // namespace payquake::testing
