// The flow's core: construction, event dispatch, stations, forwarding, answers and hop
// timeouts, sending, and the attempt and payment pools. Routing is the router's
// (router.hpp), decisions are the issuer's (issuer.hpp); the payer side, the issuer's and
// the network's ledger work, and the fault hooks are in flow_payer.cpp, flow_issuer.cpp and
// flow_faults.cpp.
#include "payments/flow.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

#include "payments/backoff.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;
using namespace flow_internal;

static_assert(Router::kPayer == 0xffffffffu && Router::kNone == 0xffffffffu,
              "the flow's kPayer and kNone are the router's");

Flow::Flow(const core::Scenario& scenario, const engine::NetworkView& network,
           core::FlowObserver& observer)
    : observer_(observer),
      view_(network),
      draws_(scenario),
      probe_rng_(scenario.seed, "health/probes"),
      fraud_(scenario, draws_) {
  const auto& nodes = scenario.nodes;
  site_count_ = scenario.sites.size();
  for (const auto& node : nodes) {
    for (std::size_t i = 0; i < scenario.sites.size(); ++i)
      if (scenario.sites[i].id == node.site) node_site_.push_back(static_cast<std::uint32_t>(i));
  }
  link_loss_.assign(site_count_ * site_count_, 0.0);
  link_jitter_.assign(site_count_ * site_count_, 0.0);
  partitioned_.assign(nodes.size() * nodes.size(), 0);
  site_partitioned_.assign(site_count_ * site_count_, 0);
  route_cuts_.assign(nodes.size() * nodes.size(), 0);
  route_was_up_.assign(nodes.size() * nodes.size(), 1);
  pair_open_.assign(nodes.size() * nodes.size(), 1);
  std::vector<Router::Node> routes;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const core::Node& node = nodes[n];
    Router::Node route{node.routing, {}, static_cast<std::uint32_t>(stations_.size()),
                       static_cast<std::uint32_t>(node.replicas)};
    for (const auto& next : node.next) route.next.push_back(index_of(nodes, next));
    // A network without `next` reaches every issuer (it routes by BIN).
    if (node.role == core::Role::kNetwork && route.next.empty())
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].role == core::Role::kIssuer)
          route.next.push_back(static_cast<std::uint32_t>(i));
    routes.push_back(std::move(route));
    nodes_.push_back(NodeSpec{node});
    for (int r = 0; r < node.replicas; ++r)
      stations_.push_back(Station{static_cast<std::uint32_t>(n),
                                  static_cast<std::uint32_t>(r),
                                  0,
                                  0,
                                  {},
                                  0,
                                  true,
                                  1.0,
                                  {},
                                  0,
                                  0.0,
                                  ResponseCode::kSystemMalfunction});
  }
  hop_deadlines_.resize(nodes_.size());
  key_stores_.resize(nodes_.size());
  nonce_store_up_.assign(nodes_.size(), 1);
  policy_up_.assign(nodes_.size(), 1);
  node_loss_.assign(nodes_.size(), 0.0);
  node_add_s_.assign(nodes_.size(), 0.0);
  node_jitter_s_.assign(nodes_.size(), 0.0);
  watch_.resize(nodes_.size() * stations_.size());
  ejected_.assign(nodes_.size() * nodes_.size(), 0);

  std::vector<std::uint32_t> bin_owner;
  issuer_bins_.resize(nodes_.size());
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    for (std::size_t b = 0; b < nodes[n].bins.size(); ++b) {
      issuer_bins_[n].push_back(static_cast<std::uint32_t>(bin_owner.size()));
      bin_owner.push_back(static_cast<std::uint32_t>(n));
    }
  }
  router_ = Router(std::move(routes), std::move(bin_owner), stations_.size());
  refresh_platform_cache();

  for (const auto& payers : scenario.payers) {
    std::vector<std::pair<std::uint32_t, double>> cumulative;
    double sum = 0;
    for (const auto& [issuer, share] : payers.issuers)
      cumulative.emplace_back(index_of(nodes, issuer), sum += share);
    const std::string stream = "payers/" + payers.id;
    populations_.push_back(Population{
        payers,
        index_of(nodes, payers.entry),
        load::ArrivalProcess(load::RateProfile(payers.load ? *payers.load : scenario.load,
                                               scenario.duration_s, payers.share),
                             payers.load ? payers.load->arrival : scenario.load.arrival,
                             core::RandomStream(scenario.seed, stream + "/arrivals")),
        0,
        std::move(cumulative),
        {}});
  }
}

