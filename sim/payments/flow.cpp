#include "payments/flow.hpp"

#include <cassert>
#include <cmath>
#include <stdexcept>

namespace payquake::payments {
namespace {

using core::ResponseCode;

// A card's issuer and BIN are properties of the card, not of a payment: derive them
// from a hash of (population, card) so the same card always has the same issuer.
std::uint64_t card_hash(std::uint32_t population, std::uint64_t card) {
  std::uint64_t z = card * 0x9e3779b97f4a7c15ULL + population + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint32_t index_of(const std::vector<core::Node>& nodes, const std::string& id) {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].id == id) return static_cast<std::uint32_t>(i);
  throw std::invalid_argument("unknown node '" + id + "'");  // validation prevents this
}

}  // namespace

Flow::Flow(const core::Scenario& scenario, std::vector<double> hop_latency_s,
           core::FlowObserver& observer)
    : observer_(observer), hop_latency_s_(std::move(hop_latency_s)) {
  const auto& nodes = scenario.nodes;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const core::Node& node = nodes[n];
    NodeSpec spec{node.id,
                  node.role,
                  node.workers,
                  node.queue,
                  node.io,
                  node.service_time,
                  {},
                  node.routing,
                  node.timeout_s,
                  static_cast<std::uint32_t>(stations_.size()),
                  static_cast<std::uint32_t>(node.replicas),
                  0,
                  0,
                  core::RandomStream(scenario.seed, "nodes/" + node.id + "/service")};
    for (const auto& next : node.next) spec.next.push_back(index_of(nodes, next));
    // A network without `next` reaches every issuer (it routes by BIN).
    if (node.role == core::Role::kNetwork && spec.next.empty())
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].role == core::Role::kIssuer) spec.next.push_back(static_cast<std::uint32_t>(i));
    nodes_.push_back(std::move(spec));
    for (int r = 0; r < node.replicas; ++r)
      stations_.push_back(Station{static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(r),
                                  0, 0, {}});
  }
  timeouts_.resize(nodes_.size());

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
        core::RandomStream(scenario.seed, stream + "/amounts"), std::move(cumulative)});
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
    case kArrival: on_arrival(e.index, e.time_s); break;
    case kTimeouts: on_timeouts(e.index, e.time_s); break;
    default:
      // Attempt events carry the generation they were scheduled for; a mismatch would be
      // an event for a freed attempt, which the flow never leaves behind.
      assert(attempts_[e.index].generation == e.generation);
      if (e.kind == kRequestArrives) on_request_arrives(e.index, e.time_s);
      else if (e.kind == kServiceDone) on_service_done(e.index, e.time_s);
      else on_response_arrives(e.index, static_cast<ResponseCode>(e.arg), e.time_s);
  }
}

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

  send(slot, kNone, kPayer, pop.entry_node, t);

  const double next = pop.arrivals.next();
  if (next != load::ArrivalProcess::kNever) {
    calendar_->schedule(next, kArrival, population);
  } else {
    --pending_arrivals_;
  }
}

std::uint32_t Flow::send(std::uint32_t payment, std::uint32_t parent,
                         std::uint32_t from_station, std::uint32_t to_node, double t) {
  const core::Routing replica_policy =
      from_station == kPayer ? core::Routing::kRoundRobin : nodes_[stations_[from_station].node].routing;
  const std::uint32_t to_station = choose_replica(to_node, replica_policy);
  const std::uint32_t a = new_attempt();
  Attempt& attempt = attempts_[a];
  attempt.payment = payment;
  attempt.parent = parent;
  attempt.from = from_station;
  attempt.to = to_station;
  attempt.state = AttemptState::kInFlight;
  attempt.holds_requester_worker = false;
  ++stations_[to_station].outstanding;
  calendar_->schedule(t + latency(from_station, to_station), kRequestArrives, a,
                      attempt.generation);
  if (from_station != kPayer) {
    const std::uint32_t from_node = stations_[from_station].node;
    RingQueue<Timeout>& pending = timeouts_[from_node];
    const double deadline = t + nodes_[from_node].timeout_s;
    // Every attempt of a node has the same timeout, so deadlines arrive in order and one
    // calendar event per node (at the earliest deadline) replaces one per attempt.
    if (pending.empty()) calendar_->schedule(deadline, kTimeouts, from_node);
    pending.push(Timeout{deadline, a, attempt.generation});
  }
  return a;
}

