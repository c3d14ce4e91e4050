// The flow, attacks and request signing (issue 10): each attack as an internal population
// whose source (attack_source.hpp) decides what it sends and hears its answers; at the
// entry gateway, after its service and before the idempotency check, floods refused,
// signatures checked against the timestamp window and the nonce store, and legitimate
// requests shown to the replay attacks capturing there.
#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Attack;
using core::ResponseCode;
using core::SignatureResult;
using namespace flow_internal;

namespace {

// An attack's arrivals: its rate inside [at, at + duration), nothing outside (cut at the
// scenario's end like every population's).
core::Load attack_load(const Attack& a) {
  core::Load load;
  load.arrival = core::ArrivalProcess::kPoisson;
  load.start_rate_per_s = 0.0;
  // Stages of zero length jump: 0 until `at`, then the rate for `duration`, then 0.
  load.stages = {{a.at_s, 0.0}, {0.0, a.rate_per_s}, {a.duration_s, a.rate_per_s}, {0.0, 0.0}};
  return load;
}

// The attack's client as a population's (FRAUD.md): waits 10 s, never retries, no key.
core::Payers attack_payers(const Attack& a, double timeout_s) {
  core::Payers p;
  p.id = "attacks/" + a.id;
  p.entry = a.entry;
  p.client.timeout_s = timeout_s;
  p.client.retries = 0;
  p.client.idempotency_key = core::KeyPolicy::kNone;
  p.client.double_submit = 0.0;
  return p;
}

}  // namespace

void Flow::init_attacks(const core::Scenario& scenario) {
  legit_populations_ = static_cast<std::uint32_t>(populations_.size());
  gatekeeping_.assign(nodes_.size(), 0);
  nonce_stores_.resize(nodes_.size());
  capturing_.resize(nodes_.size());
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    const core::Node& node = nodes_[n].spec;
    if (node.role != core::Role::kGateway || !node.signing.enabled) continue;
    nonce_stores_[n].emplace(node.signing.nonce_capacity, node.signing.window_s);
    gatekeeping_[n] = 1;
  }
  if (scenario.attacks.empty()) return;
  card_directory_ = std::make_unique<CardDirectory>(scenario);
  for (std::uint32_t i = 0; i < scenario.attacks.size(); ++i) {
    const Attack& a = scenario.attacks[i];
    const std::uint32_t entry = index_of(scenario.nodes, a.entry);
    populations_.push_back(Population{
        attack_payers(a, kAttackClientTimeoutS),
        entry,
        load::ArrivalProcess(load::RateProfile(attack_load(a), scenario.duration_s),
                             core::ArrivalProcess::kPoisson,
                             core::RandomStream(scenario.seed, "attacks/" + a.id + "/arrivals")),
        0,
        {},
        {}});
    attack_kinds_.push_back(a.kind);
    attack_sources_.push_back(
        make_attack_source(AttackContext{a, i, scenario.seed, scenario, *card_directory_}));
    // A flood is refused at its entry; a replay attack captures there.
    if (a.kind == Attack::Kind::kFlood || a.kind == Attack::Kind::kReplay) gatekeeping_[entry] = 1;
    if (a.kind == Attack::Kind::kReplay) capturing_[entry].push_back(i);
  }
}

void Flow::on_attack_arrival(std::uint32_t population, double t) {
  Population& pop = populations_[population];
  const std::uint32_t attack = population - legit_populations_;
  core::Payment p;
  p.serial = payment_serial(population, pop.arrived++);
  p.population = population;
  p.attack = attack;
  p.fraud = attack_kinds_[attack] != Attack::Kind::kFlood;  // a flood steals nothing
  p.intended_arrival_s = t;
  Signature resent;
  if (attack_sources_[attack]->next(p, t, &resent)) {
    const std::uint32_t slot = new_payment();
    p.id = next_payment_id_++;
    payments_[slot].payment = p;
    if (p.replay_of != 0) {
      if (replayed_signature_.size() <= slot) replayed_signature_.resize(payments_.size());
      replayed_signature_[slot] = resent;
    }
    observer_.on_arrival(p, t);
    press(slot, TryKind::kFirst, t);
  }
  const double next = pop.arrivals.next();
  if (next != load::ArrivalProcess::kNever) {
    calendar_->schedule(next, kArrival, population);
  } else {
    --pending_arrivals_;
  }
}

bool Flow::gatekeep(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const std::uint32_t n = stations_[s].node;
  const core::Payment& p = payment_of(a);
  if (p.attack != core::kNoAttack && attack_kinds_[p.attack] == Attack::Kind::kFlood) {
    release_worker(s, t);
    answer(a, ResponseCode::kFormatError, t);  // junk: it cost a service, it pays nothing
    return true;
  }
  if (attempts_[a].from != kPayer) return false;  // signed by whoever sent it, checked there
  // A request is signed when its customer (or bot) sends it, with a nonce of its own (the
  // request's id is unique in the run); a replay carries its original's.
  Signature sig{attempts_[a].arrived_s, attempts_[a].id};
  if (p.replay_of != 0) sig = replayed_signature_[attempts_[a].payment];
  if (nonce_stores_[n] && signature_refused(a, sig, t)) return true;
  if (p.attack == core::kNoAttack) {
    for (const std::uint32_t attack : capturing_[n]) {
      const auto window = attack_sources_[attack]->observes();
      if (window && t >= window->first && t < window->second)
        attack_sources_[attack]->observe(p, sig, t);
    }
  }
  return false;
}

bool Flow::signature_refused(std::uint32_t a, const Signature& sig, double t) {
  const std::uint32_t s = attempts_[a].to;
  const std::uint32_t n = stations_[s].node;
  const core::Signing& signing = nodes_[n].spec.signing;
  NonceStore& store = *nonce_stores_[n];
  SignatureResult result = SignatureResult::kAccepted;
  bool refused = false;
  ResponseCode code = ResponseCode::kFormatError;
  if (t - sig.signed_at_s > signing.window_s) {
    result = SignatureResult::kStaleTimestamp;
    refused = true;
  } else if (nonce_store_up_[n] == 0) {
    // The store cannot say whether the nonce was seen: fail_closed refuses as the
    // idempotency store does (96, the gateway's own failure: the customer may press
    // again); fail_open lets it through on the timestamp alone, unrecorded.
    result = SignatureResult::kStoreUnavailable;
    refused = signing.on_store_failure == core::StoreFailure::kFailClosed;
    code = ResponseCode::kSystemMalfunction;
  } else if (store.holds(sig.nonce, t)) {
    result = SignatureResult::kNonceSeen;
    refused = true;
  } else {
    store.store(sig.nonce, t);
  }
  observer_.on_signature(ref(s), payment_of(a), result, refused, t);
  if (!refused) return false;
  release_worker(s, t);
  answer(a, code, t);
  return true;
}

void Flow::attack_answered(const core::Payment& p, core::Outcome outcome, core::ResponseCode,
                           double t) {
  attack_sources_[p.attack]->answered(p, outcome, t);
}

}  // namespace payquake::payments