void Flow::start(engine::Calendar& calendar) {
  calendar_ = &calendar;
  for (std::uint32_t i = 0; i < populations_.size(); ++i) {
    const double first = populations_[i].arrivals.next();
    if (first == load::ArrivalProcess::kNever) continue;
    calendar.schedule(first, kArrival, i);
    ++pending_arrivals_;
  }
  start_health_checks();
}

void Flow::handle(const engine::Event& e) {
  observer_.on_clock(e.time_s);
  switch (e.kind) {
    case kArrival:
      on_arrival(e.index, e.time_s);
      return;
    case kHopTimeouts:
      on_hop_timeouts(e.index, e.time_s);
      return;
    case kClientTimeouts:
      on_client_timeouts(e.index, e.time_s);
      return;
    case kClientPress:
      assert(payments_[e.index].generation == e.generation);
      on_press(e.index, e.arg != 0, e.time_s);
      return;
    case kHealthProbe:
      on_health_probe(e.index, e.time_s);
      return;
    case kUneject:
      on_uneject(e.index, e.time_s);
      return;
    case kChallengeDone:
      assert(payments_[e.index].generation == e.generation);
      on_challenge_done(e.index, static_cast<core::StepUpResult>(e.arg), e.time_s);
      return;
    default:
      break;
  }
  // Attempt events carry the generation they were scheduled for; the flow frees an
  // attempt only once nothing on the calendar refers to it.
  assert(attempts_[e.index].generation == e.generation);
  switch (e.kind) {
    case kRequestArrives:
      on_request_arrives(e.index, e.time_s);
      return;
    case kServiceDone:
      on_service_done(e.index, e.time_s);
      return;
    case kResponseArrives:
      on_response_arrives(e.index, static_cast<ResponseCode>(e.arg), e.time_s);
      return;
    case kDepart:
      depart(e.index, e.time_s);
      return;
    case kAdviceRequeue: {
      const std::uint32_t from = attempts_[e.index].from;
      if (!requester_alive(attempts_[e.index])) {  // the network crashed meanwhile
        observer_.on_lost(ref(from), Message::kAdvice, payment_of(e.index), e.time_s);
        attempts_[e.index].state = AttemptState::kAnswered;
        free_attempt(e.index, e.time_s);
        return;
      }
      stations_[from].advice_backlog.push(e.index);
      pump_advices(from, e.time_s);
      return;
    }
    default:
      assert(false && "unknown event kind");
  }
}

void Flow::prefetch(const engine::Event& next) const {
  switch (next.kind) {
    case kRequestArrives:
    case kServiceDone:
    case kResponseArrives: {
      // An attempt spans two cache lines; both are read by every handler of these kinds,
      // and so is the head of its payment (the observers read the Payment).
      const char* a = reinterpret_cast<const char*>(&attempts_[next.index]);
      __builtin_prefetch(a);
      __builtin_prefetch(a + sizeof(Attempt) - 1);
      if (next.hint < payments_.size()) {
        const char* p = reinterpret_cast<const char*>(&payments_[next.hint].payment);
        __builtin_prefetch(p);
        __builtin_prefetch(p + sizeof(core::Payment) - 1);
      }
      return;
    }
    default:
      return;
  }
}

void Flow::push_deadline(DeadlineQueue& q, Deadline d, Kind kind, std::uint32_t index) {
  while (!q.pending.empty() && settled(q.pending.front())) q.pending.pop();
  q.pending.push(d);
  if (!q.armed) rearm(q, kind, index);
}

void Flow::rearm(DeadlineQueue& q, Kind kind, std::uint32_t index) {
  while (!q.pending.empty() && settled(q.pending.front())) q.pending.pop();
  q.armed = !q.pending.empty();
  if (q.armed) calendar_->schedule(q.pending.front().at_s, kind, index);
}

// ---- Stations ----------------------------------------------------------------------------

