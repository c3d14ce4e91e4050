// What one node knows of one replica of a next hop (DESIGN.md section 2, "How failures are
// noticed"): the verdicts of its active health checks, and passive outlier detection of the
// answers it gets (Envoy's consecutive_5xx with growing ejections). Pure logic, no clock of
// its own: the flow feeds it probe verdicts and answers and schedules what it asks for.
#pragma once

#include <cstdint>

#include "core/scenario.hpp"

namespace payquake::payments {

// Active health checks of one target. Starts healthy (a run begins with a warm pool).
class ProbeHealth {
 public:
  // Records one probe's verdict. Returns true when it changes healthy().
  bool record(bool passed, const core::HealthCheck& hc);
  bool healthy() const { return healthy_; }

 private:
  bool healthy_ = true;
  std::uint16_t streak_ = 0;  // consecutive verdicts against the current state
};

// Passive outlier detection of one target: an ejection after K consecutive errors, for
// base x (ejections so far), capped. After an ejection the target is half-open: traffic
// returns, and its first answer decides; an error or a timeout ejects it again at once,
// for longer; a good answer closes the breaker (the streak starts from zero).
class OutlierHealth {
 public:
  // Records one answer (`error`: 91/96 or a timeout). Returns true when the target should be
  // ejected now; the caller checks the cap (max_ejected) and then calls eject().
  // Inline: it runs for every answer a requester gets (the hot path).
  bool record(bool error, const core::OutlierDetection& od) {
    if (!error) {
      if (errors_ != 0 || half_open_) close();
      return false;
    }
    return record_error(od);
  }
  // REQUIRES: !ejected(). Ejects at `t`; returns when it is back (at an interval sweep).
  double eject(double t, const core::OutlierDetection& od);
  // The ejection is over: back in the pool, half-open.
  void restore();
  bool ejected() const { return ejected_; }
  int ejections() const { return ejections_; }

 private:
  void close() {
    errors_ = 0;
    half_open_ = false;
  }
  bool record_error(const core::OutlierDetection& od);

  std::uint16_t errors_ = 0;  // consecutive errors
  std::uint16_t ejections_ = 0;
  bool ejected_ = false;
  bool half_open_ = false;
};

// How many of a next hop's `replicas` may be ejected at once: the fraction rounded down,
// but at least one (Envoy ejects a host when none is ejected, whatever the percentage).
int max_ejected(double fraction, int replicas);

// How long the n-th ejection (n >= 1) lasts: base x n, at most max(base, kMaxEjectionS).
double ejection_s(int n, const core::OutlierDetection& od);

}  // namespace payquake::payments
