// The four-party authorization flow: payer -> gateway -> acquirer -> network -> issuer and
// the answer back along the same path, with the payment semantics that make or prevent
// duplicate payments: the payer's timeout, retries and double submits; hop retries,
// reversals (0400) and stand-in with advices (0120); the gateway's idempotency keys; the
// issuer's accounts and the ledger that reconciles every payment once its work drained.
//
// Each node replica is a FIFO station with `workers` servers and a waiting room. Payments
// and attempts are plain data in pools; messages are events on the calendar. The flow
// emits events to an observer and keeps no statistics of its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/random_stream.hpp"
#include "core/scenario.hpp"
#include "engine/calendar.hpp"
#include "engine/driver.hpp"
#include "engine/fault_hooks.hpp"
#include "engine/network_view.hpp"
#include "load/arrivals.hpp"
#include "payments/health.hpp"
#include "payments/fraud_gate.hpp"
#include "payments/idempotency_store.hpp"
#include "payments/issuer.hpp"
#include "payments/payer.hpp"
#include "payments/ledger.hpp"
#include "payments/payment_draws.hpp"
#include "payments/ring_queue.hpp"
#include "payments/router.hpp"

namespace payquake::payments {

class Flow : public engine::EventHandler, public engine::FaultHooks {
 public:
  // `network` says which hosts and routes are up, how slow hosts run and how long each
  // hop takes (the SimGrid platform). Both must outlive the flow.
  Flow(const core::Scenario& scenario, const engine::NetworkView& network,
       core::FlowObserver& observer);

  // Schedules each population's first arrival. Call once before running.
  void start(engine::Calendar& calendar);

  void handle(const engine::Event& event) override;
  void prefetch(const engine::Event& next) const override;
  // Every arrival has happened and every payment has drained and been reconciled.
  bool done() const override { return pending_arrivals_ == 0 && live_payments_ == 0; }

  std::uint64_t payments_started() const { return next_payment_id_; }
  std::uint64_t peak_payments_in_flight() const { return peak_live_payments_; }
  std::uint64_t payments_live() const { return live_payments_; }

  // Conservation (DESIGN.md section 5): the issuers' accounts hold what they opened with.
  std::int64_t accounts_opening_minor() const { return accounts_.opening_total(); }
  std::int64_t accounts_current_minor() const { return accounts_.current_total(); }
  // Captures and expiries due by `t` (the end of the run) are applied; the figures below
  // are then as of `t`.
  void close_books(double t) { accounts_.settle_until(t); }
  const Accounts& accounts() const { return accounts_; }

  // engine::FaultHooks: the chaos injector calls these at the fault's time.
  void crash(std::uint32_t node, std::uint32_t replica, double t) override;
  void set_errors(std::uint32_t node, int replica, double rate, core::ResponseCode code) override;
  void set_link_loss(std::uint32_t site_a, std::uint32_t site_b, double rate) override;
  void set_link_jitter(std::uint32_t site_a, std::uint32_t site_b, double jitter_s) override;
  void set_node_link(std::uint32_t node, double loss, double add_s, double jitter_s) override;
  void set_partition(std::uint32_t node_a, std::uint32_t node_b, bool partitioned) override;
  void set_site_partition(std::uint32_t site_a, std::uint32_t site_b, bool partitioned) override;
  void set_store_available(std::uint32_t node, bool available) override;
  void set_nonce_store_available(std::uint32_t node, bool available) override {
    nonce_store_up_[node] = available;
  }
  void set_policy_available(std::uint32_t node, bool available) override {
    policy_up_[node] = available;
  }
  // Stored advices may be deliverable again; routes cut since the last change are counted.
  void platform_changed(double t) override;