void Flow::on_request_arrives(std::uint32_t a, double t) {
  attempts_[a].arrived_s = t;
  const std::uint32_t s = attempts_[a].to;
  if (!station_up(s) || !still_reachable(attempts_[a].from, s) ||
      cuts(attempts_[a].from, s) != attempts_[a].cut_mark) {
    lose(a, t);  // sent to a host that is down, or over a route that went down meanwhile
    return;
  }
  Station& station = stations_[s];
  attempts_[a].to_epoch = station.epoch;
  const core::Node& node = nodes_[station.node].spec;
  if (station.error_rate > 0 &&
      draws_.injected_error(station.node, payment_of(a), attempts_[a].visit, station.error_rate)) {
    respond(a, station.error_code, t);  // a brown-out answers at once
    return;
  }
  if (station.busy < node.workers) {
    start_service(s, a, t);
    return;
  }
  if (node.queue == core::kUnlimitedQueue ||
      static_cast<std::int64_t>(station.waiting.size()) < node.queue) {
    station.waiting.push(a);
    observer_.on_queue_change(ref(s), t, static_cast<std::int32_t>(station.waiting.size()));
    return;
  }
  observer_.on_rejected(ref(s), payment_of(a), t);
  respond(a, ResponseCode::kSystemMalfunction, t);
}

void Flow::start_service(std::uint32_t s, std::uint32_t a, double t) {
  Station& station = stations_[s];
  // Drawn first: the Philox rounds overlap with the observer's work below.
  double service =
      draws_.service_s(station.node, payment_of(a), attempts_[a].visit) * station.slowdown;
  if (fraud_.any()) service += policy_latency_s(s, a);  // flow_fraud.cpp
  ++station.busy;
  observer_.on_busy_change(ref(s), t, station.busy);
  observer_.on_service_start(ref(s), payment_of(a), t, t - attempts_[a].arrived_s, service);
  calendar_->schedule(t + service, kServiceDone, a, attempts_[a].generation, 0,
                      attempts_[a].payment);
}

void Flow::release_worker(std::uint32_t s, double t) {
  Station& station = stations_[s];
  --station.busy;
  assert(station.busy >= 0);
  observer_.on_busy_change(ref(s), t, station.busy);
  if (!station.waiting.empty()) {
    const std::uint32_t next = station.waiting.pop();
    observer_.on_queue_change(ref(s), t, static_cast<std::int32_t>(station.waiting.size()));
    start_service(s, next, t);
  }
}

void Flow::on_service_done(std::uint32_t a, double t) {
  if (attempts_[a].to_epoch != stations_[attempts_[a].to].epoch) {
    lose(a, t);  // the host crashed while serving it
    return;
  }
  const core::Node& node = node_of(attempts_[a].to);
  if (node.role == core::Role::kIssuer) {
    serve_at_issuer(a, t);
  } else if (attempts_[a].message == Message::kAuthorization) {
    serve_authorization(a, t);
  } else {
    forward(a, t);  // reversals and advices pass through to the issuer
  }
}

void Flow::serve_authorization(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const std::uint32_t n = stations_[s].node;
  const core::Node& node = nodes_[n].spec;
  if (node.role != core::Role::kGateway || !node.idempotency.enabled || attempts_[a].key == 0) {
    forward(a, t);
    return;
  }
  IdempotencyStore& store = key_stores_[n];
  if (!store.available()) {
    observer_.on_idempotency(ref(s), payment_of(a), core::KeyResult::kStoreUnavailable, t);
    if (node.idempotency.on_store_failure == core::StoreFailure::kFailOpen) {
      forward(a, t);  // processed without the protection of the key
    } else {
      release_worker(s, t);
      answer(a, ResponseCode::kSystemMalfunction, t);
    }
    return;
  }
  IdempotencyStore::Entry* entry = nullptr;
  switch (store.begin(attempts_[a].key, attempts_[a].id, t, node.idempotency.ttl_s, &entry)) {
    case IdempotencyStore::Lookup::kNew:
      attempts_[a].key_owner = true;
      forward(a, t);
      return;
    case IdempotencyStore::Lookup::kReplay:
      observer_.on_idempotency(ref(s), payment_of(a), core::KeyResult::kReplayed, t);
      release_worker(s, t);
      answer(a, entry->result, t);
      return;
    case IdempotencyStore::Lookup::kInFlight:
      release_worker(s, t);
      if (node.idempotency.concurrent == core::ConcurrentKey::kWait) {
        observer_.on_idempotency(ref(s), payment_of(a), core::KeyResult::kWaited, t);
        entry->waiters.push_back(a);  // answered when the key's owner finishes
      } else {
        observer_.on_idempotency(ref(s), payment_of(a), core::KeyResult::kConflict, t);
        answer(a, ResponseCode::kSystemMalfunction, t);
      }
      return;
  }
}

