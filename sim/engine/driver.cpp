#include "engine/driver.hpp"

#include <simgrid/kernel/Timer.hpp>
#include <limits>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;

namespace payquake::engine {
namespace {

// Progress callbacks are cheap but not free: one every this many events.
constexpr std::uint64_t kProgressEvery = 1u << 16;

class Loop {
 public:
  Loop(Calendar& calendar, EventHandler& handler, const RunOptions& options)
      : calendar_(calendar), handler_(handler), options_(options) {}

  // Handles every event dated no later than `horizon_s`.
  void drain_until(double horizon_s) {
    while (!calendar_.empty() && calendar_.top().time_s <= horizon_s) {
      if (stopped()) return;
      const Event e = calendar_.pop();
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

  bool stopped() {
    if (options_.stop_requested != nullptr && *options_.stop_requested) {
      result_.interrupted = true;
      return true;
    }
    return false;
  }

  // Lockstep: the timer fires at the calendar's earliest date; handle that date's
  // events (including zero-delay ones they schedule) and re-arm.
  void arm_timer() {
    if (calendar_.empty() || finished_ || stopped()) return;
    const double date = calendar_.top().time_s;
    simgrid::kernel::timer::Timer::set(date, [this, date] {
      drain_until(date);
      arm_timer();
    });
  }

  Calendar& calendar_;
  EventHandler& handler_;
  const RunOptions& options_;
  RunResult result_;
  bool finished_ = false;
};

}  // namespace

const char* to_string(Mode m) { return m == Mode::kRunAhead ? "runahead" : "lockstep"; }

RunResult run(Platform& platform, Calendar& calendar, EventHandler& handler,
              const RunOptions& options) {
  Loop loop(calendar, handler, options);
  if (options.mode == Mode::kLockstep) {
    loop.arm_timer();
  } else {
    sg4::Actor::create("calendar", platform.control_host(), [&loop, &calendar, &options] {
      for (const double sync : options.sync_dates_s) {
        loop.drain_until(sync);
        if (loop.result_.interrupted) return;
        // Let SimGrid reach the platform change before any later event is handled.
        if (sync > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(sync);
      }
      loop.drain_until(std::numeric_limits<double>::infinity());
      // Leave SimGrid's clock where the calendar ended, as lockstep does.
      if (loop.result_.end_time_s > sg4::Engine::get_clock())
        sg4::this_actor::sleep_until(loop.result_.end_time_s);
    });
  }
  platform.engine().run();
  return loop.result_;
}

}  // namespace payquake::engine
