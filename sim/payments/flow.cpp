#include "payments/flow.hpp"

#include <cassert>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "payments/backoff.hpp"

namespace payquake::payments {
namespace {

using core::Message;
using core::ResponseCode;

// A card's issuer and BIN are properties of the card, not of a payment: derive them
// from a hash of (population, card) so the same card always has the same issuer.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t card_hash(std::uint32_t population, std::uint64_t card) {
  return mix(card * 0x9e3779b97f4a7c15ULL + population + 1);
}

// One account per card: cards of different populations are different cards.
std::uint64_t card_key(const core::Payment& p) {
  return (static_cast<std::uint64_t>(p.population) << 40) | p.card;
}

// Keys are per press: (payment id, press number), never 0 (0 means "no key").
std::uint64_t key_for(std::uint64_t payment_id, int press) {
  return (payment_id << 5) | static_cast<std::uint64_t>(press + 1);
}
constexpr int kMaxKeyedPresses = 31;

// A stored advice is resent at most this often (at the reversal backoff): an issuer that
// refuses every one of them for that long is reported as having lost it.
constexpr int kMaxAdviceSends = 250;

// A network delivers stored advices over a bounded window per replica, so that a
// recovering issuer takes the backlog at its own pace instead of being flooded (and
// refusing, and being flooded again).
constexpr std::uint32_t kAdviceWindow = 32;

bool retriable(ResponseCode c) {
  return c == ResponseCode::kIssuerInoperative || c == ResponseCode::kSystemMalfunction;
}

std::uint32_t index_of(const std::vector<core::Node>& nodes, const std::string& id) {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].id == id) return static_cast<std::uint32_t>(i);
  throw std::invalid_argument("unknown node '" + id + "'");  // validation prevents this
}

core::SendReason reason_of(TryKind kind) {
  switch (kind) {
    case TryKind::kFirst: return core::SendReason::kFirst;
    case TryKind::kClientRetry: return core::SendReason::kClientRetry;
    case TryKind::kDoubleSubmit: return core::SendReason::kDoubleSubmit;
  }
  return core::SendReason::kFirst;
}

}  // namespace

Flow::Flow(const core::Scenario& scenario, const engine::NetworkView& network,
           core::FlowObserver& observer)
    : observer_(observer),
      seed_(scenario.seed),
      view_(network),
      link_rng_(scenario.seed, "faults/links"),
      error_rng_(scenario.seed, "faults/errors") {
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
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const core::Node& node = nodes[n];
    NodeSpec spec{node,
                  {},
                  static_cast<std::uint32_t>(stations_.size()),
                  0,
                  0,
                  core::RandomStream(scenario.seed, "nodes/" + node.id + "/service"),
                  core::RandomStream(scenario.seed, "nodes/" + node.id + "/retry")};
    for (const auto& next : node.next) spec.next.push_back(index_of(nodes, next));
    // A network without `next` reaches every issuer (it routes by BIN).
    if (node.role == core::Role::kNetwork && spec.next.empty())
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].role == core::Role::kIssuer) spec.next.push_back(static_cast<std::uint32_t>(i));
    nodes_.push_back(std::move(spec));
    for (int r = 0; r < node.replicas; ++r)
      stations_.push_back(Station{static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(r),
                                  0, 0, {}, 0, true, 1.0, {}, 0, 0.0,
                                  ResponseCode::kSystemMalfunction});
  }
  hop_deadlines_.resize(nodes_.size());
  key_stores_.resize(nodes_.size());

  refresh_platform_cache();
  issuer_bins_.resize(nodes_.size());
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    for (std::size_t b = 0; b < nodes[n].bins.size(); ++b) {
      issuer_bins_[n].push_back(static_cast<std::uint32_t>(bin_owner_.size()));
      bin_owner_.push_back(static_cast<std::uint32_t>(n));
    }
  }

  for (const auto& payers : scenario.payers) {
    std::vector<std::pair<std::uint32_t, double>> cumulative;
    double sum = 0;
    for (const auto& [issuer, share] : payers.issuers)
      cumulative.emplace_back(index_of(nodes, issuer), sum += share);
    const std::string stream = "payers/" + payers.id;
    populations_.push_back(Population{
        payers, index_of(nodes, payers.entry),
        load::ArrivalProcess(load::RateProfile(scenario.load, scenario.duration_s, payers.share),
                             scenario.load.arrival,
                             core::RandomStream(scenario.seed, stream + "/arrivals")),
        core::ZipfSampler(payers.cards, payers.activity.s),
        core::RandomStream(scenario.seed, stream + "/cards"),
        core::RandomStream(scenario.seed, stream + "/amounts"),
        core::RandomStream(scenario.seed, stream + "/client"),
        core::RandomStream(scenario.seed, stream + "/double_submit"), std::move(cumulative), {}});
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
}