void Flow::forward(std::uint32_t a, double t) {
  if (fraud_.any() && screened_out(a, t)) return;  // the gateway's policy (flow_fraud.cpp)
  const std::uint32_t s = attempts_[a].to;
  const std::uint32_t n = stations_[s].node;
  const std::uint32_t next = choose_next_node(n, payment_of(a));
  if (next == kNone) {
    // Every next hop is unhealthy as far as this node knows: fail fast, as an open circuit
    // breaker does (flow_health.cpp).
    const bool stand_in_possible = nodes_[n].spec.role == core::Role::kNetwork &&
                                   nodes_[n].spec.stand_in.enabled &&
                                   attempts_[a].message == Message::kAuthorization;
    release_worker(s, t);
    if (stand_in_possible) {
      stand_in(a, t);
    } else {
      answer(a, ResponseCode::kIssuerInoperative, t);
    }
    return;
  }
  if (nodes_[n].spec.retry.budget >= 0 && attempts_[a].message == Message::kAuthorization) {
    // A first request earns a fraction of a retry.
    double& tokens = nodes_[n].retry_tokens;
    tokens = std::min(core::kRetryBudgetTokens, tokens + nodes_[n].spec.retry.budget);
  }
  const std::uint32_t child = new_attempt(attempts_[a].payment, a, s, next, attempts_[a].message);
  Attempt& c = attempts_[child];
  const Attempt& parent = attempts_[a];
  c.depth = static_cast<std::uint8_t>(parent.depth + 1);
  c.target_id = parent.target_id;
  c.target_depth = parent.target_depth;
  c.visit = visit::child(parent.visit, 0);
  attempts_[a].child_sends = 1;
  depart(child, t);
  if (nodes_[n].spec.io == core::IoMode::kBlocking) {
    // Thread-per-request servers hold the worker until the next hop's final answer.
    attempts_[a].worker_held = true;
  } else {
    release_worker(s, t);
  }
}

void Flow::answer(std::uint32_t a, ResponseCode code, double t) {
  const std::uint32_t s = attempts_[a].to;
  if (attempts_[a].worker_held) {
    attempts_[a].worker_held = false;
    release_worker(s, t);
  }
  if (attempts_[a].key_owner) {
    attempts_[a].key_owner = false;
    const auto waiters =
        key_stores_[stations_[s].node].finish(attempts_[a].key, attempts_[a].id, code);
    for (const std::uint32_t w : waiters) answer(w, code, t);
  }
  respond(a, code, t);
}

void Flow::respond(std::uint32_t a, ResponseCode code, double t) {
  const Attempt& attempt = attempts_[a];
  double delay = 0.0;
  if (!transmit(attempt.to, attempt.from, a, true, &delay)) {
    lose(a, t);
    return;
  }
  attempts_[a].cut_mark = cuts(attempt.to, attempt.from);
  calendar_->schedule_in_lane(lane_of(attempt.to, attempt.from), t + delay, kResponseArrives, a,
                              attempt.generation, static_cast<std::uint8_t>(code),
                              attempt.payment);
}

void Flow::on_response_arrives(std::uint32_t a, ResponseCode code, double t) {
  if (attempts_[a].from == kPayer) {
    payer_answered(a, code, t);
    return;
  }
  if (!requester_alive(attempts_[a]) || !still_reachable(attempts_[a].to, attempts_[a].from) ||
      cuts(attempts_[a].to, attempts_[a].from) != attempts_[a].cut_mark) {
    lose(a, t);  // the requester crashed, or the route back went down on the way
    return;
  }
  if (attempts_[a].state == AttemptState::kTimedOut) {
    // The requester has moved on (answered 91, retried or reversed); nothing changes.
    observer_.on_late_answer(ref(attempts_[a].from), payment_of(a), t);
    free_attempt(a, t);
    return;
  }
  attempts_[a].state = AttemptState::kAnswered;
  --stations_[attempts_[a].to].outstanding;
  observe_answer(stations_[attempts_[a].from].node, attempts_[a].to, retriable(code), t);
  child_resolved(a, false, code, t);
  free_attempt(a, t);
}