 private:
  enum Kind : std::uint8_t {
    kArrival,          // index: population
    kRequestArrives,   // index: attempt
    kServiceDone,      // index: attempt
    kResponseArrives,  // index: attempt, arg: response code
    kDepart,           // index: attempt (a send delayed by a backoff)
    kAdviceRequeue,    // index: attempt (a refused advice back into the network's queue)
    kHopTimeouts,      // index: node
    kClientTimeouts,   // index: population
    kClientPress,      // index: payment slot, arg: 1 for a double submit
    kHealthProbe,      // index: node (the verdicts of its probes of this interval)
    kUneject,          // index: watch (node x stations + station)
    kChallengeDone,    // index: payment slot, arg: core::StepUpResult (flow_fraud.cpp)
  };
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::uint32_t kPayer = 0xffffffffu;  // the requester of a payer's press

  // Next hops, stations and routing cursors are the router's (router_).
  struct NodeSpec {
    core::Node spec;
    double retry_tokens = core::kRetryBudgetTokens;  // the retry budget's bucket
  };

  struct Station {
    std::uint32_t node = 0;
    std::uint32_t replica = 0;
    std::int32_t busy = 0;
    std::uint32_t outstanding = 0;            // attempts sent here, not yet answered or timed out
    RingQueue<std::uint32_t> waiting;         // attempt indices
    std::uint32_t epoch = 0;                  // bumped by a crash: older work here is gone
    bool up = true;                           // cached from the platform (refresh_platform_cache)
    double slowdown = 1.0;                    // cached from the platform
    RingQueue<std::uint32_t> advice_backlog;  // a network's stored advices, not yet sent
    std::uint32_t advices_in_flight = 0;
    double error_rate = 0.0;  // brown-out
    core::ResponseCode error_code = core::ResponseCode::kSystemMalfunction;
  };

  enum class AttemptState : std::uint8_t { kPending, kInFlight, kAnswered, kTimedOut };

  // One request from a requester (a station, or the payer) to a station.
  struct Attempt {
    std::uint64_t id = 0;          // unique in the run: the ledger's path entries
    std::uint64_t target_id = 0;   // reversal, advice: the attempt whose transaction it concerns
    std::uint64_t key = 0;         // idempotency key (0: none)
    std::uint64_t visit = 0;       // its identity within its payment (payments::visit)
    double arrived_s = 0.0;        // when the request reached `to`
    std::uint32_t payment = 0;     // payment slot
    std::uint32_t parent = kNone;  // the attempt this one serves, at the requester
    std::uint32_t from = kPayer;   // requester station
    std::uint32_t to = kNone;      // serving station (chosen when it departs)
    std::uint32_t to_node = 0;
    std::uint32_t generation = 0;
    std::uint32_t from_epoch = 0;  // the requester's epoch when this was created
    std::uint32_t to_epoch = 0;    // the server's epoch when the request arrived
    core::Message message = core::Message::kAuthorization;
    AttemptState state = AttemptState::kPending;
    std::uint8_t depth = 0;  // index in the ledger path (payer's press = 0)
    std::uint8_t target_depth = 0;
    std::uint8_t sends = 1;        // sends of this request by its originator so far
    std::uint8_t child_sends = 0;  // at the serving node: requests sent for this one
    TryKind try_kind = TryKind::kFirst;
    std::uint16_t live_children = 0;  // attempts whose parent this is, not yet freed
    bool finished = false;            // its own work is done; freed once its children are
    bool worker_held = false;         // io: blocking keeps a worker at `to` until answered
    bool key_owner = false;           // this attempt owns its key in the gateway's store
    bool lost = false;                // its request or answer was lost: no answer will come
    std::uint32_t cut_mark = 0;       // the route's cut count when its last message left
  };

  struct Deadline {
    double at_s;
    std::uint32_t attempt;
    std::uint32_t generation;
  };

  // The deadlines of one requester. Its timeout is constant, so they arrive in order: a
  // FIFO with one calendar event at its head replaces an event per attempt. Answered
  // attempts are dropped from the head as new ones arrive, so the queue holds about what
  // is in flight rather than a whole timeout's worth of traffic.
  struct DeadlineQueue {
    RingQueue<Deadline> pending;
    bool armed = false;  // an event for this queue is on the calendar
  };

