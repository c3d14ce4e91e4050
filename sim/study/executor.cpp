#include "study/executor.hpp"

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include "study/child_process.hpp"

namespace payquake::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal) { g_stop_signal = signal; }

// Installs the stop handler for the lifetime of the object, then puts back what was there.
class StopHandler {
 public:
  StopHandler() {
    g_stop_signal = 0;
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
  ChildProcess process;
  std::string stderr_path;
};

void nap() {
  const timespec pause{0, 50'000'000};  // 50 ms: responsive, and idle beside the children
  ::nanosleep(&pause, nullptr);
}

}  // namespace

class Execution::Impl {
 public:
  Impl(Plan plan, ExecutorOptions options)
      : plan_(std::move(plan)), options_(std::move(options)), jobs_(options_.jobs) {
    // The children change folder: a relative path to the binary must not depend on it.
    binary_ = options_.binary.find('/') == std::string::npos
                  ? options_.binary
                  : fs::absolute(options_.binary).string();
    if (jobs_ == 0) jobs_ = std::max(1u, std::thread::hardware_concurrency());
    result_.runs.resize(plan_.size());
    for (std::size_t i = 0; i < plan_.size(); ++i) result_.runs[i].run = plan_[i];
  }

  void step() {
    while (!result_.interrupted() && next_ < plan_.size() && running_.size() < jobs_)
      launch(next_++);
    reap();
    show_progress();
  }

  void stop(int signal) {
    result_.stop_signal = signal;
    next_ = plan_.size();  // the rest stay kNotStarted
    for (const Child& c : running_) c.process.signal(signal);
  }

  bool finished() const { return next_ >= plan_.size() && running_.empty(); }

  StudyResult take_result() {
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
    ChildSpec spec;
    spec.argv = run_arguments(run);
    spec.argv.insert(spec.argv.begin(), binary_);
    spec.working_dir = options_.working_dir;
    spec.stderr_path = (out.parent_path() / stderr_name).string();
    try {
      running_.push_back(Child{index, ChildProcess(spec), spec.stderr_path});
    } catch (const std::system_error& e) {
      ChildExit never;
      never.exit_code = kExecFailed;
      finish(index, spec.stderr_path, never, std::string("could not start: ") + e.what());
    }
  }

  void reap() {
    for (auto it = running_.begin(); it != running_.end();) {
      const std::optional<ChildExit> ended = it->process.poll();
      if (!ended) {
        ++it;
        continue;
      }
      finish(it->index, it->stderr_path, *ended, "");
      it = running_.erase(it);
    }
  }

  void finish(std::size_t index, const std::string& stderr_path, const ChildExit& ended,
              const std::string& start_error) {
    RunOutcome& o = result_.runs[index];
    o.exit_code = ended.exit_code;
    o.wall_seconds = ended.wall_seconds;
    o.max_rss_kib = ended.max_rss_kib;
    const fs::path out = resolve(o.run.out_dir);
    o.summary = read_summary(out.string());
    o.status = judge_run(o.exit_code, o.summary, result_.stop_signal, &o.why);
    if (!start_error.empty()) o.why = start_error;
    if (o.exit_code == kExecFailed && o.why.rfind("exit", 0) == 0)
      o.why += " (" + binary_ + " could not be run)";
    if (o.exit_code == kSetupFailed && o.why.rfind("exit", 0) == 0)
      o.why += " (its working folder or stderr file could not be opened)";
    std::error_code ec;
    if (o.status == RunStatus::kOk) {
      finished_s_.push_back(o.wall_seconds);
      fs::remove(stderr_path, ec);
    } else {
      o.stderr_tail = tail(read_all(stderr_path));
      if (o.status == RunStatus::kFailed) ++failed_;
      // Kept beside the run folder for a failed run, whose whole stderr may matter.
      fs::rename(stderr_path, out.string() + ".stderr", ec);
    }
    ++done_;
  }

  void show_progress() {
    if (!options_.progress) return;
    const auto now = Clock::now();
    if (now - last_shown_ < std::chrono::milliseconds(200)) return;
    last_shown_ = now;
    std::vector<double> elapsed;
    for (const Child& c : running_) elapsed.push_back(c.process.seconds_running());
    const Progress p{plan_.size(), done_, running_.size(), failed_,
                     estimate_seconds_left(finished_s_, elapsed, plan_.size() - next_, jobs_)};
    std::fprintf(stderr, "\r\033[K  %s", progress_text(p).c_str());
  }

  const Plan plan_;
  const ExecutorOptions options_;
  std::string binary_;
  unsigned jobs_;
  StudyResult result_;
  std::size_t next_ = 0;
  std::vector<Child> running_;
  std::vector<double> finished_s_;
  std::size_t done_ = 0, failed_ = 0;
  Clock::time_point last_shown_{};
};

namespace {

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

Execution::Execution(Plan plan, ExecutorOptions options)
    : impl_(std::make_unique<Impl>(std::move(plan), std::move(options))) {}
Execution::~Execution() = default;
void Execution::step() { impl_->step(); }
void Execution::stop(int signal) { impl_->stop(signal); }
bool Execution::finished() const { return impl_->finished(); }

StudyResult Execution::wait(const volatile sig_atomic_t* stop_signal) {
  bool stopped = false;
  for (;;) {
    // Checked before the children are collected: a child that the same Ctrl-C ended is
    // then judged interrupted, not failed.
    if (!stopped && stop_signal != nullptr && *stop_signal != 0) {
      stopped = true;
      impl_->stop(*stop_signal);
    }
    impl_->step();
    if (impl_->finished()) break;
    nap();
  }
  return impl_->take_result();
}

StudyResult execute(const Plan& plan, const ExecutorOptions& options) {
  const StopHandler handler;
  // The signal is forwarded once: a second Ctrl-C reaches the children of a terminal
  // directly, and a payquake run that was asked to stop needs no second request.
  return Execution(plan, options).wait(&g_stop_signal);
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
