#include "cli/live_drill.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace payquake::cli {
namespace {

// Falling behind by less than this is scheduling noise, not a simulation too slow.
constexpr double kBehindThresholdS = 1.0;
constexpr auto kSleepSlice = std::chrono::milliseconds(50);  // a Ctrl-C is seen this fast

}  // namespace

LiveDrill::LiveDrill(const std::string& address, double pace, const core::Scenario& scenario,
                     const std::string& run_label, const volatile bool* stop_requested)
    : pace_(pace),
      tick_s_(pace > 0 ? std::min(pace * 0.05, scenario.window_s) : scenario.window_s),
      stop_requested_(stop_requested) {
  if (!address.empty())
    exporter_ = std::make_unique<metrics::LiveExporter>(address, scenario, run_label);
  start_ = std::chrono::steady_clock::now();
}

void LiveDrill::on_tick(double t, const metrics::RunMetrics& metrics) {
  if (exporter_) exporter_->publish(metrics, t);
  if (pace_ <= 0) return;
  const auto due = start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(t / pace_));
  auto now = std::chrono::steady_clock::now();
  note_lag(t, std::chrono::duration<double>(now - due).count());
  while (now < due && !*stop_requested_) {
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(due - now, kSleepSlice));
    now = std::chrono::steady_clock::now();
  }
}

void LiveDrill::finish(double t, const metrics::RunMetrics& metrics) {
  if (exporter_) exporter_->publish(metrics, t);
}

// Off a terminal (no progress line), falling behind and catching up are said on stderr,
// at most every 5 s (a state that flips faster is said once it has held).
void LiveDrill::note_lag(double t, double lag_s) {
  lag_s_ = std::max(0.0, lag_s);
  behind_ = lag_s_ > kBehindThresholdS;
  if (behind_ == reported_behind_ || ::isatty(STDERR_FILENO) != 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_note_ < std::chrono::seconds(5)) return;
  last_note_ = now;
  reported_behind_ = behind_;
  if (behind_) {
    std::fprintf(stderr,
                 "payquake: --pace %g: the simulation cannot keep up (at simulated %.1f s it "
                 "is %.1f s behind the wall clock)\n",
                 pace_, t, lag_s_);
  } else {
    std::fprintf(stderr, "payquake: --pace %g: keeping up again at simulated %.1f s\n", pace_, t);
  }
}

std::string LiveDrill::status() const {
  if (pace_ <= 0) return "";
  char buf[128];
  if (behind_) {
    std::snprintf(buf, sizeof buf, "  pace %gx: %.1f s BEHIND (the simulation cannot keep up)",
                  pace_, lag_s_);
  } else {
    std::snprintf(buf, sizeof buf, "  pace %gx: keeping up", pace_);
  }
  return buf;
}

}  // namespace payquake::cli