void Flow::handle(const engine::Event& e) {
  observer_.on_clock(e.time_s);
  switch (e.kind) {
    case kArrival: on_arrival(e.index, e.time_s); return;
    case kHopTimeouts: on_hop_timeouts(e.index, e.time_s); return;
    case kClientTimeouts: on_client_timeouts(e.index, e.time_s); return;
    case kClientPress:
      assert(payments_[e.index].generation == e.generation);
      on_press(e.index, e.arg != 0, e.time_s);
      return;
    default: break;
  }
  // Attempt events carry the generation they were scheduled for; the flow frees an
  // attempt only once nothing on the calendar refers to it.
  assert(attempts_[e.index].generation == e.generation);
  switch (e.kind) {
    case kRequestArrives: on_request_arrives(e.index, e.time_s); return;
    case kServiceDone: on_service_done(e.index, e.time_s); return;
    case kResponseArrives:
      on_response_arrives(e.index, static_cast<ResponseCode>(e.arg), e.time_s);
      return;
    case kDepart: depart(e.index, e.time_s); return;
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
    default: assert(false && "unknown event kind");
  }
}

// ---- The payer -------------------------------------------------------------------------

void Flow::on_arrival(std::uint32_t population, double t) {
  Population& pop = populations_[population];
  const std::uint32_t slot = new_payment();
  core::Payment& p = payments_[slot].payment;
  p.id = next_payment_id_++;
  p.population = population;
  p.card = static_cast<std::uint64_t>(pop.cards(pop.card_rng));
  const std::uint64_t h = card_hash(population, p.card);
  // The top 53 bits pick the issuer by share; the low bits pick one of its BINs.
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  p.issuer = pop.issuer_cumulative.back().first;
  for (const auto& [issuer, cumulative] : pop.issuer_cumulative) {
    if (u < cumulative) {
      p.issuer = issuer;
      break;
    }
  }
  const auto& bins = issuer_bins_[p.issuer];
  p.bin = bins[(h & 0xffff) % bins.size()];
  p.amount = core::money_from_major(core::sample(pop.spec.amount, pop.amount_rng));
  p.intended_arrival_s = t;
  observer_.on_arrival(p, t);

  press(slot, TryKind::kFirst, t);
  const core::Client& client = pop.spec.client;
  // Drawn for every payment, so one payment's outcome never shifts another's draws.
  const double u_double = pop.double_rng.uniform01();
  const double double_delay = core::sample(client.double_submit_delay, pop.double_rng);
  if (u_double < client.double_submit) {
    ++payments_[slot].refs;
    calendar_->schedule(t + double_delay, kClientPress, slot, payments_[slot].generation, 1);
  }

  const double next = pop.arrivals.next();
  if (next != load::ArrivalProcess::kNever) {
    calendar_->schedule(next, kArrival, population);
  } else {
    --pending_arrivals_;
  }
}

void Flow::on_press(std::uint32_t slot, bool double_submit, double t) {
  // A customer who already has an answer does not press again.
  if (!payments_[slot].final_reported)
    press(slot, double_submit ? TryKind::kDoubleSubmit : TryKind::kClientRetry, t);
  release_payment(slot, t);  // the press is no longer pending
}

void Flow::press(std::uint32_t slot, TryKind kind, double t) {
  PaymentSlot& ps = payments_[slot];
  const Population& pop = populations_[ps.payment.population];
  const int press_number = ps.presses + (kind == TryKind::kDoubleSubmit ? 16 : 0);
  std::uint64_t key = 0;
  switch (pop.spec.client.idempotency_key) {
    case core::KeyPolicy::kReuse: key = key_for(ps.payment.id, 0); break;
    case core::KeyPolicy::kNew:
      key = key_for(ps.payment.id, std::min(press_number, kMaxKeyedPresses - 1));
      break;
    case core::KeyPolicy::kNone: break;
  }
  if (kind != TryKind::kDoubleSubmit) ++ps.presses;
  const std::uint32_t a = new_attempt(slot, kNone, kPayer, pop.entry_node, Message::kAuthorization);
  attempts_[a].try_kind = kind;
  attempts_[a].key = key;
  depart(a, t);
}