void Flow::on_request_arrives(std::uint32_t a, double t) {
  Attempt& attempt = attempts_[a];
  attempt.arrived_s = t;
  const std::uint32_t s = attempt.to;
  Station& station = stations_[s];
  const NodeSpec& node = nodes_[station.node];
  if (station.busy < node.workers) {
    start_service(s, a, t);
    return;
  }
  if (node.queue_cap == core::kUnlimitedQueue ||
      static_cast<std::int64_t>(station.waiting.size()) < node.queue_cap) {
    station.waiting.push(a);
    observer_.on_queue_change({station.node, station.replica}, t,
                              static_cast<std::int32_t>(station.waiting.size()));
    return;
  }
  observer_.on_rejected({station.node, station.replica}, payments_[attempt.payment].payment, t);
  respond(a, ResponseCode::kSystemMalfunction, t);
}

void Flow::start_service(std::uint32_t s, std::uint32_t a, double t) {
  Station& station = stations_[s];
  NodeSpec& node = nodes_[station.node];
  ++station.busy;
  observer_.on_busy_change({station.node, station.replica}, t, station.busy);
  const double service = core::sample(node.service_time, node.service_rng);
  const Attempt& attempt = attempts_[a];
  observer_.on_service_start({station.node, station.replica},
                             payments_[attempt.payment].payment, t, t - attempt.arrived_s,
                             service);
  calendar_->schedule(t + service, kServiceDone, a, attempt.generation);
}

void Flow::release_worker(std::uint32_t s, double t) {
  Station& station = stations_[s];
  --station.busy;
  assert(station.busy >= 0);
  observer_.on_busy_change({station.node, station.replica}, t, station.busy);
  if (!station.waiting.empty()) {
    const std::uint32_t next = station.waiting.pop();
    observer_.on_queue_change({station.node, station.replica}, t,
                              static_cast<std::int32_t>(station.waiting.size()));
    start_service(s, next, t);
  }
}

void Flow::on_service_done(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const NodeSpec& node = nodes_[stations_[s].node];
  if (node.role == core::Role::kIssuer) {
    const ResponseCode code = decide(payments_[attempts_[a].payment].payment);
    release_worker(s, t);
    respond(a, code, t);
    return;
  }
  const std::uint32_t payment = attempts_[a].payment;
  const std::uint32_t next_node = choose_next_node(stations_[s].node, payments_[payment].payment);
  const std::uint32_t child = send(payment, a, s, next_node, t);
  if (node.io == core::IoMode::kBlocking) {
    // Thread-per-request servers hold the worker until the next hop answers or times out.
    attempts_[child].holds_requester_worker = true;
  } else {
    release_worker(s, t);
  }
}

void Flow::respond(std::uint32_t a, ResponseCode code, double t) {
  const Attempt& attempt = attempts_[a];
  calendar_->schedule(t + latency(attempt.to, attempt.from), kResponseArrives, a,
                      attempt.generation, static_cast<std::uint8_t>(code));
}

void Flow::on_response_arrives(std::uint32_t a, ResponseCode code, double t) {
  Attempt& attempt = attempts_[a];
  const std::uint32_t payment = attempt.payment;
  if (attempt.from == kPayer) {
    --stations_[attempt.to].outstanding;
    observer_.on_final(payments_[payment].payment, code, t);
    free_attempt(a);
    free_payment(payment);
    return;
  }
  Station& requester = stations_[attempt.from];
  if (attempt.state == AttemptState::kTimedOut) {
    // The requester already answered upstream with 91; this answer changes nothing.
    observer_.on_late_answer({requester.node, requester.replica}, payments_[payment].payment, t);
    free_attempt(a);
    return;
  }
  attempt.state = AttemptState::kAnswered;
  --stations_[attempt.to].outstanding;
  const std::uint32_t parent = attempt.parent;
  const std::uint32_t from = attempt.from;
  const bool held = attempt.holds_requester_worker;
  free_attempt(a);
  if (held) release_worker(from, t);
  respond(parent, code, t);
}

