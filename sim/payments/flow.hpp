// The four-party authorization flow: payer -> gateway -> acquirer -> network -> issuer and
// the answer back along the same path. Each node replica is a FIFO station with
// `workers` servers and a waiting room; each hop has a per-attempt timeout. Payments and
// attempts are plain data in pools; messages are events on the calendar. The flow emits
// events to an observer and keeps no statistics of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/random_stream.hpp"
#include "core/scenario.hpp"
#include "core/zipf.hpp"
#include "engine/calendar.hpp"
#include "engine/driver.hpp"
#include "load/arrivals.hpp"
#include "payments/ring_queue.hpp"

namespace payquake::payments {

class Flow : public engine::EventHandler {
 public:
  // `hop_latency_s(a, b)` is the one-way latency between nodes a and b (from the
  // platform). The observer must outlive the flow.
  Flow(const core::Scenario& scenario, std::vector<double> hop_latency_s,
       core::FlowObserver& observer);

  // Schedules each population's first arrival. Call once before running.
  void start(engine::Calendar& calendar);

  void handle(const engine::Event& event) override;
  // Every arrival has happened and every attempt has been answered (late answers too).
  bool done() const override {
    return pending_arrivals_ == 0 && attempts_.size() == free_attempts_.size();
  }

  std::uint64_t payments_started() const { return next_payment_id_; }
  std::uint64_t payments_in_flight() const { return live_payments_; }
  std::uint64_t peak_payments_in_flight() const { return peak_live_payments_; }

 private:
  enum Kind : std::uint8_t { kArrival, kRequestArrives, kServiceDone, kResponseArrives, kTimeouts };
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::uint32_t kPayer = 0xffffffffu;  // the requester of a payment's first hop

  struct NodeSpec {
    std::string id;
    core::Role role;
    int workers;
    std::int64_t queue_cap;  // core::kUnlimitedQueue or >= 0
    core::IoMode io;
    core::Distribution service_time;
    std::vector<std::uint32_t> next;
    core::Routing routing;
    double timeout_s;
    std::uint32_t first_station;  // stations of a node are contiguous
    std::uint32_t replicas;
    std::uint32_t round_robin = 0;  // next candidate for round_robin routing
    std::uint32_t replica_cursor = 0;
    core::RandomStream service_rng;
  };

  struct Station {
    std::uint32_t node;
    std::uint32_t replica;
    std::int32_t busy = 0;
    std::uint32_t outstanding = 0;  // attempts sent here, not yet answered or timed out
    RingQueue<std::uint32_t> waiting;  // attempt indices
  };

  enum class AttemptState : std::uint8_t { kInFlight, kAnswered, kTimedOut };

  // One request from a requester (a station, or the payer) to a station.
  struct Attempt {
    std::uint32_t payment = 0;
    std::uint32_t parent = kNone;    // the attempt this one serves, at the requester
    std::uint32_t from = kPayer;     // requester station
    std::uint32_t to = 0;            // serving station
    std::uint32_t generation = 0;
    double arrived_s = 0.0;          // when the request reached `to`
    AttemptState state = AttemptState::kInFlight;
    bool holds_requester_worker = false;  // io: blocking keeps a worker until resolved
  };

  struct Timeout {
    double deadline_s;
    std::uint32_t attempt;
    std::uint32_t generation;
  };

  struct Population {
    core::Payers spec;
    std::uint32_t entry_node;
    load::ArrivalProcess arrivals;
    core::ZipfSampler cards;
    core::RandomStream card_rng;
    core::RandomStream amount_rng;
    std::vector<std::pair<std::uint32_t, double>> issuer_cumulative;  // node, cumulative share
  };

  struct PaymentSlot {
    core::Payment payment;
    std::uint32_t next_free = kNone;
  };

  // Handlers, one per event kind.
  void on_arrival(std::uint32_t population, double t);
  void on_request_arrives(std::uint32_t attempt, double t);
  void on_service_done(std::uint32_t attempt, double t);
  void on_response_arrives(std::uint32_t attempt, core::ResponseCode code, double t);
  void on_timeouts(std::uint32_t node, double t);

  // Sends a new attempt for `payment` to a replica of `to_node`; returns its index.
  std::uint32_t send(std::uint32_t payment, std::uint32_t parent, std::uint32_t from_station,
                     std::uint32_t to_node, double t);
  void respond(std::uint32_t attempt, core::ResponseCode code, double t);
  void start_service(std::uint32_t station, std::uint32_t attempt, double t);
  void release_worker(std::uint32_t station, double t);
  std::uint32_t choose_next_node(std::uint32_t node, const core::Payment& p);
  std::uint32_t choose_replica(std::uint32_t node, core::Routing routing);
  core::ResponseCode decide(const core::Payment& p);

  double latency(std::uint32_t from_station, std::uint32_t to_station) const;

  std::uint32_t new_attempt();
  void free_attempt(std::uint32_t attempt);
  std::uint32_t new_payment();
  void free_payment(std::uint32_t payment);

  engine::Calendar* calendar_ = nullptr;
  core::FlowObserver& observer_;
  std::vector<NodeSpec> nodes_;
  std::vector<Station> stations_;
  std::vector<double> hop_latency_s_;  // node x node
  std::vector<Population> populations_;
  std::vector<std::uint32_t> bin_owner_;  // bin index -> issuer node
  std::vector<std::vector<std::uint32_t>> issuer_bins_;  // issuer node -> bin indices
  std::vector<RingQueue<Timeout>> timeouts_;  // per node: deadlines are FIFO (constant timeout)

  std::vector<Attempt> attempts_;
  std::vector<std::uint32_t> free_attempts_;
  std::vector<PaymentSlot> payments_;
  std::uint32_t free_payment_ = kNone;
  std::uint32_t pending_arrivals_ = 0;  // populations with an arrival on the calendar
  std::uint64_t next_payment_id_ = 0;
  std::uint64_t live_payments_ = 0;
  std::uint64_t peak_live_payments_ = 0;
};

}  // namespace payquake::payments