  struct Population {
    core::Payers spec;
    std::uint32_t entry_node;
    load::ArrivalProcess arrivals;
    std::uint64_t arrived = 0;  // payments so far: the next one's place in its serial
    std::vector<std::pair<std::uint32_t, double>> issuer_cumulative;  // node, cumulative share
    DeadlineQueue client_deadlines;
  };

  struct PaymentSlot {
    core::Payment payment;
    PaymentLedger ledger;
    std::uint32_t generation = 0;
    std::uint32_t refs = 0;  // live attempts and pending presses
    std::uint32_t next_free = kNone;
    std::uint8_t presses = 0;  // presses of "pay" in the primary chain
    bool final_reported = false;
    bool in_doubt = false;
    core::Outcome outcome = core::Outcome::kFailed;
    double gave_up_s = 0.0;
    std::uint64_t first_key = 0;
    // 3-D Secure step-up (flow_fraud.cpp): the node whose policy last answered 65, the
    // press that followed a passed challenge (-1: none; Payer::press), and the challenge.
    std::uint32_t step_up_node = kNone;
    double challenge_started_s = 0.0;
    std::int8_t authenticated_press = -1;
    std::uint8_t challenges = 0;
    bool challenging = false;
  };

  // Handlers, one per event kind.
  void on_arrival(std::uint32_t population, double t);
  void on_press(std::uint32_t slot, bool double_submit, double t);
  void on_request_arrives(std::uint32_t attempt, double t);
  void on_service_done(std::uint32_t attempt, double t);
  void on_response_arrives(std::uint32_t attempt, core::ResponseCode code, double t);
  void on_hop_timeouts(std::uint32_t node, double t);
  void on_client_timeouts(std::uint32_t population, double t);

  // Detection (flow_health.cpp): what each node knows of the replicas of its next hops.
  // Routing reads two flags per (node, station) in router_; probes and answers update them.
  struct Watch {
    ProbeHealth probe;
    OutlierHealth outlier;
  };
  std::size_t watch_index(std::uint32_t node, std::uint32_t station) const {
    return router_.watch_index(node, station);
  }
  void start_health_checks();
  void on_health_probe(std::uint32_t node, double t);
  bool probe_passes(std::uint32_t node, std::uint32_t station);
  // An answer (or, `error` with a timeout) from `station` to a requester of `node`.
  void observe_answer(std::uint32_t node, std::uint32_t station, bool error, double t) {
    if (nodes_[node].spec.outlier_detection.enabled) record_outcome(node, station, error, t);
  }
  void record_outcome(std::uint32_t node, std::uint32_t station, bool error, double t);
  void on_uneject(std::uint32_t watch, double t);
  void update_usable(std::size_t watch);
  // Oracle nodes: health is the platform's state (called whenever it changes).
  void refresh_oracle_health();

  // Payer side.
  void press(std::uint32_t slot, TryKind kind, double t);
  void payer_answered(std::uint32_t attempt, core::ResponseCode code, double t);
  void payer_gave_up(std::uint32_t attempt, double t);
  void finalize(std::uint32_t slot, core::Outcome outcome, core::ResponseCode code, double t);

  // Node side.
  void serve_authorization(std::uint32_t attempt, double t);
  void serve_at_issuer(std::uint32_t attempt, double t);
  void forward(std::uint32_t attempt, double t);
  void child_resolved(std::uint32_t child, bool timed_out, core::ResponseCode code, double t);
  void answer(std::uint32_t attempt, core::ResponseCode code, double t);
  void stand_in(std::uint32_t attempt, double t);
  // A hop sends a reversal or an advice of its own; `to_station` kNone lets routing pick.
  void originate(std::uint32_t from_station, std::uint32_t to_node, std::uint32_t to_station,
                 core::Message m, std::uint32_t payment, std::uint64_t target_id,
                 std::uint8_t target_depth, std::uint64_t target_visit, double t);
  void originator_resolved(std::uint32_t attempt, bool delivered, double t);
  void pump_advices(std::uint32_t station, double t);
  bool route_open(std::uint32_t from_node, std::uint32_t to_node) const {
    return pair_open_[from_node * nodes_.size() + to_node] != 0;
  }
  // Reads hosts, power states, routes and partitions into the caches above.
  void refresh_platform_cache();
  std::uint32_t cuts(std::uint32_t from_station, std::uint32_t to_station) const;