void Flow::on_hop_timeouts(std::uint32_t node, double t) {
  DeadlineQueue& queue = hop_deadlines_[node];
  RingQueue<Deadline>& pending = queue.pending;
  while (!pending.empty() && pending.front().at_s <= t) {
    const Deadline due = pending.pop();
    if (settled(due)) continue;
    Attempt& a = attempts_[due.attempt];
    if (!requester_alive(a)) {
      // The requester crashed and forgot it; an answer still on its way is dropped when
      // it arrives, a lost one is cleaned up now.
      if (a.lost) lose(due.attempt, t);
      continue;
    }
    a.state = AttemptState::kTimedOut;
    --stations_[a.to].outstanding;
    observer_.on_timeout(ref(a.from), payment_of(due.attempt), t);
    observe_answer(node, a.to, true, t);
    const bool lost = a.lost;
    // The attempt lives on until its late answer arrives (if one ever will).
    child_resolved(due.attempt, true, ResponseCode::kIssuerInoperative, t);
    if (lost) free_attempt(due.attempt, t);
  }
  rearm(queue, kHopTimeouts, node);
}

void Flow::child_resolved(std::uint32_t c, bool timed_out, ResponseCode code, double t) {
  // Copies: the calls below may allocate attempts and move the pool.
  const Attempt child = attempts_[c];
  if (child.parent == kNone) {
    originator_resolved(c, !timed_out && code == ResponseCode::kApproved, t);
    return;
  }
  if (child.message != Message::kAuthorization) {
    answer(child.parent, code, t);  // a reversal or advice passing through
    return;
  }
  const std::uint32_t s = child.from;
  const std::uint32_t n = stations_[s].node;
  const core::Node& node = nodes_[n].spec;
  if (timed_out && node.reversal.on_timeout) {
    // The issuer may have approved the request we gave up on: ask it to release the hold.
    payments_[child.payment].ledger.attempted_reversals.emplace_back(child.id, child.depth);
    // Along the same path: to the station that got the request.
    originate(s, child.to_node, child.to, Message::kReversal, child.payment, child.id, child.depth,
              child.visit, t);
  }
  const std::uint32_t parent = child.parent;
  const bool budget_allows = node.retry.budget < 0 || nodes_[n].retry_tokens >= 1.0;
  if ((timed_out || retriable(code)) && attempts_[parent].child_sends < node.retry.attempts &&
      budget_allows) {
    if (node.retry.budget >= 0) nodes_[n].retry_tokens -= 1.0;
    const int retry = attempts_[parent].child_sends++;
    const std::uint64_t retry_visit = visit::child(attempts_[parent].visit, retry);
    const double delay =
        draws_.hop_retry_delay_s(n, payments_[child.payment].payment, retry_visit, retry);
    const std::uint32_t next = choose_next_node(n, payments_[child.payment].payment);
    if (next != kNone) {
      const std::uint32_t again =
          new_attempt(child.payment, parent, s, next, Message::kAuthorization);
      attempts_[again].depth = child.depth;
      attempts_[again].visit = retry_visit;
      depart_after(again, delay, t);
      return;
    }
  }
  if (timed_out && node.role == core::Role::kNetwork && node.stand_in.enabled) {
    stand_in(parent, t);
    return;
  }
  answer(parent, timed_out ? ResponseCode::kIssuerInoperative : code, t);
}

// ---- Sending -----------------------------------------------------------------------------

std::uint32_t Flow::new_attempt(std::uint32_t payment, std::uint32_t parent, std::uint32_t from,
                                std::uint32_t to_node, Message m) {
  std::uint32_t a;
  if (!free_attempts_.empty()) {
    a = free_attempts_.back();
    free_attempts_.pop_back();
  } else {
    attempts_.emplace_back();
    a = static_cast<std::uint32_t>(attempts_.size() - 1);
  }
  Attempt& attempt = attempts_[a];
  const std::uint32_t generation = attempt.generation;
  attempt = Attempt{};
  attempt.generation = generation;
  attempt.id = next_attempt_id_++;
  attempt.payment = payment;
  attempt.parent = parent;
  attempt.from = from;
  attempt.from_epoch = from == kPayer ? 0 : stations_[from].epoch;
  attempt.to_node = to_node;
  attempt.message = m;
  if (parent != kNone) ++attempts_[parent].live_children;
  ++payments_[payment].refs;
  return a;
}

