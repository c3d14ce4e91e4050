// Runs payquake's event calendar under SimGrid's clock. SimGrid owns time, the platform
// and the long-lived actors; payments stay plain events on the calendar. Two modes give
// byte-identical results (a test holds them to it):
//  - run-ahead: one actor on the control host drains the calendar and yields to SimGrid
//    only at the dates of platform changes known in advance (the fault plan): the fast
//    path, 0.8-1.0x a plain loop;
//  - lockstep: one SimGrid kernel timer armed at the calendar's earliest date and re-armed
//    after each batch, so SimGrid interleaves every actor and platform change exactly;
//    the reference, about 3x slower.
#pragma once

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/platform.hpp"

namespace payquake::engine {

enum class Mode { kRunAhead, kLockstep };
const char* to_string(Mode m);

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  virtual void handle(const Event& event) = 0;
  // A hint: `next` is the event after the one about to be handled. A handler may start
  // loading what it will touch (it was last touched a hop ago, so it is likely out of
  // cache) while it handles the current one.
  virtual void prefetch(const Event& next) const { (void)next; }
  // True once nothing the handler cares about is pending: events still on the calendar
  // are then stale (timeouts of attempts long answered) and the run ends.
  virtual bool done() const = 0;
};

// A platform change at a known date (a fault starting or ending). It is applied on
// SimGrid's clock at exactly that date: after every calendar event dated earlier, before
// every event dated the same or later, in both modes.
struct PlatformChange {
  double at_s = 0.0;
  std::function<void(double)> apply;
};

struct RunOptions {
  Mode mode = Mode::kRunAhead;
  std::vector<PlatformChange> changes;  // sorted by at_s
  // Called now and then with the calendar's time (progress display). May be empty.
  std::function<void(double)> on_progress;
  // Live drills: called with an event's time before handling the first event at or after
  // each multiple of `tick_s`, so the caller can pace the run against the wall clock and
  // publish what it measured. tick_s 0: never (a plain run pays one comparison per event).
  std::function<void(double)> on_tick;
  double tick_s = 0.0;
  // Stop handling events once this is true (SIGINT/SIGTERM); the run is then partial.
  const volatile bool* stop_requested = nullptr;
  // No event dated later is handled: the run ends there with whatever is still pending
  // (the scenario's duration plus its drain limit).
  double horizon_s = std::numeric_limits<double>::infinity();
};

struct RunResult {
  double end_time_s = 0.0;  // the time of the last event handled (the horizon, if reached)
  std::uint64_t events = 0;
  bool interrupted = false;
  bool horizon_reached = false;  // events beyond the horizon were left unhandled
};

// Handles events in time order until the calendar is empty or the handler is done.
RunResult run(Platform& platform, Calendar& calendar, EventHandler& handler,
              const RunOptions& options);

}  // namespace payquake::engine
