#include "engine/driver.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <cmath>
#include <limits>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace payquake::engine {
namespace {

// Progress callbacks are cheap but not free: one every this many events (about a
// millisecond of work, so a progress line and a stop request are seen promptly).
constexpr std::uint64_t kProgressEvery = 1u << 12;

class Loop {
 public:
  Loop(Calendar& calendar, EventHandler& handler, const RunOptions& options)
      : calendar_(calendar),
        handler_(handler),
        options_(options),
        next_tick_s_(options.tick_s > 0 ? 0.0 : std::numeric_limits<double>::infinity()) {}

  // Handles every event dated no later than `horizon_s` (or, `strictly`, earlier), and
  // never one beyond the run's horizon.
  void drain_until(double horizon_s, bool strictly = false) {
    if (horizon_s > options_.horizon_s) {
      horizon_s = options_.horizon_s;
      strictly = false;
    }
    while (!finished_ && !calendar_.empty() && (calendar_.top().time_s < horizon_s ||
                                  (!strictly && calendar_.top().time_s == horizon_s))) {
      if (stopped()) return;
      const Event e = calendar_.pop();
      if (e.time_s >= next_tick_s_) tick(e.time_s);
      if (!calendar_.empty()) handler_.prefetch(calendar_.top());
      result_.end_time_s = e.time_s;
      handler_.handle(e);
      if (handler_.done()) {
        finished_ = true;
        return;
      }
      if ((++result_.events % kProgressEvery) == 0 && options_.on_progress)
        options_.on_progress(e.time_s);
    }
  }

  void tick(double t) {
    options_.on_tick(t);
    next_tick_s_ = (std::floor(t / options_.tick_s) + 1) * options_.tick_s;
  }

  bool stopped() {
    if (options_.stop_requested != nullptr && *options_.stop_requested) {
      result_.interrupted = true;
      return true;
    }
    return false;
  }

  // Lockstep: the timer fires at the earliest of the calendar's next date and the next
  // platform change; it applies the changes due, handles that date's events (including
  // zero-delay ones they schedule) and re-arms.
  void arm_timer() {
    if (finished_ || stopped()) return;
    const auto& changes = options_.changes;
    const bool change_pending = next_change_ < changes.size();
    if (calendar_.empty() && !change_pending) return;
    double date = calendar_.empty() ? changes[next_change_].at_s : calendar_.top().time_s;
    if (change_pending && changes[next_change_].at_s <= date) date = changes[next_change_].at_s;
    if (date > options_.horizon_s) return;
    simgrid::kernel::timer::Timer::set(date, [this, date] {
      if (finished_) return;
      apply_changes_until(date);
      drain_until(date);
      arm_timer();
    });
  }

  void apply_changes_until(double date) {
    const auto& changes = options_.changes;
    while (next_change_ < changes.size() && changes[next_change_].at_s <= date)
      changes[next_change_++].apply(date);
  }

  std::size_t next_change_ = 0;

  Calendar& calendar_;
  EventHandler& handler_;
  const RunOptions& options_;
  RunResult result_;
  bool finished_ = false;
  double next_tick_s_;
};

}  // namespace

const char* to_string(Mode m) { return m == Mode::kRunAhead ? "runahead" : "lockstep"; }

RunResult run(Platform& platform, Calendar& calendar, EventHandler& handler,
              const RunOptions& options) {
  Loop loop(calendar, handler, options);
  if (options.mode == Mode::kLockstep) {
    loop.arm_timer();
  } else {
    sg4::Actor::create("calendar", platform.control_host(), [&loop, &options] {
      for (const PlatformChange& change : options.changes) {
        if (loop.finished_ || change.at_s > options.horizon_s) break;
        loop.drain_until(change.at_s, /*strictly=*/true);
        if (loop.result_.interrupted) return;
        if (loop.finished_) break;  // nothing left that a later change could affect
        // Let SimGrid's clock reach the change, apply it there, then go on.
        if (change.at_s > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(change.at_s);
        change.apply(change.at_s);
        ++loop.next_change_;
      }
      loop.drain_until(std::numeric_limits<double>::infinity());
      // Leave SimGrid's clock where the calendar ended, as lockstep does.
      if (loop.result_.end_time_s > sg4::Engine::get_clock())
        sg4::this_actor::sleep_until(loop.result_.end_time_s);
    });
  }
  platform.engine().run();
  RunResult result = loop.result_;
  if (!result.interrupted && !loop.finished_ && !calendar.empty() &&
      calendar.top().time_s > options.horizon_s && !handler.done()) {
    result.horizon_reached = true;
    result.end_time_s = options.horizon_s;
  }
  return result;
}

}  // namespace payquake::engine