void Flow::depart_after(std::uint32_t a, double delay_s, double t) {
  calendar_->schedule(t + delay_s, kDepart, a, attempts_[a].generation);
}

void Flow::depart(std::uint32_t a, double t) {
  Attempt& attempt = attempts_[a];
  if (!requester_alive(attempt)) {
    // The hop crashed during its backoff: the request is never sent.
    const std::uint32_t parent = attempt.parent;
    const std::uint32_t parent_generation = parent != kNone ? attempts_[parent].generation : 0;
    free_attempt(a, t);
    if (parent != kNone && attempts_[parent].generation == parent_generation) lose(parent, t);
    return;
  }
  if (attempt.to == kNone) {
    const core::Routing policy =
        attempt.from == kPayer ? core::Routing::kRoundRobin : node_of(attempt.from).routing;
    attempt.to = router_.replica(attempt.from == kPayer ? kPayer : stations_[attempt.from].node,
                                 attempt.to_node, policy, stations_);
  }
  attempt.state = AttemptState::kInFlight;
  ++stations_[attempt.to].outstanding;
  double delay = 0.0;
  const bool delivered = transmit(attempt.from, attempt.to, a, false, &delay);
  attempt.cut_mark = cuts(attempt.from, attempt.to);
  if (delivered)
    calendar_->schedule_in_lane(lane_of(attempt.from, attempt.to), t + delay, kRequestArrives, a,
                                attempt.generation, 0, attempt.payment);

  const core::Payment& p = payments_[attempt.payment].payment;
  core::SendReason why = core::SendReason::kFirst;
  if (attempt.from == kPayer) {
    why = reason_of(attempt.try_kind);
  } else if (attempt.parent == kNone) {
    why = attempt.sends > 1 ? core::SendReason::kResend : core::SendReason::kOriginate;
  } else if (attempts_[attempt.parent].child_sends > 1) {
    why = core::SendReason::kHopRetry;
  }
  observer_.on_sent(
      attempt.from == kPayer ? core::StationRef{core::kPayerNode, 0} : ref(attempt.from),
      attempt.message, why, p, t);

  // Every request of a requester has the same timeout, so deadlines arrive in order and
  // one calendar event per requester (at the earliest deadline) replaces one per attempt.
  if (attempt.from == kPayer) {
    Population& pop = populations_[p.population];
    push_deadline(pop.client_deadlines,
                  Deadline{t + pop.spec.client.timeout_s, a, attempt.generation}, kClientTimeouts,
                  p.population);
  } else {
    const std::uint32_t n = stations_[attempt.from].node;
    push_deadline(hop_deadlines_[n], Deadline{t + nodes_[n].spec.timeout_s, a, attempt.generation},
                  kHopTimeouts, n);
  }
  if (!delivered) attempts_[a].lost = true;  // the requester's timeout will tell
}

bool Flow::transmit(std::uint32_t from_station, std::uint32_t to_station, std::uint32_t attempt,
                    bool response, double* delay_s) {
  *delay_s = 0.0;
  if (from_station == kPayer || to_station == kPayer) return true;  // the payer sits at the entry
  const std::uint32_t a = stations_[from_station].node;
  const std::uint32_t b = stations_[to_station].node;
  if (!route_open(a, b)) return false;
  *delay_s = pair_latency_s_[a * nodes_.size() + b];
  const std::size_t sites = node_site_[a] * site_count_ + node_site_[b];
  double loss = link_loss_[sites];
  double jitter = link_jitter_[sites];
  if (node_link_faults_) {
    loss = 1.0 - (1.0 - loss) * (1.0 - node_loss_[a]) * (1.0 - node_loss_[b]);
    jitter += node_jitter_s_[a] + node_jitter_s_[b];
    *delay_s += node_add_s_[a] + node_add_s_[b];
  }
  // Keyed to the message (payment, request, direction): a loss fault draws for the
  // messages on the faulty links only, and never shifts another payment's numbers.
  return draws_.link(payment_of(attempt), attempts_[attempt].visit, response, loss, jitter,
                     delay_s);
}