  // Sending.
  std::uint32_t new_attempt(std::uint32_t payment, std::uint32_t parent, std::uint32_t from,
                            std::uint32_t to_node, core::Message m);
  void depart(std::uint32_t attempt, double t);
  void depart_after(std::uint32_t attempt, double delay_s, double t);
  void respond(std::uint32_t attempt, core::ResponseCode code, double t);
  void start_service(std::uint32_t station, std::uint32_t attempt, double t);
  void release_worker(std::uint32_t station, double t);
  // The next hop of `p` at `node` (kNone when none answers): see Router::next_node.
  std::uint32_t choose_next_node(std::uint32_t node, const core::Payment& p) {
    return router_.next_node(node, p.bin, stations_);
  }
  // Whether attempt `a`'s request (or, `response`, its answer) gets from one station to
  // the other (false: lost to a down route, a partition or link loss), and its delay.
  bool transmit(std::uint32_t from_station, std::uint32_t to_station, std::uint32_t a,
                bool response, double* delay_s);
  bool still_reachable(std::uint32_t from_station, std::uint32_t to_station) const;
  // The calendar lane of messages from one node to another (the payer counts as a node):
  // a hop's latency is constant outside faults, so its messages come due in sending order.
  std::size_t lane_of(std::uint32_t from_station, std::uint32_t to_station) const {
    const std::size_t n = nodes_.size() + 1;
    const std::size_t from = from_station == kPayer ? nodes_.size() : stations_[from_station].node;
    const std::size_t to = to_station == kPayer ? nodes_.size() : stations_[to_station].node;
    return from * n + to;
  }
  bool station_up(std::uint32_t station) const { return stations_[station].up; }
  // Whether `from_node` believes some replica of `to_node` answers: its health checks (or,
  // under mode oracle, the platform) say so. Routing skips a next hop for which it is false.
  bool node_reachable(std::uint32_t from_node, std::uint32_t to_node) const {
    return router_.node_reachable(from_node, to_node);
  }
  // The request will never be answered to its requester (dropped somewhere).
  void lose(std::uint32_t attempt, double t);
  bool requester_alive(const Attempt& a) const {
    return a.from == kPayer || stations_[a.from].epoch == a.from_epoch;
  }
  Path path_of(std::uint32_t attempt) const;
  // The payer's press at the root of an attempt's path: where the request came from.
  std::uint32_t root_of(std::uint32_t attempt) const;
  TryKind root_try_kind(std::uint32_t attempt) const { return attempts_[root_of(attempt)].try_kind; }
  // A copy of an originated reversal or advice, sent once more.
  std::uint32_t resend_of(const Attempt& sent, std::uint32_t to_node);
  core::StationRef ref(std::uint32_t station) const {
    return {stations_[station].node, stations_[station].replica};
  }
  const core::Node& node_of(std::uint32_t station) const {
    return nodes_[stations_[station].node].spec;
  }
  const core::Payment& payment_of(std::uint32_t attempt) const {
    return payments_[attempts_[attempt].payment].payment;
  }

  void push_deadline(DeadlineQueue& q, Deadline d, Kind kind, std::uint32_t index);
  void rearm(DeadlineQueue& q, Kind kind, std::uint32_t index);
  bool settled(const Deadline& d) const {
    const Attempt& a = attempts_[d.attempt];
    return a.generation != d.generation || a.state != AttemptState::kInFlight;
  }

