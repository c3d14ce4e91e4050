// The flow under faults: crashes and lost messages, brown-outs, partitions and link
// faults, the idempotency store's outages, and the platform state cached for the hot path.

#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;
using namespace flow_internal;

void Flow::set_site_partition(std::uint32_t site_a, std::uint32_t site_b, bool partitioned) {
  site_partitioned_[site_a * site_count_ + site_b] = partitioned ? 1 : 0;
  site_partitioned_[site_b * site_count_ + site_a] = partitioned ? 1 : 0;
}

void Flow::platform_changed(double t) {
  refresh_platform_cache();
  // Count the cuts: a route that went down since the last change loses whatever was on
  // the wire, even if it comes back before those messages would have arrived.
  const std::size_t n = nodes_.size();
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      const char up = route_open(a, b) ? 1 : 0;
      if (route_was_up_[a * n + b] && !up) ++route_cuts_[a * n + b];
      route_was_up_[a * n + b] = up;
    }
  }
  for (std::uint32_t s = 0; s < stations_.size(); ++s)
    if (!stations_[s].advice_backlog.empty()) pump_advices(s, t);
}

void Flow::refresh_platform_cache() {
  const std::size_t n = nodes_.size();
  for (auto& station : stations_) {
    station.up = view_.host_up(static_cast<int>(station.node), static_cast<int>(station.replica));
    station.slowdown =
        view_.slowdown(static_cast<int>(station.node), static_cast<int>(station.replica));
  }
  pair_open_.assign(n * n, 1);
  pair_latency_s_.assign(n * n, 0.0);
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      const std::size_t i = a * n + b;
      pair_latency_s_[i] = view_.hop_latency_s(static_cast<int>(a), static_cast<int>(b));
      pair_open_[i] = partitioned_[i] == 0 &&
                      site_partitioned_[node_site_[a] * site_count_ + node_site_[b]] == 0 &&
                      view_.route_up(static_cast<int>(a), static_cast<int>(b));
    }
  }
  refresh_oracle_health();
}

void Flow::lose(std::uint32_t a, double t) {
  if (attempts_[a].finished) return;  // already dropped (through another of its children)
  if (attempts_[a].key_owner) {
    // Its gateway will never finish the key: release it with a failure so that requests
    // waiting on it are answered (and a retry is processed afresh).
    attempts_[a].key_owner = false;
    const std::uint32_t s = attempts_[a].to;
    const auto waiters = key_stores_[stations_[s].node].finish(attempts_[a].key, attempts_[a].id,
                                                               ResponseCode::kSystemMalfunction);
    for (const std::uint32_t w : waiters) answer(w, ResponseCode::kSystemMalfunction, t);
  }
  Attempt& attempt = attempts_[a];
  if (!requester_alive(attempt)) {
    if (attempt.state == AttemptState::kInFlight) --stations_[attempt.to].outstanding;
    // Its requester crashed: nobody waits for it. What the requester was serving is
    // lost with it; an originated reversal or advice dies with the node that kept it.
    const std::uint32_t parent = attempt.parent;
    if (parent == kNone && attempt.from != kPayer)
      observer_.on_lost(ref(attempt.from), attempt.message, payment_of(a), t);
    attempt.state = AttemptState::kAnswered;
    // Freeing the child may recycle the parent (if it was only waiting for this child):
    // only a parent still in use is lost in turn.
    const std::uint32_t parent_generation = parent != kNone ? attempts_[parent].generation : 0;
    free_attempt(a, t);
    if (parent != kNone && attempts_[parent].generation == parent_generation) lose(parent, t);
    return;
  }
  switch (attempt.state) {
    case AttemptState::kInFlight:
      // The requester still waits; its timeout will find the attempt lost and free it.
      attempt.lost = true;
      return;
    case AttemptState::kTimedOut:
      free_attempt(a, t);
      return;
    case AttemptState::kPending:
    case AttemptState::kAnswered:
      return;
  }
}

void Flow::crash(std::uint32_t node, std::uint32_t replica, double t) {
  observer_.on_clock(t);  // observers close their windows before the station changes
  const std::uint32_t s = router_.first_station(node) + replica;
  Station& station = stations_[s];
  ++station.epoch;  // whatever was in service or waiting on a next hop here is gone
  station.busy = 0;
  observer_.on_busy_change(ref(s), t, 0);
  std::vector<std::uint32_t> dropped;
  while (!station.waiting.empty()) dropped.push_back(station.waiting.pop());
  observer_.on_queue_change(ref(s), t, 0);
  const auto waiters =
      key_stores_[node].drop_waiters([this, s](std::uint32_t w) { return attempts_[w].to == s; });
  dropped.insert(dropped.end(), waiters.begin(), waiters.end());
  for (const std::uint32_t a : dropped) lose(a, t);
  // Stored advices were in the crashed host's memory.
  station.advices_in_flight = 0;
  while (!station.advice_backlog.empty()) {
    const std::uint32_t r = station.advice_backlog.pop();
    observer_.on_lost(ref(s), Message::kAdvice, payment_of(r), t);
    attempts_[r].state = AttemptState::kAnswered;
    free_attempt(r, t);
  }
}

void Flow::set_errors(std::uint32_t node, int replica, double rate, ResponseCode code) {
  for (int r = 0; r < nodes_[node].spec.replicas; ++r) {
    if (replica >= 0 && r != replica) continue;
    Station& station = stations_[router_.first_station(node) + static_cast<std::uint32_t>(r)];
    station.error_rate = rate;
    station.error_code = code;
  }
}

void Flow::set_link_loss(std::uint32_t site_a, std::uint32_t site_b, double rate) {
  link_loss_[site_a * site_count_ + site_b] = rate;
  link_loss_[site_b * site_count_ + site_a] = rate;
}

void Flow::set_link_jitter(std::uint32_t site_a, std::uint32_t site_b, double jitter_s) {
  link_jitter_[site_a * site_count_ + site_b] = jitter_s;
  link_jitter_[site_b * site_count_ + site_a] = jitter_s;
}

void Flow::set_node_link(std::uint32_t node, double loss, double add_s, double jitter_s) {
  node_loss_[node] = loss;
  node_add_s_[node] = add_s;
  node_jitter_s_[node] = jitter_s;
  node_link_faults_ = false;
  for (std::size_t n = 0; n < nodes_.size(); ++n)
    node_link_faults_ =
        node_link_faults_ || node_loss_[n] > 0 || node_add_s_[n] > 0 || node_jitter_s_[n] > 0;
}

void Flow::set_partition(std::uint32_t node_a, std::uint32_t node_b, bool partitioned) {
  partitioned_[node_a * nodes_.size() + node_b] = partitioned ? 1 : 0;
  partitioned_[node_b * nodes_.size() + node_a] = partitioned ? 1 : 0;
}

void Flow::set_store_available(std::uint32_t node, bool available) {
  key_stores_[node].set_available(available);
}

}  // namespace payquake::payments
