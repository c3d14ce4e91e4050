#include "payments/payment_draws.hpp"

#include "payments/backoff.hpp"

namespace payquake::payments {

using core::KeyedDraws;
using core::KeyedRandom;

// Family names follow the named streams they replace ("nodes/<id>/service", ...): one
// family per thing drawn, so changing how one thing is drawn leaves the others' numbers.
PaymentDraws::PaymentDraws(const core::Scenario& scenario)
    : link_keys_(scenario.seed, "links"), challenge_keys_(scenario.seed, "fraud/step_up") {
  const std::uint64_t seed = scenario.seed;
  for (const core::Node& node : scenario.nodes) {
    const std::string name = "nodes/" + node.id;
    nodes_.push_back(NodeDraws{node.service_time, node.retry, node.accounts.balance,
                               node.accounts.capture, KeyedRandom(seed, name + "/service"),
                               KeyedRandom(seed, name + "/errors"),
                               KeyedRandom(seed, name + "/retry"),
                               KeyedRandom(seed, "accounts/" + node.id + "/holds"),
                               KeyedRandom(seed, "accounts/" + node.id + "/balance")});
    policy_.push_back(PolicyDraws{KeyedRandom(seed, name + "/fraud/score"),
                                  KeyedRandom(seed, name + "/fraud/latency")});
  }
  for (const core::Payers& payers : scenario.payers) {
    const std::string name = "payers/" + payers.id;
    populations_.push_back(PopulationDraws{
        core::ZipfSampler(payers.cards, payers.activity.s), payers.amount, payers.client,
        KeyedRandom(seed, name + "/purchase"), KeyedRandom(seed, name + "/cards"),
        KeyedRandom(seed, name + "/amounts"),
        KeyedRandom(seed, name + "/client"), KeyedRandom(seed, name + "/double_submit"),
        core::ZipfSampler(payers.merchants, 1.0), payers.second_device,
        payers.fraud_rate.value_or(scenario.fraud.base_rate),
        KeyedRandom(seed, name + "/features")});
  }
}

PaymentDraws::Purchase PaymentDraws::purchase(const core::Payment& p) const {
  const PopulationDraws& pop = populations_[p.population];
  auto [card, amount] = pop.purchase_keys.pair(pop.card_keys, pop.amount_keys, p.serial, 0);
  Purchase out;
  out.card = static_cast<std::uint64_t>(pop.cards(card));
  out.amount = core::money_from_major(core::sample(pop.amount, amount));
  return out;
}

PaymentDraws::DoubleSubmit PaymentDraws::double_submit(const core::Payment& p) const {
  const PopulationDraws& pop = populations_[p.population];
  if (pop.client.double_submit <= 0) return {};  // nothing to draw: no key is consumed
  KeyedDraws d = pop.double_keys.at(p.serial, 0);
  DoubleSubmit out;
  // The decision first, then the delay: a change of delay never flips a decision.
  out.happens = d.uniform01() < pop.client.double_submit;
  out.delay_s = core::sample(pop.client.double_submit_delay, d);
  return out;
}

PaymentDraws::Features PaymentDraws::features(const core::Payment& p) const {
  const PopulationDraws& pop = populations_[p.population];
  KeyedDraws d = pop.feature_keys.at(p.serial, 0);
  // The two decisions first, from the two halves of one value (32 bits each: probabilities
  // to 2.3e-10), then the merchant from the next: a change of merchants never flips them.
  const std::uint64_t decisions = d();
  const double u_fraud = static_cast<double>(decisions >> 32) * 0x1.0p-32;
  const double u_second = static_cast<double>(decisions & 0xffffffffu) * 0x1.0p-32;
  Features out;
  out.fraud = u_fraud < pop.fraud_rate;
  out.merchant = static_cast<std::uint64_t>(pop.merchants(d));
  if (out.fraud) {
    out.device = unknown_device(p.serial);
  } else {
    out.device = card_device(p.population, p.card, u_second < pop.second_device ? 1 : 0);
  }
  return out;
}

std::uint64_t PaymentDraws::card_device(std::uint32_t population, std::uint64_t card, int index) {
  // A 64-bit mix of (population, card, index): distinct ids for distinct cards and devices
  // but for collisions of probability ~2^-64 per pair.
  const std::uint64_t id = core::mix64(core::derive_occurrence(
      (static_cast<std::uint64_t>(population) << 40) ^ card, static_cast<std::uint64_t>(index)));
  return id == 0 ? 1 : id;
}

std::uint64_t PaymentDraws::unknown_device(std::uint64_t serial) {
  const std::uint64_t id = core::mix64(serial ^ 0x5374'6f6c'656eULL) ^ 0xa5a5'a5a5'a5a5'a5a5ULL;
  return id == 0 ? 1 : id;
}

PaymentDraws::Challenge PaymentDraws::challenge(const core::Payment& p, int ordinal) const {
  KeyedDraws d = challenge_keys_.at(p.serial, static_cast<std::uint64_t>(ordinal));
  Challenge c;
  c.latency_u = d.uniform01();
  c.outcome_u = d.uniform01();
  return c;
}

double PaymentDraws::client_retry_delay_s(const core::Payment& p, int press) const {
  const PopulationDraws& pop = populations_[p.population];
  KeyedDraws d = pop.retry_keys.at(p.serial, static_cast<std::uint64_t>(press));
  return core::sample(pop.client.retry_delay, d);
}

bool PaymentDraws::injected_error(std::uint32_t node, const core::Payment& p, std::uint64_t visit,
                                  double rate) const {
  return nodes_[node].error_keys.at(p.serial, visit).uniform01() < rate;
}

double PaymentDraws::hop_retry_delay_s(std::uint32_t node, const core::Payment& p,
                                       std::uint64_t visit, int retry) const {
  KeyedDraws d = nodes_[node].retry_keys.at(p.serial, visit);
  return backoff_delay_s(nodes_[node].retry, retry, d);
}

bool PaymentDraws::faulty_link(const core::Payment& p, std::uint64_t visit, bool response,
                               double loss, double jitter_s, double* delay_s) const {
  // One block holds both: the loss decision first, the jitter second, so a change of
  // jitter never changes which messages are lost.
  KeyedDraws d = link_keys_.at(p.serial, core::derive_occurrence(visit, response ? 1 : 0));
  const double u_loss = d.uniform01();
  const double u_jitter = d.uniform01();
  if (loss > 0 && u_loss < loss) return false;
  *delay_s += jitter_s * u_jitter;
  return true;
}

PaymentDraws::HoldFate PaymentDraws::hold(std::uint32_t node, const core::Payment& p,
                                          std::size_t ordinal) const {
  const NodeDraws& n = nodes_[node];
  KeyedDraws d = n.hold_keys.at(p.serial, ordinal);
  HoldFate fate;
  // Both draws are made for every hold, so the share never shifts the delays.
  fate.captures = d.uniform01() < n.capture.share;
  fate.after_s = core::sample(n.capture.after, d);
  return fate;
}

double PaymentDraws::opening_balance(std::uint32_t node, std::uint64_t card_key) const {
  const NodeDraws& n = nodes_[node];
  KeyedDraws d = n.balance_keys.at(card_key, 0);
  return core::sample(n.balance, d);
}

}  // namespace payquake::payments