  // Pools. An attempt is reused only after its children are gone: the issuer walks the
  // parent chain (the ledger path) while a child of a long-answered request is in flight.
  void free_attempt(std::uint32_t attempt, double t);
  void recycle_attempt(std::uint32_t attempt, double t);
  std::uint32_t new_payment();
  void release_payment(std::uint32_t slot, double t);

  engine::Calendar* calendar_ = nullptr;
  core::FlowObserver& observer_;
  std::vector<NodeSpec> nodes_;
  std::vector<Station> stations_;
  const engine::NetworkView& view_;
  std::vector<std::uint32_t> node_site_;
  std::size_t site_count_ = 0;
  std::vector<double> link_loss_;       // site x site
  std::vector<double> link_jitter_;     // site x site
  // Per node: loss, added latency and jitter of every message to or from its replicas.
  std::vector<double> node_loss_;
  std::vector<double> node_add_s_;
  std::vector<double> node_jitter_s_;
  bool node_link_faults_ = false;       // some node has one of them on
  std::vector<char> partitioned_;       // node x node
  std::vector<char> site_partitioned_;  // site x site
  // node x node: how often the route between two nodes has been cut. A message is lost
  // if its route was cut while it was on the wire, even if it is back by arrival.
  std::vector<std::uint32_t> route_cuts_;
  std::vector<char> route_was_up_;
  // node x node, cached from the platform and the partitions whenever they change, so a
  // message costs two array reads rather than calls into the platform.
  std::vector<char> pair_open_;
  std::vector<double> pair_latency_s_;
  PaymentDraws draws_;                  // every draw that belongs to a payment
  Payer payer_{draws_};                 // the customers' presses, retries and giving up
  core::RandomStream probe_rng_;        // lost probes: drawn only while a loss fault is on
  Router router_;                       // next hops, replicas and health beliefs
  std::vector<Watch> watch_;            // node x stations
  std::vector<std::uint16_t> ejected_;  // node x node: replicas of the second it has ejected
  std::vector<Population> populations_;
  std::vector<std::vector<std::uint32_t>> issuer_bins_;  // issuer node -> bin indices
  std::vector<DeadlineQueue> hop_deadlines_;             // per node
  std::vector<IdempotencyStore> key_stores_;             // per node (gateways use theirs)
  std::vector<char> nonce_store_up_;                     // per node: its nonce store answers
  std::vector<char> policy_up_;                          // per node: its fraud policy's dependency
  Accounts accounts_;
  Issuer issuer_{accounts_, draws_};  // the issuers' decisions over accounts_

  // ---- Fraud policies and 3-D Secure step-up (issue 10; flow_fraud.cpp) ------------------
  // The policies of the nodes that have one (the flag of a policy_outage is policy_up_).
  FraudGate fraud_;
  // The policy's scoring time, added to an authorization's service at a node with a policy.
  double policy_latency_s(std::uint32_t station, std::uint32_t attempt) const;
  // The policy of the node serving `attempt` (an authorization, at its service's end) decides:
  // true when it answered the request itself (59, 05 or 65; the worker is released), false
  // to go on (forward, or the issuer's funds check). Marks the payment, tells the observer.
  bool screened_out(std::uint32_t attempt, double t);
  // A 65 reached the payer: true when the checkout runs a 3-D Secure challenge for it (or
  // one is running already: it decides), false to take the 65 as the final decline.
  bool begin_challenge(std::uint32_t slot, double t);
  void on_challenge_done(std::uint32_t slot, core::StepUpResult result, double t);

  std::vector<Attempt> attempts_;
  std::vector<std::uint32_t> free_attempts_;
  std::vector<PaymentSlot> payments_;
  std::uint32_t free_payment_ = kNone;
  std::uint32_t pending_arrivals_ = 0;  // populations with an arrival on the calendar
  std::uint64_t next_payment_id_ = 0;
  std::uint64_t next_attempt_id_ = 1;
  std::uint64_t next_key_ = 1;
  std::uint64_t live_payments_ = 0;
  std::uint64_t peak_live_payments_ = 0;
};

}  // namespace payquake::payments
