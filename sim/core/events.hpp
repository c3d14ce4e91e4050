// What the flow tells the world. Actors emit these events; metrics (and later the
// ledger, the Prometheus exporter, the event log) subscribe. No statistics code lives
// inside the flow (STYLE.md: the ns-3 trace-source pattern).
#pragma once

#include <cstdint>

#include "core/payment.hpp"

namespace payquake::core {

// One replica of one node: the unit that queues and serves.
struct StationRef {
  std::uint32_t node = 0;
  std::uint32_t replica = 0;
};

class FlowObserver {
 public:
  virtual ~FlowObserver() = default;

  // A payment arrived at its intended time `t` (the open-loop arrival).
  virtual void on_arrival(const Payment& p, double t) {}
  // The payer saw its final answer at `t`. Exactly once per payment.
  virtual void on_final(const Payment& p, ResponseCode code, double t) {}
  // A request began service after waiting `queue_wait_s`; its service will last `service_s`.
  virtual void on_service_start(StationRef s, const Payment& p, double t, double queue_wait_s,
                                double service_s) {}
  // The number of busy workers or waiting requests at a station changed at `t`.
  virtual void on_busy_change(StationRef s, double t, std::int32_t busy) {}
  virtual void on_queue_change(StationRef s, double t, std::int32_t length) {}
  // The waiting room was full: the request was answered 96 at once.
  virtual void on_rejected(StationRef s, const Payment& p, double t) {}
  // A hop gave up waiting for its next hop (per-attempt timeout).
  virtual void on_timeout(StationRef s, const Payment& p, double t) {}
  // An answer arrived after the requester's timeout and was discarded.
  virtual void on_late_answer(StationRef s, const Payment& p, double t) {}
  // The calendar reached `t`; observers that keep windows may close them.
  virtual void on_clock(double t) {}
};

}  // namespace payquake::core
