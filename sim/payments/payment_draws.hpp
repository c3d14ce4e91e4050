// Every random number that belongs to one payment, keyed to it (core::KeyedRandom): a draw
// depends only on (seed, what is drawn, the payment's serial, the visit or press it is
// for), never on what other payments drew before it. So two variants of a scenario give
// every payment the same card, amount, service times, retry delays and link and error
// draws, except where the variant changed that payment itself: common random numbers,
// payment by payment. (What is not a payment's stays on named streams: arrival times,
// faults, health probes.)
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/keyed_random.hpp"
#include "core/money.hpp"
#include "core/payment_keys.hpp"
#include "core/payment.hpp"
#include "core/scenario.hpp"
#include "core/zipf.hpp"

namespace payquake::payments {

// The keys of a payment's draws (core/payment_keys.hpp), by their short names here.
using core::payment_serial;
namespace visit = core::visit;

class PaymentDraws {
 public:
  explicit PaymentDraws(const core::Scenario& scenario);

  // At arrival, from the payment's serial and population: its card (a rank in [1,
  // cards]) and amount. One Philox call serves both (KeyedRandom::pair).
  struct Purchase {
    std::uint64_t card = 0;
    core::Money amount;
  };
  Purchase purchase(const core::Payment& p) const;
  // Whether the customer accidentally submits twice, and how long after the first.
  struct DoubleSubmit {
    bool happens = false;
    double delay_s = 0.0;
  };
  DoubleSubmit double_submit(const core::Payment& p) const;
  // The wait before press number `press` (1 for the first retry) of pay.
  double client_retry_delay_s(const core::Payment& p, int press) const;

  // At arrival (issue 10), what a fraud policy may see besides card and amount, and the
  // ground truth: the merchant (Zipf(1) over 1..merchants), the device (the card's own, or
  // its second with probability second_device) and whether the payment is fraud (with
  // probability fraud_rate, else the scenario's base_rate; a fraudster pays from a device
  // the card never used). Its own family ("payers/<id>/features"), so no other draw moves;
  // one Philox call for most payments. REQUIRES: p.card set, p.population a payers' one.
  struct Features {
    std::uint64_t merchant = 0;
    std::uint64_t device = 0;
    bool fraud = false;
  };
  Features features(const core::Payment& p) const;
  // Device ids (never 0): a card's `index`th device (0 its usual one, 1 its second), unique
  // across populations; and a device no card ever used, one per `serial` (a stolen card's).
  static std::uint64_t card_device(std::uint32_t population, std::uint64_t card, int index);
  static std::uint64_t unknown_device(std::uint64_t serial);

  // A fraud policy at `node`: the uniform of its score of `p`, one per (node, payment) so that
  // every request of a payment scores alike, and the uniform of the time it takes to score
  // request `visit`.
  double policy_score_u(std::uint32_t node, const core::Payment& p) const {
    return policy_[node].score.at(p.serial, 0).uniform01();
  }
  double policy_latency_u(std::uint32_t node, const core::Payment& p, std::uint64_t visit) const {
    return policy_[node].latency.at(p.serial, visit).uniform01();
  }
  // A 3-D Secure challenge of `p` (its `ordinal`th): uniforms for its latency and its outcome.
  struct Challenge {
    double latency_u = 0.0;
    double outcome_u = 0.0;
  };
  Challenge challenge(const core::Payment& p, int ordinal) const;

  // At a node, for the request `visit` of payment `p`.
  double service_s(std::uint32_t node, const core::Payment& p, std::uint64_t visit) const {
    const NodeDraws& n = nodes_[node];
    if (n.service.kind == core::Distribution::Kind::kExponential)
      // core::sample's expression on the key's first value, inline: one service per visit
      // makes this the hottest draw (ExponentialServiceIsTheGeneralSamplersDraw pins it).
      return -n.service.mean * std::log(n.service_keys.first_uniform_open0(p.serial, visit));
    if (n.service.is_deterministic()) return n.service.value;  // nothing to draw
    core::KeyedDraws d = n.service_keys.at(p.serial, visit);
    return core::sample(n.service, d);
  }
  // Whether a brown-out at `rate` answers this request with its error code.
  bool injected_error(std::uint32_t node, const core::Payment& p, std::uint64_t visit,
                      double rate) const;
  // The backoff before a hop's retry number `retry` (1 for the first), sent as `visit`.
  double hop_retry_delay_s(std::uint32_t node, const core::Payment& p, std::uint64_t visit,
                           int retry) const;

  // A message of request `visit` on the wire (response: its answer): lost with
  // probability `loss`, else delayed by jitter_s times a uniform. Draws nothing when both
  // are 0. Returns false when lost.
  bool link(const core::Payment& p, std::uint64_t visit, bool response, double loss,
            double jitter_s, double* delay_s) const {
    if (loss <= 0 && jitter_s <= 0) return true;  // the common case: no link fault
    return faulty_link(p, visit, response, loss, jitter_s, delay_s);
  }

  // An issuer's hold for the payment's `ordinal`th charge: whether it is captured (with
  // probability `share`, by `after`) and after how long.
  struct HoldFate {
    bool captures = false;
    double after_s = 0.0;
  };
  HoldFate hold(std::uint32_t node, const core::Payment& p, std::size_t ordinal) const;
  // The opening balance of the account of `card_key` at issuer `node` (major units).
  double opening_balance(std::uint32_t node, std::uint64_t card_key) const;

 private:
  bool faulty_link(const core::Payment& p, std::uint64_t visit, bool response, double loss,
                   double jitter_s, double* delay_s) const;

  struct NodeDraws {
    core::Distribution service;
    core::RetryPolicy retry;
    core::Distribution balance;
    core::Capture capture;
    core::KeyedRandom service_keys, error_keys, retry_keys, hold_keys, balance_keys;
  };
  struct PopulationDraws {
    core::ZipfSampler cards;
    core::Distribution amount;
    core::Client client;
    core::KeyedRandom purchase_keys, card_keys, amount_keys, retry_keys, double_keys;
    // Issue 10: merchant, device and ground truth (features()).
    core::ZipfSampler merchants{1, 1.0};
    double second_device = 0.0;
    double fraud_rate = 0.0;
    core::KeyedRandom feature_keys;
  };
  struct PolicyDraws {
    core::KeyedRandom score, latency;
  };
  std::vector<NodeDraws> nodes_;
  std::vector<PopulationDraws> populations_;
  std::vector<PolicyDraws> policy_;  // per node
  core::KeyedRandom link_keys_;
  core::KeyedRandom challenge_keys_;
};

}  // namespace payquake::payments
