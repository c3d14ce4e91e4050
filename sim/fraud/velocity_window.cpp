#include "fraud/velocity_window.hpp"

#include <cassert>

namespace payquake::fraud {

VelocityWindow::VelocityWindow(double window_s) : window_s_(window_s) { assert(window_s > 0.0); }

std::uint64_t VelocityWindow::record(std::uint64_t subject, double time_s) {
  assert(time_s >= last_s_ && "VelocityWindow::record: time went backwards");
  last_s_ = time_s;
  evict(time_s);
  events_.emplace_back(time_s, subject);
  return ++counts_[subject];
}

void VelocityWindow::evict(double now_s) {
  const double oldest_kept = now_s - window_s_;
  while (!events_.empty() && events_.front().first <= oldest_kept) {
    const auto it = counts_.find(events_.front().second);
    assert(it != counts_.end() && it->second > 0);
    if (--it->second == 0) counts_.erase(it);
    events_.pop_front();
  }
}

}  // namespace payquake::fraud
