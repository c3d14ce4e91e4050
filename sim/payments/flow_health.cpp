// How nodes notice failures (DESIGN.md section 2): active health checks of every replica of
// every next hop, one calendar event per checking node per interval; passive outlier
// detection of the answers its requests get. Routing reads the resulting flags, an array
// read per choice (flow.cpp). A node's view is shared by its replicas (one checker per node).
//
// Model decisions, kept simple on purpose:
//  - A probe leaves at k x interval and its verdict is taken when its timeout expires, at
//    k x interval + timeout: it passes when the replica is up then, the route from the
//    checking node is open, neither the probe nor its answer is lost (loss faults on the
//    route or the nodes), and the round trip (latency, added latency, jitter) fits the
//    timeout. Probes go to a health endpoint: they do not queue behind payments, so an
//    overloaded replica stays healthy to them (outlier detection sees its 96s and timeouts).
//  - A next hop with no replica its checker believes healthy is skipped; with none left the
//    node fails fast (91, or stand-in at a network), as an open circuit breaker does.
//  - Ejected replicas are avoided while another healthy replica is in the pool; when every
//    healthy replica is ejected they take traffic anyway (Envoy's panic routing): outlier
//    detection moves traffic between replicas, it never takes a whole next hop away.
#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using namespace flow_internal;

void Flow::start_health_checks() {
  for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
    const core::HealthCheck& hc = nodes_[n].spec.health_check;
    if (router_.next(n).empty() || hc.mode != core::Detection::kProbe) continue;
    // The first probes leave at 0; their verdicts come a timeout later.
    calendar_->schedule(hc.timeout_s, kHealthProbe, n);
  }
}

void Flow::on_health_probe(std::uint32_t n, double t) {
  const core::HealthCheck& hc = nodes_[n].spec.health_check;
  bool back = false;
  for (const std::uint32_t next : router_.next(n)) {
    const NodeSpec& target = nodes_[next];
    for (int r = 0; r < target.spec.replicas; ++r) {
      const std::uint32_t s = router_.first_station(next) + static_cast<std::uint32_t>(r);
      const std::size_t w = watch_index(n, s);
      if (!watch_[w].probe.record(probe_passes(n, s), hc)) continue;
      const bool healthy = watch_[w].probe.healthy();
      router_.set_alive(w, healthy);
      update_usable(w);
      observer_.on_health(
          n, ref(s), healthy ? core::HealthChange::kHealthy : core::HealthChange::kUnhealthy, t);
      back = back || healthy;
    }
  }
  if (back) {
    // Stored advices held for an unhealthy issuer may go out now.
    for (int r = 0; r < nodes_[n].spec.replicas; ++r) {
      const std::uint32_t s = router_.first_station(n) + static_cast<std::uint32_t>(r);
      if (!stations_[s].advice_backlog.empty()) pump_advices(s, t);
    }
  }
  calendar_->schedule(t + hc.interval_s, kHealthProbe, n);
}

bool Flow::probe_passes(std::uint32_t n, std::uint32_t s) {
  const std::uint32_t to = stations_[s].node;
  if (!station_up(s) || !route_open(n, to)) return false;
  const std::size_t sites = node_site_[n] * site_count_ + node_site_[to];
  double pass = 1.0 - link_loss_[sites];
  double round_trip = 2.0 * pair_latency_s_[n * nodes_.size() + to];
  double jitter = link_jitter_[sites];
  if (node_link_faults_) {
    pass *= (1.0 - node_loss_[n]) * (1.0 - node_loss_[to]);
    round_trip += 2.0 * (node_add_s_[n] + node_add_s_[to]);
    jitter += node_jitter_s_[n] + node_jitter_s_[to];
  }
  // Draws only while a fault is on, from a stream of their own: probes never shift the
  // random numbers of payments.
  if (pass < 1.0 && (probe_rng_.uniform01() >= pass || probe_rng_.uniform01() >= pass))
    return false;  // the probe, or its answer, was lost
  if (jitter > 0.0) round_trip += jitter * (probe_rng_.uniform01() + probe_rng_.uniform01());
  return round_trip <= nodes_[n].spec.health_check.timeout_s;
}

void Flow::record_outcome(std::uint32_t n, std::uint32_t s, bool error, double t) {
  const std::size_t w = watch_index(n, s);
  const core::OutlierDetection& od = nodes_[n].spec.outlier_detection;
  if (!watch_[w].outlier.record(error, od)) return;
  const std::uint32_t target = stations_[s].node;
  std::uint16_t& out = ejected_[n * nodes_.size() + target];
  if (out >= max_ejected(od.max_ejected, nodes_[target].spec.replicas)) return;
  ++out;
  const double back = watch_[w].outlier.eject(t, od);
  update_usable(w);
  observer_.on_health(n, ref(s), core::HealthChange::kEjected, t);
  calendar_->schedule(back, kUneject, static_cast<std::uint32_t>(w));
}

void Flow::on_uneject(std::uint32_t w, double t) {
  const auto n = static_cast<std::uint32_t>(w / stations_.size());
  const auto s = static_cast<std::uint32_t>(w % stations_.size());
  watch_[w].outlier.restore();
  std::uint16_t& out = ejected_[n * nodes_.size() + stations_[s].node];
  assert(out > 0);
  --out;
  update_usable(w);
  observer_.on_health(n, ref(s), core::HealthChange::kReturned, t);
}

void Flow::update_usable(std::size_t w) {
  router_.set_usable(w, router_.alive(w) && !watch_[w].outlier.ejected());
}

void Flow::refresh_oracle_health() {
  for (std::uint32_t n = 0; n < nodes_.size(); ++n) {
    if (nodes_[n].spec.health_check.mode != core::Detection::kOracle) continue;
    for (std::uint32_t s = 0; s < stations_.size(); ++s) {
      const std::size_t w = watch_index(n, s);
      router_.set_alive(w, station_up(s) && route_open(n, stations_[s].node));
      update_usable(w);
    }
  }
}

}  // namespace payquake::payments
