// payquake_reference_loop: the yardstick of `make bench`. A plain event loop on a
// std::priority_queue (binary heap) that simulates the same queueing network as a bench
// scenario, with nothing else: no SimGrid, no metrics, no ledger, no timeouts, no retries.
// payquake_bench runs it alternately with payquake and reports payquake / this loop.
//
// What it simulates (read from the scenario through payquake's loader, so the two never
// disagree on a figure): Poisson arrivals at the load's constant rate for `duration`, the
// same random stream for the gaps as payquake ("payers/<id>/arrivals"), then the chain of
// nodes from the population's entry to its issuer. Each node is one FIFO station with
// `workers` servers and an unlimited waiting room; service is exponential, drawn from the
// node's own stream ("nodes/<id>/service") as payquake draws it. A request crosses each
// hop (the sites' internal latency, or the link between two sites), is served, goes on;
// the issuer's answer travels back hop by hop (no service on the way back, as io: async).
// Every hop, zero-latency ones included, is an event: 13 events per payment.
//
// Output: one JSON object on stdout (payments, events, wall_seconds of the event loop
// alone, mean latency, peak in flight). Exit 2 when the scenario is not one it can run.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <queue>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/keyed_random.hpp"
#include "core/payment_keys.hpp"
#include "core/random_stream.hpp"
#include "core/scenario.hpp"
#include "scenario/loader.hpp"

namespace {

using payquake::core::KeyedRandom;
using payquake::core::RandomStream;

struct Station {
  int workers = 1;
  double mean_service_s = 0.0;
  // Service times keyed as payquake keys them: (node, payment serial, the request's visit;
  // here every payment's request at station s has the same visit, its s-th hop).
  KeyedRandom service_keys;
  std::uint64_t visit = 0;
  int busy = 0;
  std::queue<std::uint32_t> waiting;  // payments
  double latency_to_next_s = 0.0;     // request to the next station (answer back: the same)
};

struct Network {
  double rate_per_s = 0.0;
  double duration_s = 0.0;
  std::uint64_t seed = 0;
  std::string population;
  std::vector<Station> stations;  // entry first, issuer last
};

// The scenario must be the bench's shape; anything else is refused rather than
// simulated differently from payquake.
void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("the reference loop needs " + what);
}

double hop_latency_s(const payquake::core::Scenario& s, const payquake::core::Node& from,
                     const payquake::core::Node& to) {
  if (from.site == to.site) return s.find_site(from.site)->internal_latency_s;
  for (const auto& link : s.links)
    if ((link.a == from.site && link.b == to.site) || (link.a == to.site && link.b == from.site))
      return link.latency_s;
  throw std::invalid_argument("the reference loop needs a link between sites " + from.site +
                              " and " + to.site);
}

Network network_of(const payquake::core::Scenario& s) {
  using payquake::core::Distribution;
  require(s.payers.size() == 1 && s.payers[0].issuers.size() == 1,
          "one population with one issuer");
  require(s.load.arrival == payquake::core::ArrivalProcess::kPoisson && s.load.stages.empty() &&
              s.load.spikes.empty() && s.load.start_rate_per_s > 0,
          "Poisson arrivals at a constant rate (no stages, no spikes)");
  require(s.faults.empty(), "no faults");
  Network net;
  net.rate_per_s = s.load.start_rate_per_s;
  net.duration_s = s.duration_s;
  net.seed = s.seed;
  net.population = s.payers[0].id;
  const payquake::core::Node* node = s.find_node(s.payers[0].entry);
  const payquake::core::Node* previous = nullptr;
  while (node != nullptr) {
    require(node->replicas == 1, "one replica per node (" + node->id + ")");
    require(node->service_time.kind == Distribution::Kind::kExponential,
            "exponential service (" + node->id + ")");
    require(node->queue == payquake::core::kUnlimitedQueue, "unlimited queues (" + node->id + ")");
    if (previous != nullptr) net.stations.back().latency_to_next_s = hop_latency_s(s, *previous, *node);
    const std::uint64_t visit = net.stations.empty()
                                    ? payquake::core::visit::press(0)
                                    : payquake::core::visit::child(net.stations.back().visit, 0);
    net.stations.push_back(Station{node->workers, node->service_time.mean,
                                   KeyedRandom(s.seed, "nodes/" + node->id + "/service"), visit,
                                   0, {}, 0.0});
    previous = node;
    if (node->role == payquake::core::Role::kIssuer) break;
    // A network without `next` routes by BIN: here, to the population's only issuer.
    node = s.find_node(node->next.empty() ? s.payers[0].issuers[0].first : node->next[0]);
  }
  require(previous != nullptr && previous->role == payquake::core::Role::kIssuer,
          "a chain of nodes from the entry to an issuer");
  return net;
}

enum Kind : std::uint8_t { kArrival, kRequestArrives, kServiceDone, kResponseArrives };

struct Event {
  double time_s;
  std::uint64_t seq;  // ties run in scheduling order, as in payquake
  std::uint32_t payment;
  std::uint8_t kind;
  std::uint8_t station;  // request: where it arrives or is served; response: where it arrives
};

struct Later {
  bool operator()(const Event& a, const Event& b) const {
    return a.time_s > b.time_s || (a.time_s == b.time_s && a.seq > b.seq);
  }
};

struct Result {
  std::uint64_t payments = 0;
  std::uint64_t events = 0;
  std::uint64_t peak_in_flight = 0;
  double latency_sum_s = 0.0;
};