void Flow::payer_answered(std::uint32_t a, ResponseCode code, double t) {
  const std::uint32_t slot = attempts_[a].payment;
  if (attempts_[a].state == AttemptState::kTimedOut) {
    observer_.on_payer_late_answer(payments_[slot].payment, t);
    free_attempt(a, t);
    return;
  }
  attempts_[a].state = AttemptState::kAnswered;
  --stations_[attempts_[a].to].outstanding;
  PaymentSlot& ps = payments_[slot];
  const Population& pop = populations_[ps.payment.population];
  if (!ps.final_reported) {
    const core::Outcome outcome = core::outcome_of(code);
    if (outcome != core::Outcome::kFailed) {
      finalize(slot, outcome, code, t);
    } else if (attempts_[a].try_kind != TryKind::kDoubleSubmit) {
      // An error: the customer presses pay again while they have retries left.
      if (ps.presses - 1 < pop.spec.client.retries) {
        ++ps.refs;
        const double delay = core::sample(pop.spec.client.retry_delay,
                                          populations_[ps.payment.population].client_rng);
        calendar_->schedule(t + delay, kClientPress, slot, ps.generation, 0);
      } else {
        finalize(slot, outcome, code, t);
      }
    }
  }
  free_attempt(a, t);
}

void Flow::payer_gave_up(std::uint32_t a, double t) {
  attempts_[a].state = AttemptState::kTimedOut;
  --stations_[attempts_[a].to].outstanding;
  const std::uint32_t slot = attempts_[a].payment;
  PaymentSlot& ps = payments_[slot];
  if (ps.final_reported || attempts_[a].try_kind == TryKind::kDoubleSubmit) return;
  Population& pop = populations_[ps.payment.population];
  if (ps.presses - 1 < pop.spec.client.retries) {
    ++ps.refs;
    const double delay = core::sample(pop.spec.client.retry_delay, pop.client_rng);
    calendar_->schedule(t + delay, kClientPress, slot, ps.generation, 0);
    return;
  }
  // The customer walks away without an answer: the payment is in doubt until the ledger
  // reconciles it.
  ps.in_doubt = true;
  ps.gave_up_s = t;
  finalize(slot, core::Outcome::kAbandoned, ResponseCode::kIssuerInoperative, t);
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

void Flow::on_client_timeouts(std::uint32_t population, double t) {
  DeadlineQueue& queue = populations_[population].client_deadlines;
  RingQueue<Deadline>& pending = queue.pending;
  while (!pending.empty() && pending.front().at_s <= t) {
    const Deadline due = pending.pop();
    if (settled(due)) continue;
    const bool lost = attempts_[due.attempt].lost;
    payer_gave_up(due.attempt, t);
    if (lost) free_attempt(due.attempt, t);  // no late answer will ever come
  }
  rearm(queue, kClientTimeouts, population);
}

void Flow::finalize(std::uint32_t slot, core::Outcome outcome, ResponseCode code, double t) {
  PaymentSlot& ps = payments_[slot];
  ps.final_reported = true;
  ps.outcome = outcome;
  observer_.on_final(ps.payment, outcome, code, t);
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
  if (station.error_rate > 0 && error_rng_.uniform01() < station.error_rate) {
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
  NodeSpec& node = nodes_[station.node];
  ++station.busy;
  observer_.on_busy_change(ref(s), t, station.busy);
  const double service = core::sample(node.spec.service_time, node.service_rng) * station.slowdown;
  observer_.on_service_start(ref(s), payment_of(a), t, t - attempts_[a].arrived_s, service);
  calendar_->schedule(t + service, kServiceDone, a, attempts_[a].generation);
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

void Flow::serve_at_issuer(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const core::Node& issuer = node_of(s);
  PaymentSlot& ps = payments_[attempts_[a].payment];
  const core::Payment& p = ps.payment;
  PaymentLedger& ledger = ps.ledger;
  const bool funds = issuer.accounts.enabled;
  Accounts::Account* account = nullptr;
  if (funds) {
    core::RandomStream rng(seed_ ^ mix(card_key(p)), "accounts/" + issuer.id);
    account = &accounts_.get(card_key(p), core::money_from_major(core::sample(issuer.accounts.balance, rng)));
  }
  const auto hold = [&](Charge& c) {
    if (!funds) return;
    account->available -= p.amount.minor;
    account->held += p.amount.minor;
    c.applied = true;
  };
  const auto release = [&](Charge& c) {
    if (!c.applied) return;
    account->available += p.amount.minor;
    account->held -= p.amount.minor;
    c.applied = false;
  };

  ResponseCode code = ResponseCode::kApproved;
  const Attempt& req = attempts_[a];
  switch (req.message) {
    case Message::kAuthorization: {
      const Path path = path_of(a);
      Charge* stood_in = nullptr;
      for (Charge& c : ledger.charges)
        if (c.stand_in && !c.reversed && c.path.same_transaction(path)) stood_in = &c;
      if (stood_in != nullptr) {
        // The network already approved this very request on the issuer's behalf: the
        // issuer books that charge (if the advice has not) rather than a second one.
        if (!stood_in->booked) hold(*stood_in);
        stood_in->booked = true;
        break;
      }
      if (funds && account->available < p.amount.minor) {
        code = ResponseCode::kInsufficientFunds;
        break;
      }
      Charge charge;
      charge.path = path;
      charge.try_kind = root_try_kind(a);
      charge.approved_s = t;
      hold(charge);
      for (const auto& [id, depth] : ledger.reversed_targets) {
        if (charge.path.matches(id, depth)) {  // its reversal overtook it
          release(charge);
          charge.reversed = true;
        }
      }
      ledger.charges.push_back(charge);
      break;
    }
    case Message::kReversal:
      ledger.reversed_targets.emplace_back(req.target_id, req.target_depth);
      for (Charge& c : ledger.charges) {
        if (c.reversed || !c.path.matches(req.target_id, req.target_depth)) continue;
        release(c);
        c.reversed = true;
      }
      break;
    case Message::kAdvice:
      for (Charge& c : ledger.charges) {
        if (!c.stand_in || c.path.length != req.target_depth + 1 ||
            c.path.ids[req.target_depth] != req.target_id)
          continue;
        // Applied without a funds check: the network has already promised the merchant.
        // Unless the issuer approved the request itself: then it is already booked.
        if (!c.reversed && !c.booked && !c.merged) hold(c);
        c.booked = true;
      }
      break;
  }
  release_worker(s, t);
  answer(a, code, t);
}

void Flow::forward(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const std::uint32_t n = stations_[s].node;
  const std::uint32_t next = choose_next_node(n, payment_of(a));
  if (next == kNone) {
    // Every next hop is down or cut off. Health checks know it at once: answer now.
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
  if (!transmit(attempt.to, attempt.from, &delay)) {
    lose(a, t);
    return;
  }
  attempts_[a].cut_mark = cuts(attempt.to, attempt.from);
  calendar_->schedule(t + delay, kResponseArrives, a, attempt.generation,
                      static_cast<std::uint8_t>(code));
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
    originate(s, child.to_node, child.to, Message::kReversal, child.payment, child.id,
              child.depth, t);
  }
  const std::uint32_t parent = child.parent;
  const bool budget_allows = node.retry.budget < 0 || nodes_[n].retry_tokens >= 1.0;
  if ((timed_out || retriable(code)) && attempts_[parent].child_sends < node.retry.attempts &&
      budget_allows) {
    if (node.retry.budget >= 0) nodes_[n].retry_tokens -= 1.0;
    const int retry = attempts_[parent].child_sends++;
    const double delay = backoff_delay_s(node.retry, retry, nodes_[n].retry_rng);
    const std::uint32_t next = choose_next_node(n, payments_[child.payment].payment);
    if (next != kNone) {
      const std::uint32_t again =
          new_attempt(child.payment, parent, s, next, Message::kAuthorization);
      attempts_[again].depth = child.depth;
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

void Flow::stand_in(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const core::Node& network = node_of(s);
  PaymentSlot& ps = payments_[attempts_[a].payment];
  if (ps.payment.amount > network.stand_in.max_amount) {
    observer_.on_stand_in(ref(s), ps.payment, false, t);
    answer(a, ResponseCode::kDoNotHonour, t);
    return;
  }
  Charge charge;
  charge.path = path_of(a);
  charge.try_kind = root_try_kind(a);
  charge.stand_in = true;
  charge.approved_s = t;
  // The issuer may already have approved this very request (its answer is what timed
  // out): the same transaction, charged once.
  for (const Charge& c : ps.ledger.charges)
    if (!c.stand_in && !c.reversed && c.path.same_transaction(charge.path)) charge.merged = true;
  ps.ledger.charges.push_back(charge);
  observer_.on_stand_in(ref(s), ps.payment, true, t);
  const std::uint64_t id = attempts_[a].id;
  const std::uint8_t depth = attempts_[a].depth;
  const std::uint32_t payment = attempts_[a].payment;
  answer(a, ResponseCode::kApproved, t);
  // Tell the issuer (0120) so that it books the charge.
  originate(s, payments_[payment].payment.issuer, kNone, Message::kAdvice, payment, id, depth, t);
}

void Flow::originate(std::uint32_t from_station, std::uint32_t to_node, std::uint32_t to_station,
                     Message m, std::uint32_t payment, std::uint64_t target_id,
                     std::uint8_t target_depth, double t) {
  const std::uint32_t r = new_attempt(payment, kNone, from_station, to_node, m);
  attempts_[r].to = to_station;
  attempts_[r].target_id = target_id;
  attempts_[r].target_depth = target_depth;
  attempts_[r].depth = target_depth;
  if (m == Message::kAdvice) {
    // Advices wait in the network's store-and-forward queue and go out a few at a time.
    stations_[from_station].advice_backlog.push(r);
    pump_advices(from_station, t);
    return;
  }
  depart(r, t);
}

void Flow::pump_advices(std::uint32_t s, double t) {
  Station& station = stations_[s];
  while (station.advices_in_flight < kAdviceWindow && !station.advice_backlog.empty()) {
    const std::uint32_t r = station.advice_backlog.front();
    // Held while the issuer is unreachable; platform_changed() pumps again when it is back.
    if (!node_reachable(station.node, attempts_[r].to_node)) return;
    station.advice_backlog.pop();
    ++station.advices_in_flight;
    depart(r, t);
  }
}

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

void Flow::originator_resolved(std::uint32_t r, bool delivered, double t) {
  const Attempt sent = attempts_[r];
  const core::Node& node = node_of(sent.from);
  if (sent.message == Message::kAdvice) {
    --stations_[sent.from].advices_in_flight;
    // An acknowledgement that came back too late still tells the network the issuer has
    // the advice: the ledger shows the charge booked.
    bool booked = delivered;
    for (const Charge& c : payments_[sent.payment].ledger.charges)
      if (c.stand_in && c.path.matches(sent.target_id, sent.target_depth) && (c.booked || c.reversed))
        booked = true;
    if (!booked && sent.sends < kMaxAdviceSends) {
      // Back into the store-and-forward queue, to go out again when the window allows.
      const std::uint32_t again = resend_of(sent, sent.to_node);
      calendar_->schedule(t + node.reversal.backoff_s, kAdviceRequeue, again,
                          attempts_[again].generation);
    } else if (!booked) {
      observer_.on_lost(ref(sent.from), sent.message, payments_[sent.payment].payment, t);
    }
    pump_advices(sent.from, t);
    return;
  }
  if (delivered) return;
  if (sent.sends < node.reversal.attempts) {
    // Resent along the path routing picks now: the original next hop may be the one
    // that is down (a reversal only has to reach the issuer).
    const std::uint32_t from_node = stations_[sent.from].node;
    std::uint32_t to_node = sent.to_node;
    if (!node_reachable(from_node, to_node)) {
      const std::uint32_t alternative = choose_next_node(from_node, payments_[sent.payment].payment);
      if (alternative != kNone) to_node = alternative;
    }
    depart_after(resend_of(sent, to_node), node.reversal.backoff_s, t);
    return;
  }
  observer_.on_lost(ref(sent.from), sent.message, payments_[sent.payment].payment, t);
}

std::uint32_t Flow::resend_of(const Attempt& sent, std::uint32_t to_node) {
  const std::uint32_t again = new_attempt(sent.payment, kNone, sent.from, to_node, sent.message);
  Attempt& a = attempts_[again];
  a.target_id = sent.target_id;
  a.target_depth = sent.target_depth;
  a.depth = sent.depth;
  a.sends = static_cast<std::uint8_t>(sent.sends + 1);
  return again;
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
    attempt.to = choose_replica(attempt.to_node, policy);
  }
  attempt.state = AttemptState::kInFlight;
  ++stations_[attempt.to].outstanding;
  double delay = 0.0;
  const bool delivered = transmit(attempt.from, attempt.to, &delay);
  attempt.cut_mark = cuts(attempt.from, attempt.to);
  if (delivered) calendar_->schedule(t + delay, kRequestArrives, a, attempt.generation);

  const core::Payment& p = payments_[attempt.payment].payment;
  core::SendReason why = core::SendReason::kFirst;
  if (attempt.from == kPayer) {
    why = reason_of(attempt.try_kind);
  } else if (attempt.parent == kNone) {
    why = attempt.sends > 1 ? core::SendReason::kResend : core::SendReason::kOriginate;
  } else if (attempts_[attempt.parent].child_sends > 1) {
    why = core::SendReason::kHopRetry;
  }
  observer_.on_sent(attempt.from == kPayer ? core::StationRef{core::kPayerNode, 0} : ref(attempt.from),
                    attempt.message, why, p, t);

  // Every request of a requester has the same timeout, so deadlines arrive in order and
  // one calendar event per requester (at the earliest deadline) replaces one per attempt.
  if (attempt.from == kPayer) {
    Population& pop = populations_[p.population];
    push_deadline(pop.client_deadlines, Deadline{t + pop.spec.client.timeout_s, a, attempt.generation},
                  kClientTimeouts, p.population);
  } else {
    const std::uint32_t n = stations_[attempt.from].node;
    push_deadline(hop_deadlines_[n], Deadline{t + nodes_[n].spec.timeout_s, a, attempt.generation},
                  kHopTimeouts, n);
  }
  if (!delivered) attempts_[a].lost = true;  // the requester's timeout will tell
}

std::uint32_t Flow::choose_next_node(std::uint32_t node, const core::Payment& p) {
  NodeSpec& spec = nodes_[node];
  // Health checks are perfect and instant: a next hop with no replica up, or one this
  // node cannot reach, is skipped (kNone when none is left).
  switch (spec.spec.routing) {
    case core::Routing::kByBin: {
      const std::uint32_t issuer = bin_owner_[p.bin];
      return node_reachable(node, issuer) ? issuer : kNone;
    }
    case core::Routing::kFailover:
      for (const std::uint32_t candidate : spec.next)
        if (node_reachable(node, candidate)) return candidate;
      return kNone;
    case core::Routing::kRoundRobin:
      for (std::size_t tried = 0; tried < spec.next.size(); ++tried) {
        const std::uint32_t candidate = spec.next[spec.round_robin++ % spec.next.size()];
        if (node_reachable(node, candidate)) return candidate;
      }
      return kNone;
    case core::Routing::kLeastOutstanding: {
      std::uint32_t best = kNone;
      std::uint64_t best_load = UINT64_MAX;
      for (const std::uint32_t candidate : spec.next) {
        if (!node_reachable(node, candidate)) continue;
        const NodeSpec& c = nodes_[candidate];
        std::uint64_t load = 0;
        for (int r = 0; r < c.spec.replicas; ++r)
          load += stations_[c.first_station + static_cast<std::uint32_t>(r)].outstanding;
        if (load < best_load) {
          best_load = load;
          best = candidate;
        }
      }
      return best;
    }
  }
  return kNone;
}

bool Flow::node_reachable(std::uint32_t from_node, std::uint32_t to_node) const {
  if (!route_open(from_node, to_node)) return false;
  for (int r = 0; r < nodes_[to_node].spec.replicas; ++r)
    if (stations_[nodes_[to_node].first_station + static_cast<std::uint32_t>(r)].up) return true;
  return false;
}

std::uint32_t Flow::choose_replica(std::uint32_t node, core::Routing routing) {
  NodeSpec& spec = nodes_[node];
  const auto replicas = static_cast<std::uint32_t>(spec.spec.replicas);
  if (replicas == 1) return spec.first_station;
  if (routing == core::Routing::kLeastOutstanding) {
    std::uint32_t best = kNone;
    for (std::uint32_t r = 0; r < replicas; ++r) {
      const std::uint32_t candidate = spec.first_station + r;
      if (!station_up(candidate)) continue;
      if (best == kNone || stations_[candidate].outstanding < stations_[best].outstanding)
        best = candidate;
    }
    return best == kNone ? spec.first_station : best;
  }
  // Replicas behind one name are load-balanced: round robin over the replicas that are
  // up, unless the sender asks for least outstanding. (With none up the request goes to
  // one anyway and is lost: the payer's entry has no health check in front of it.)
  for (std::uint32_t tried = 0; tried < replicas; ++tried) {
    const std::uint32_t candidate = spec.first_station + (spec.replica_cursor++ % replicas);
    if (station_up(candidate)) return candidate;
  }
  return spec.first_station + (spec.replica_cursor++ % replicas);
}

bool Flow::transmit(std::uint32_t from_station, std::uint32_t to_station, double* delay_s) {
  *delay_s = 0.0;
  if (from_station == kPayer || to_station == kPayer) return true;  // the payer sits at the entry
  const std::uint32_t a = stations_[from_station].node;
  const std::uint32_t b = stations_[to_station].node;
  if (!route_open(a, b)) return false;
  *delay_s = pair_latency_s_[a * nodes_.size() + b];
  const std::size_t sites = node_site_[a] * site_count_ + node_site_[b];
  // Draws happen only while a loss or jitter fault is on, so a fault never shifts the
  // random numbers of a run's other streams.
  if (link_loss_[sites] > 0 && link_rng_.uniform01() < link_loss_[sites]) return false;
  if (link_jitter_[sites] > 0) *delay_s += link_jitter_[sites] * link_rng_.uniform01();
  return true;
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
}

std::uint32_t Flow::cuts(std::uint32_t from_station, std::uint32_t to_station) const {
  if (from_station == kPayer || to_station == kPayer) return 0;
  return route_cuts_[stations_[from_station].node * nodes_.size() + stations_[to_station].node];
}

bool Flow::still_reachable(std::uint32_t from_station, std::uint32_t to_station) const {
  if (from_station == kPayer || to_station == kPayer) return true;
  return route_open(stations_[from_station].node, stations_[to_station].node);
}

void Flow::lose(std::uint32_t a, double t) {
  if (attempts_[a].finished) return;  // already dropped (through another of its children)
  if (attempts_[a].key_owner) {
    // Its gateway will never finish the key: release it with a failure so that requests
    // waiting on it are answered (and a retry is processed afresh).
    attempts_[a].key_owner = false;
    const std::uint32_t s = attempts_[a].to;
    const auto waiters = key_stores_[stations_[s].node].finish(
        attempts_[a].key, attempts_[a].id, ResponseCode::kSystemMalfunction);
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
    case AttemptState::kTimedOut: free_attempt(a, t); return;
    case AttemptState::kPending:
    case AttemptState::kAnswered: return;
  }
}

void Flow::crash(std::uint32_t node, std::uint32_t replica, double t) {
  observer_.on_clock(t);  // observers close their windows before the station changes
  const std::uint32_t s = nodes_[node].first_station + replica;
  Station& station = stations_[s];
  ++station.epoch;  // whatever was in service or waiting on a next hop here is gone
  station.busy = 0;
  observer_.on_busy_change(ref(s), t, 0);
  std::vector<std::uint32_t> dropped;
  while (!station.waiting.empty()) dropped.push_back(station.waiting.pop());
  observer_.on_queue_change(ref(s), t, 0);
  const auto waiters = key_stores_[node].drop_waiters(
      [this, s](std::uint32_t w) { return attempts_[w].to == s; });
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
    Station& station = stations_[nodes_[node].first_station + static_cast<std::uint32_t>(r)];
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

void Flow::set_partition(std::uint32_t node_a, std::uint32_t node_b, bool partitioned) {
  partitioned_[node_a * nodes_.size() + node_b] = partitioned ? 1 : 0;
  partitioned_[node_b * nodes_.size() + node_a] = partitioned ? 1 : 0;
}

void Flow::set_store_available(std::uint32_t node, bool available) {
  key_stores_[node].set_available(available);
}

TryKind Flow::root_try_kind(std::uint32_t a) const {
  while (attempts_[a].parent != kNone) a = attempts_[a].parent;
  return attempts_[a].try_kind;
}

Path Flow::path_of(std::uint32_t a) const {
  Path path;
  path.length = static_cast<std::uint8_t>(attempts_[a].depth + 1);
  assert(path.length <= kMaxDepth);
  for (std::uint32_t x = a; x != kNone; x = attempts_[x].parent) path.ids[attempts_[x].depth] = attempts_[x].id;
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
    const bool per_press = pop.spec.client.idempotency_key == core::KeyPolicy::kNew;
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