void Flow::on_timeouts(std::uint32_t node, double t) {
  RingQueue<Timeout>& pending = timeouts_[node];
  while (!pending.empty() && pending.front().deadline_s <= t) {
    const Timeout due = pending.pop();
    Attempt& attempt = attempts_[due.attempt];
    if (attempt.generation != due.generation || attempt.state != AttemptState::kInFlight)
      continue;  // answered in time (and perhaps reused since)
    attempt.state = AttemptState::kTimedOut;
    --stations_[attempt.to].outstanding;
    const Station& requester = stations_[attempt.from];
    observer_.on_timeout({requester.node, requester.replica},
                         payments_[attempt.payment].payment, t);
    const std::uint32_t parent = attempt.parent;
    if (attempt.holds_requester_worker) {
      attempt.holds_requester_worker = false;
      release_worker(attempt.from, t);
    }
    respond(parent, ResponseCode::kIssuerInoperative, t);
  }
  if (!pending.empty()) calendar_->schedule(pending.front().deadline_s, kTimeouts, node);
}

std::uint32_t Flow::choose_next_node(std::uint32_t node, const core::Payment& p) {
  NodeSpec& spec = nodes_[node];
  switch (spec.routing) {
    case core::Routing::kByBin: return bin_owner_[p.bin];
    case core::Routing::kFailover:
      // Without faults every next hop is healthy: the first is primary. The chaos issue
      // adds health (circuit state) and moves to the next candidate when it is down.
      return spec.next.front();
    case core::Routing::kRoundRobin: return spec.next[spec.round_robin++ % spec.next.size()];
    case core::Routing::kLeastOutstanding: {
      std::uint32_t best = spec.next.front();
      std::uint64_t best_load = UINT64_MAX;
      for (const std::uint32_t candidate : spec.next) {
        const NodeSpec& c = nodes_[candidate];
        std::uint64_t load = 0;
        for (std::uint32_t r = 0; r < c.replicas; ++r) load += stations_[c.first_station + r].outstanding;
        if (load < best_load) {
          best_load = load;
          best = candidate;
        }
      }
      return best;
    }
  }
  return spec.next.front();
}

std::uint32_t Flow::choose_replica(std::uint32_t node, core::Routing routing) {
  NodeSpec& spec = nodes_[node];
  if (spec.replicas == 1) return spec.first_station;
  if (routing == core::Routing::kLeastOutstanding) {
    std::uint32_t best = spec.first_station;
    for (std::uint32_t r = 1; r < spec.replicas; ++r)
      if (stations_[spec.first_station + r].outstanding < stations_[best].outstanding)
        best = spec.first_station + r;
    return best;
  }
  // Replicas behind one name are load-balanced: round robin unless the sender asks for
  // least outstanding.
  return spec.first_station + (spec.replica_cursor++ % spec.replicas);
}

core::ResponseCode Flow::decide(const core::Payment& p) {
  // Funds, fraud and declines arrive with the ledger (issue #3): for now every
  // authorization that reaches its issuer is approved.
  return ResponseCode::kApproved;
}

double Flow::latency(std::uint32_t from_station, std::uint32_t to_station) const {
  if (from_station == kPayer || to_station == kPayer) return 0.0;  // the payer sits at the entry
  return hop_latency_s_[stations_[from_station].node * nodes_.size() + stations_[to_station].node];
}

std::uint32_t Flow::new_attempt() {
  if (!free_attempts_.empty()) {
    const std::uint32_t a = free_attempts_.back();
    free_attempts_.pop_back();
    return a;
  }
  attempts_.emplace_back();
  return static_cast<std::uint32_t>(attempts_.size() - 1);
}

void Flow::free_attempt(std::uint32_t a) {
  ++attempts_[a].generation;
  free_attempts_.push_back(a);
}

std::uint32_t Flow::new_payment() {
  ++live_payments_;
  if (live_payments_ > peak_live_payments_) peak_live_payments_ = live_payments_;
  if (free_payment_ != kNone) {
    const std::uint32_t slot = free_payment_;
    free_payment_ = payments_[slot].next_free;
    return slot;
  }
  payments_.emplace_back();
  return static_cast<std::uint32_t>(payments_.size() - 1);
}

void Flow::free_payment(std::uint32_t slot) {
  --live_payments_;
  payments_[slot].next_free = free_payment_;
  free_payment_ = slot;
}

}  // namespace payquake::payments
