#include "payments/health.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace payquake::payments {

bool ProbeHealth::record(bool passed, const core::HealthCheck& hc) {
  if (passed == healthy_) {
    streak_ = 0;  // a verdict that agrees with the state breaks a run against it
    return false;
  }
  ++streak_;
  if (streak_ < (healthy_ ? hc.unhealthy_after : hc.healthy_after)) return false;
  healthy_ = !healthy_;
  streak_ = 0;
  return true;
}

bool OutlierHealth::record_error(const core::OutlierDetection& od) {
  if (ejected_) return false;  // answers to requests sent before the ejection
  if (errors_ < UINT16_MAX) ++errors_;
  return half_open_ || errors_ >= od.consecutive_errors;
}

double OutlierHealth::eject(double t, const core::OutlierDetection& od) {
  assert(!ejected_);
  ejected_ = true;
  half_open_ = false;
  errors_ = 0;
  if (ejections_ < UINT16_MAX) ++ejections_;
  // Envoy returns ejected hosts at its interval sweeps: the first one after the time is up.
  const double until = t + ejection_s(ejections_, od);
  return std::ceil(until / od.interval_s) * od.interval_s;
}

void OutlierHealth::restore() {
  ejected_ = false;
  half_open_ = true;
}

int max_ejected(double fraction, int replicas) {
  // A small epsilon: 10% of 10 replicas is one, not 0.99999.
  return std::max(1, static_cast<int>(std::floor(fraction * replicas + 1e-9)));
}

double ejection_s(int n, const core::OutlierDetection& od) {
  return std::min(od.base_ejection_s * n, std::max(od.base_ejection_s, core::kMaxEjectionS));
}

}  // namespace payquake::payments