std::uint32_t Flow::cuts(std::uint32_t from_station, std::uint32_t to_station) const {
  if (from_station == kPayer || to_station == kPayer) return 0;
  return route_cuts_[stations_[from_station].node * nodes_.size() + stations_[to_station].node];
}

bool Flow::still_reachable(std::uint32_t from_station, std::uint32_t to_station) const {
  if (from_station == kPayer || to_station == kPayer) return true;
  return route_open(stations_[from_station].node, stations_[to_station].node);
}

std::uint32_t Flow::root_of(std::uint32_t a) const {
  while (attempts_[a].parent != kNone) a = attempts_[a].parent;
  return a;
}

Path Flow::path_of(std::uint32_t a) const {
  Path path;
  path.length = static_cast<std::uint8_t>(attempts_[a].depth + 1);
  assert(path.length <= kMaxDepth);
  for (std::uint32_t x = a; x != kNone; x = attempts_[x].parent)
    path.ids[attempts_[x].depth] = attempts_[x].id;
  return path;
}

// ---- Pools -------------------------------------------------------------------------------

void Flow::free_attempt(std::uint32_t a, double t) {
  if (attempts_[a].finished) return;  // freed once, whatever path reaches it again
  attempts_[a].finished = true;
  if (attempts_[a].live_children == 0) recycle_attempt(a, t);
}

void Flow::recycle_attempt(std::uint32_t a, double t) {
  for (;;) {
    const std::uint32_t payment = attempts_[a].payment;
    const std::uint32_t parent = attempts_[a].parent;
    ++attempts_[a].generation;
    free_attempts_.push_back(a);
    release_payment(payment, t);
    if (parent == kNone) return;
    Attempt& p = attempts_[parent];
    assert(p.live_children > 0);
    if (--p.live_children > 0 || !p.finished) return;
    a = parent;  // the parent was only waiting for this child
  }
}

std::uint32_t Flow::new_payment() {
  ++live_payments_;
  if (live_payments_ > peak_live_payments_) peak_live_payments_ = live_payments_;
  std::uint32_t slot;
  if (free_payment_ != kNone) {
    slot = free_payment_;
    free_payment_ = payments_[slot].next_free;
  } else {
    payments_.emplace_back();
    slot = static_cast<std::uint32_t>(payments_.size() - 1);
  }
  PaymentSlot& ps = payments_[slot];
  const std::uint32_t generation = ps.generation;
  ps = PaymentSlot{};
  ps.generation = generation;
  return slot;
}

void Flow::release_payment(std::uint32_t slot, double t) {
  PaymentSlot& ps = payments_[slot];
  assert(ps.refs > 0);
  if (--ps.refs > 0 || !ps.final_reported) return;
  // Every attempt, retry, reversal and advice of the payment has drained: reconcile.
  const Reconciliation r = reconcile(ps.ledger);
  core::ReconciledPayment out;
  out.outcome = ps.outcome;
  out.standing_charges = r.standing;
  out.duplicate = r.duplicate;
  out.cause = r.cause;
  out.extra_charge_s = r.extra_charge_s;
  out.in_doubt = ps.in_doubt;
  out.gave_up_s = ps.gave_up_s;
  observer_.on_reconciled(ps.payment, out, t);
  // No request can carry this payment's keys any more.
  const Population& pop = populations_[ps.payment.population];
  IdempotencyStore& store = key_stores_[pop.entry_node];
  if (store.size() > 0) {
    const bool per_press = pop.spec.client.idempotency_key == core::KeyPolicy::kNew ||
                           ps.authenticated_press >= 0;  // reuse: the authenticated key too
    for (int k = 0; k < (per_press ? kMaxKeyedPresses : 1); ++k)
      store.forget(key_for(ps.payment.id, k));
  }
  ps.ledger = PaymentLedger{};
  ++ps.generation;
  ps.next_free = free_payment_;
  free_payment_ = slot;
  --live_payments_;
}

}  // namespace payquake::payments
