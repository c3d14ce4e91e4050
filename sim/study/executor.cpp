#include "study/executor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace payquake::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Exit codes of a child that never became payquake (the shell's conventions).
constexpr int kSetupFailed = 126;
constexpr int kExecFailed = 127;

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_signals_seen = 0;

extern "C" void on_stop_signal(int signal) {
  g_stop_signal = signal;
  g_signals_seen = g_signals_seen + 1;
}

// Installs the stop handler for the lifetime of the object, then puts back what was there.
class StopHandler {
 public:
  StopHandler() {
    g_stop_signal = 0;
    g_signals_seen = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopHandler() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopHandler(const StopHandler&) = delete;
  StopHandler& operator=(const StopHandler&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// The lines a person needs to see why a run failed: the last few of its stderr.
std::string tail(const std::string& text) {
  constexpr std::size_t kLines = 12;  // one error with its context, not a whole log
  constexpr std::size_t kMaxChars = 2000;
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (std::size_t lines = 0; pos > 0 && lines < kLines; ++lines) {
    const std::size_t nl = text.rfind('\n', pos - 1);
    pos = nl == std::string::npos ? 0 : nl;
  }
  std::string out = text.substr(pos == 0 ? 0 : pos + 1);
  if (out.size() > kMaxChars) out = out.substr(out.size() - kMaxChars);
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Child {
  std::size_t index = 0;  // into the plan
  pid_t pid = -1;
  Clock::time_point start;
  std::string stderr_path;
};

class Executor {
 public:
  Executor(const Plan& plan, const ExecutorOptions& options)
      : plan_(plan), options_(options), jobs_(options.jobs) {
    // The children change folder: a relative path to the binary must not depend on it.
    binary_ = options.binary.find('/') == std::string::npos ? options.binary
                                                            : fs::absolute(options.binary).string();
    if (jobs_ == 0) jobs_ = std::max(1u, std::thread::hardware_concurrency());
    result_.runs.resize(plan.size());
    for (std::size_t i = 0; i < plan.size(); ++i) result_.runs[i].run = plan[i];
  }

  StudyResult run() {
    const StopHandler handler;
    int forwarded = 0;
    while (next_ < plan_.size() || !running_.empty()) {
      if (g_signals_seen != forwarded) {  // stop: forward every signal that came
        forwarded = g_signals_seen;
        result_.stop_signal = g_stop_signal;
        for (const Child& c : running_) ::kill(c.pid, g_stop_signal);
      }
      while (!result_.interrupted() && next_ < plan_.size() && running_.size() < jobs_)
        launch(next_++);
      if (result_.interrupted()) next_ = plan_.size();  // the rest stay kNotStarted
      reap();
      show_progress();
      const timespec nap{0, 50'000'000};  // 50 ms: responsive, and idle beside the children
      ::nanosleep(&nap, nullptr);
    }
    if (options_.progress) std::fprintf(stderr, "\r\033[K");
    return std::move(result_);
  }

 private:
  fs::path resolve(const std::string& path) const {
    const fs::path p(path);
    return p.is_absolute() || options_.working_dir.empty() ? p : fs::path(options_.working_dir) / p;
  }

  void launch(std::size_t index) {
    const Run& run = plan_[index];
    const fs::path out = resolve(run.out_dir).lexically_normal();
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
    std::string stderr_name = ".";  // hidden beside the run folder while it runs
    stderr_name += out.filename().string();
    stderr_name += ".stderr";
    Child child{index, -1, Clock::now(), (out.parent_path() / stderr_name).string()};
    std::vector<std::string> args = run_arguments(run);
    args.insert(args.begin(), binary_);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    child.pid = ::fork();
    if (child.pid == 0) exec_child(child, argv);
    if (child.pid < 0) {
      finish(child, kExecFailed, "could not start: fork failed");
      return;
    }
    running_.push_back(child);
  }

  // In the forked child: only async-signal-safe calls until exec.
  [[noreturn]] void exec_child(const Child& child, std::vector<char*>& argv) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // The stderr file's path is relative to our working folder: open it before chdir.
    const int in = ::open("/dev/null", O_RDONLY);
    const int null_out = ::open("/dev/null", O_WRONLY);
    const int err = ::open(child.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || null_out < 0 || err < 0) ::_exit(kSetupFailed);
    if (!options_.working_dir.empty() && ::chdir(options_.working_dir.c_str()) != 0)
      ::_exit(kSetupFailed);
    ::dup2(in, STDIN_FILENO);
    ::dup2(null_out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(kExecFailed);
  }

  void reap() {
    for (auto it = running_.begin(); it != running_.end();) {
      int status = 0;
      const pid_t waited = ::waitpid(it->pid, &status, WNOHANG);
      if (waited == 0 || (waited < 0 && errno == EINTR)) {
        ++it;
        continue;
      }
      const int code = waited < 0          ? kExecFailed
                       : WIFEXITED(status) ? WEXITSTATUS(status)
                                           : 128 + WTERMSIG(status);
      finish(*it, code, "");
      it = running_.erase(it);
    }
  }

  void finish(const Child& child, int exit_code, const std::string& start_error) {
    RunOutcome& o = result_.runs[child.index];
    o.exit_code = exit_code;
    o.wall_seconds = std::chrono::duration<double>(Clock::now() - child.start).count();
    const fs::path out = resolve(o.run.out_dir);
    o.summary = read_summary(out.string());
    o.status = judge_run(exit_code, o.summary, result_.stop_signal, &o.why);
    if (!start_error.empty()) o.why = start_error;
    if (exit_code == kExecFailed && o.why.rfind("exit", 0) == 0)
      o.why += " (" + binary_ + " could not be run)";
    if (exit_code == kSetupFailed && o.why.rfind("exit", 0) == 0)
      o.why += " (its working folder or stderr file could not be opened)";
    std::error_code ec;
    if (o.status == RunStatus::kOk) {
      finished_s_.push_back(o.wall_seconds);
      fs::remove(child.stderr_path, ec);
    } else {
      o.stderr_tail = tail(read_all(child.stderr_path));
      if (o.status == RunStatus::kFailed) ++failed_;
      // Kept beside the run folder for a failed run, whose whole stderr may matter.
      fs::rename(child.stderr_path, out.string() + ".stderr", ec);
    }
    ++done_;
  }

  void show_progress() {
    if (!options_.progress) return;
    const auto now = Clock::now();
    if (now - last_shown_ < std::chrono::milliseconds(200)) return;
    last_shown_ = now;
    std::vector<double> elapsed;
    for (const Child& c : running_)
      elapsed.push_back(std::chrono::duration<double>(now - c.start).count());
    const Progress p{plan_.size(), done_, running_.size(), failed_,
                     estimate_seconds_left(finished_s_, elapsed, plan_.size() - next_, jobs_)};
    std::fprintf(stderr, "\r\033[K  %s", progress_text(p).c_str());
  }

  const Plan& plan_;
  const ExecutorOptions& options_;
  std::string binary_;
  unsigned jobs_;
  StudyResult result_;
  std::size_t next_ = 0;
  std::vector<Child> running_;
  std::vector<double> finished_s_;
  std::size_t done_ = 0, failed_ = 0;
  Clock::time_point last_shown_{};
};

std::string duration_text(double s) {
  const long total = static_cast<long>(s + 0.5);
  char buf[32];
  if (total < 60)
    std::snprintf(buf, sizeof buf, "%lds", total);
  else if (total < 3600)
    std::snprintf(buf, sizeof buf, "%ldm %02lds", total / 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh %02ldm", total / 3600, total % 3600 / 60);
  return buf;
}

}  // namespace

StudyResult execute(const Plan& plan, const ExecutorOptions& options) {
  return Executor(plan, options).run();
}

std::string progress_text(const Progress& p) {
  std::string s = "runs: " + std::to_string(p.done) + "/" + std::to_string(p.total) + " done, " +
                  std::to_string(p.running) + " running, " + std::to_string(p.failed) + " failed";
  if (p.seconds_left) s += ", about " + duration_text(*p.seconds_left) + " left";
  return s;
}

std::optional<double> estimate_seconds_left(const std::vector<double>& finished_s,
                                            const std::vector<double>& running_elapsed_s,
                                            std::size_t pending, unsigned jobs) {
  if (finished_s.empty() || jobs == 0) return std::nullopt;
  double mean = 0;
  for (double s : finished_s) mean += s;
  mean /= static_cast<double>(finished_s.size());
  double work = mean * static_cast<double>(pending);
  for (double e : running_elapsed_s) work += std::max(0.0, mean - e);
  return work / static_cast<double>(jobs);
}

}  // namespace payquake::study
