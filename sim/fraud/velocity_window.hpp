// Payments per subject (a card, a merchant, a device) over a sliding window, exactly: a
// queue of the window's events and a count per subject seen within it. State is held only
// for subjects with a payment inside the window; older events are evicted as time moves,
// and a subject whose count falls to zero is forgotten. Memory: one queue entry (16 bytes)
// per payment in the window plus one map entry per subject in it, whatever the run's length
// (the hash map's bucket array keeps the size of its busiest moment).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>

namespace payquake::fraud {

class VelocityWindow {
 public:
  // REQUIRES: window_s > 0.
  explicit VelocityWindow(double window_s);

  // Records a payment of `subject` at `time_s` and returns the payments of `subject` in
  // (time_s - window, time_s], this one included. REQUIRES: time_s never decreases from one
  // call to the next (the flow's calendar delivers in time order).
  std::uint64_t record(std::uint64_t subject, double time_s);

  std::size_t subjects_held() const { return counts_.size(); }
  std::size_t events_held() const { return events_.size(); }

 private:
  // Forgets every event at or before now - window.
  void evict(double now_s);

  double window_s_;
  double last_s_ = 0.0;
  std::deque<std::pair<double, std::uint64_t>> events_;  // (time, subject), oldest first
  std::unordered_map<std::uint64_t, std::uint64_t> counts_;
};

}  // namespace payquake::fraud