class Loop {
 public:
  explicit Loop(Network net)
      : net_(std::move(net)),
        arrivals_(net_.seed, "payers/" + net_.population + "/arrivals"),
        payer_station_(static_cast<std::uint8_t>(net_.stations.size())) {}

  Result run() {
    next_arrival(0.0);
    while (!calendar_.empty()) {
      const Event e = calendar_.top();
      calendar_.pop();
      ++result_.events;
      switch (e.kind) {
        case kArrival: on_arrival(e.time_s); break;
        case kRequestArrives: on_request(e.station, e.payment, e.time_s); break;
        case kServiceDone: on_service_done(e.station, e.payment, e.time_s); break;
        case kResponseArrives: on_response(e.station, e.payment, e.time_s); break;
      }
    }
    return result_;
  }

 private:
  void schedule(double t, Kind kind, std::uint32_t payment, std::uint8_t station) {
    calendar_.push(Event{t, seq_++, payment, kind, station});
  }

  void next_arrival(double now) {
    const double t = now - std::log(arrivals_.uniform_open0()) / net_.rate_per_s;
    if (t < net_.duration_s) schedule(t, kArrival, 0, 0);
  }

  void on_arrival(double t) {
    std::uint32_t p;
    if (free_.empty()) {
      p = static_cast<std::uint32_t>(started_s_.size());
      started_s_.push_back(t);
      serial_.push_back(0);
    } else {
      p = free_.back();
      free_.pop_back();
      started_s_[p] = t;
    }
    serial_[p] = payquake::core::payment_serial(0, result_.payments);  // its arrival order
    ++result_.payments;
    if (++in_flight_ > result_.peak_in_flight) result_.peak_in_flight = in_flight_;
    schedule(t, kRequestArrives, p, 0);  // the payer sits at the entry: no latency
    next_arrival(t);
  }

  void on_request(std::uint8_t s, std::uint32_t p, double t) {
    Station& st = net_.stations[s];
    if (st.busy < st.workers) {
      start_service(s, p, t);
    } else {
      st.waiting.push(p);
    }
  }

  void start_service(std::uint8_t s, std::uint32_t p, double t) {
    Station& st = net_.stations[s];
    ++st.busy;
    payquake::core::KeyedDraws draws = st.service_keys.at(serial_[p], st.visit);
    schedule(t - st.mean_service_s * std::log(draws.uniform_open0()), kServiceDone, p, s);
  }

  void on_service_done(std::uint8_t s, std::uint32_t p, double t) {
    Station& st = net_.stations[s];
    --st.busy;
    if (!st.waiting.empty()) {
      const std::uint32_t next = st.waiting.front();
      st.waiting.pop();
      start_service(s, next, t);
    }
    if (s + 1u < net_.stations.size()) {
      schedule(t + st.latency_to_next_s, kRequestArrives, p, static_cast<std::uint8_t>(s + 1));
    } else {
      respond_from(s, p, t);  // the issuer answers
    }
  }

  // The answer leaves station `s` towards its requester.
  void respond_from(std::uint8_t s, std::uint32_t p, double t) {
    if (s == 0) {
      schedule(t, kResponseArrives, p, payer_station_);
    } else {
      const auto back = static_cast<std::uint8_t>(s - 1);
      schedule(t + net_.stations[back].latency_to_next_s, kResponseArrives, p, back);
    }
  }

  void on_response(std::uint8_t s, std::uint32_t p, double t) {
    if (s != payer_station_) {
      respond_from(s, p, t);
      return;
    }
    result_.latency_sum_s += t - started_s_[p];
    free_.push_back(p);
    --in_flight_;
  }

  Network net_;
  RandomStream arrivals_;
  const std::uint8_t payer_station_;  // a response arriving here has reached the payer
  std::priority_queue<Event, std::vector<Event>, Later> calendar_;
  std::uint64_t seq_ = 0;
  std::vector<double> started_s_;  // per payment slot: its arrival time
  std::vector<std::uint64_t> serial_;  // per payment slot: its payment's serial
  std::vector<std::uint32_t> free_;
  std::uint64_t in_flight_ = 0;
  Result result_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::string(argv[1]) == "--help") {
    std::cerr << "usage: payquake_reference_loop SCENARIO.yaml\n"
                 "Simulates the scenario's queueing network with a plain binary-heap event loop\n"
                 "(tests/bench/README.md says what it does and does not do); prints JSON.\n";
    return argc == 2 ? 0 : 2;
  }
  Network net;
  try {
    net = network_of(payquake::scenario::load_file(argv[1]));
  } catch (const std::exception& e) {
    std::cerr << "payquake_reference_loop: " << argv[1] << ": " << e.what() << '\n';
    return 2;
  }
  Loop loop(std::move(net));
  const auto start = std::chrono::steady_clock::now();
  const Result r = loop.run();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"payments\": %llu, \"events\": %llu, \"peak_in_flight\": %llu, \"wall_seconds\": %.6f, "
      "\"mean_latency_s\": %.9f}\n",
      static_cast<unsigned long long>(r.payments), static_cast<unsigned long long>(r.events),
      static_cast<unsigned long long>(r.peak_in_flight), wall_s,
      r.payments > 0 ? r.latency_sum_s / static_cast<double>(r.payments) : 0.0);
  return 0;
}
