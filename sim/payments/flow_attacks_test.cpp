// Attacks and request signing through the flow (flow_attacks.cpp), on the fake network
// with the calendar driven by hand: replays refused with signing on and charged again (as
// replay duplicates) with it off; an attack leaves every legitimate payment as it was; the
// card-testing bot reacts to its answers; a BIN attack costs the issuer a service per
// guess and gets 14 for numbers that do not exist; a flood costs the gateway capacity.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "payments/flow.hpp"
#include "payments/flow_test_support.hpp"

namespace payquake::payments {
namespace {

using core::Attack;
using core::Outcome;
using core::ResponseCode;
using core::SignatureResult;

// gw -> acq -> net -> iss, one replica each and {WORKERS} workers (nothing queues by
// default), random service times, legitimate payments at 50/s for 60 s with random cards
// and amounts; customers retry once after an error.
std::string yaml(const std::string& workers = "100000",
                 const std::string& gw_service = "{dist: exponential, mean: 2ms}") {
  return R"(name: attacks
seed: 23
duration: 60s
sites: [{id: s, internal_latency: 0.5ms}]
nodes:
  - {id: gw, role: gateway, site: s, workers: )" +
         workers + ", queue: 100000, service_time: " + gw_service + R"(, next: [acq], timeout: 5s}
  - {id: acq, role: acquirer, site: s, workers: 100000, service_time: {dist: lognormal, median: 1ms, p99: 10ms}, next: [net], timeout: 4s}
  - {id: net, role: network, site: s, workers: 100000, service_time: {dist: uniform, min: 0.2ms, max: 1ms}, timeout: 3s}
  - {id: iss, role: issuer, site: s, bins: ["4111", "4222"], workers: 100000, service_time: {dist: exponential, mean: 8ms}}
payers:
  - id: shoppers
    cards: 100000
    activity: {dist: zipf, s: 1.1}
    issuers: {iss: 100%}
    entry: gw
    amount: {dist: lognormal, median: 42.00, p99: 900.00}
    client: {timeout: 10s, retries: 1, retry_delay: {dist: uniform, min: 0.1s, max: 0.6s}}
load: {arrival: poisson, start_rate: 50/s}
)";
}

Attack make_attack(Attack::Kind kind, const std::string& id, double at_s, double duration_s,
                   double rate_per_s) {
  Attack a;
  a.kind = kind;
  a.id = id;
  a.entry = "gw";
  a.at_s = at_s;
  a.duration_s = duration_s;
  a.rate_per_s = rate_per_s;
  a.payers = "shoppers";
  a.issuer = "iss";
  return a;
}

// What one payment went through, as text without its id (ids are arrival order across
// every population, so an attack renumbers them; serials are per population and do not).
struct Life {
  core::Payment payment;  // as it arrived
  std::vector<std::string> lines;
  bool final_seen = false;
  Outcome outcome = Outcome::kFailed;
  ResponseCode code = ResponseCode::kApproved;
  double final_s = 0.0;
  std::vector<std::uint32_t> served_at;  // nodes, in order
  std::vector<double> queue_waits_s;
  std::vector<SignatureResult> signatures;
  core::ReconciledPayment reconciled;
  bool reconciled_seen = false;
};

class LifeRecorder final : public core::FlowObserver {
 public:
  std::map<std::uint64_t, Life> lives;  // by serial

  void on_arrival(const core::Payment& p, double t) override {
    Life& l = lives[p.serial];
    l.payment = p;
    add(p, t,
        "arrival card " + std::to_string(p.card) + " amount " + core::to_string(p.amount) +
            " issuer " + std::to_string(p.issuer) + " bin " + std::to_string(p.bin));
  }
  void on_final(const core::Payment& p, Outcome o, ResponseCode code, double t) override {
    Life& l = lives[p.serial];
    l.final_seen = true;
    l.outcome = o;
    l.code = code;
    l.final_s = t;
    add(p, t, std::string("final ") + core::to_string(o) + " " + core::code_string(code));
  }
  void on_sent(core::StationRef from, core::Message m, core::SendReason why, const core::Payment& p,
               double t) override {
    add(p, t,
        "sent from " + std::to_string(from.node) + " " + core::mti(m, false) + " " +
            std::to_string(static_cast<int>(why)));
  }
  void on_service_start(core::StationRef s, const core::Payment& p, double t, double wait_s,
                        double service_s) override {
    Life& l = lives[p.serial];
    l.served_at.push_back(s.node);
    l.queue_waits_s.push_back(wait_s);
    add(p, t,
        "service at " + std::to_string(s.node) + " waited " + std::to_string(wait_s) + " for " +
            std::to_string(service_s));
  }
  void on_timeout(core::StationRef s, const core::Payment& p, double t) override {
    add(p, t, "timeout at " + std::to_string(s.node));
  }
  void on_signature(core::StationRef s, const core::Payment& p, SignatureResult r, bool refused,
                    double t) override {
    lives[p.serial].signatures.push_back(r);
    add(p, t, "signature " + std::to_string(static_cast<int>(r)) + (refused ? " refused" : ""));
  }
  void on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double t) override {
    Life& l = lives[p.serial];
    l.reconciled = r;
    l.reconciled_seen = true;
    add(p, t,
        "reconciled " + std::to_string(r.standing_charges) + (r.duplicate ? " duplicate" : ""));
  }

 private:
  void add(const core::Payment& p, double t, const std::string& text) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9f ", t);
    lives[p.serial].lines.push_back(buf + text);
  }
};

// A flow over `s` on the fake network, run to the end; `during` may change things at set
// times (the chaos injector's hooks) before the events of that time.
struct AttackRun {
  explicit AttackRun(core::Scenario scenario)
      : s(std::move(scenario)), network(s), flow(s, network, rec) {
    flow.start(calendar);
  }
  void until(double t) {
    while (!flow.done() && !calendar.empty() && calendar.top().time_s < t) {
      flow.handle(calendar.pop());
    }
  }
  void finish() {
    until(1e9);
    ASSERT_TRUE(flow.done());
  }
  std::vector<const Life*> of_attack(std::uint32_t attack) const {
    std::vector<const Life*> out;
    for (const auto& [serial, l] : rec.lives)
      if (l.payment.attack == attack) out.push_back(&l);
    return out;
  }
  std::uint32_t node(const std::string& id) const {
    for (std::size_t i = 0; i < s.nodes.size(); ++i)
      if (s.nodes[i].id == id) return static_cast<std::uint32_t>(i);
    return 0;
  }

  core::Scenario s;
  testing::FakeNetwork network;
  LifeRecorder rec;
  Flow flow;
  engine::Calendar calendar;
};

core::Scenario load(const std::string& text) { return scenario::load_string(text, "attacks.yaml"); }

// ---- Replays and signing -----------------------------------------------------------------

// Replays of the last 60 s from t = 20 s, 5 a second, for 30 s; signing (if on) with a
// 10 s window, so that some replays are stale and the rest carry a nonce still held.
core::Scenario replay_scenario(bool signing) {
  core::Scenario s = load(yaml());
  Attack a = make_attack(Attack::Kind::kReplay, "replay", 20, 30, 5);
  a.capture_s = 60;
  s.attacks = {a};
  s.nodes[0].signing.enabled = signing;
  s.nodes[0].signing.window_s = 10;
  return s;
}

TEST(FlowAttacks, WithSigningOnEveryReplayIsRefused30) {
  AttackRun r(replay_scenario(true));
  r.finish();
  const auto replays = r.of_attack(0);
  ASSERT_GT(replays.size(), 100u);  // about 150
  int stale = 0, seen = 0;
  for (const Life* l : replays) {
    ASSERT_NE(l->payment.replay_of, 0u);
    EXPECT_TRUE(l->payment.fraud);
    EXPECT_EQ(l->outcome, Outcome::kDeclined);
    EXPECT_EQ(l->code, ResponseCode::kFormatError);
    EXPECT_EQ(l->served_at, std::vector<std::uint32_t>{0}) << "refused at the gateway";
    ASSERT_EQ(l->signatures.size(), 1u);
    stale += l->signatures[0] == SignatureResult::kStaleTimestamp;
    seen += l->signatures[0] == SignatureResult::kNonceSeen;
    EXPECT_FALSE(l->reconciled.duplicate);
    EXPECT_EQ(l->reconciled.standing_charges, 0);
  }
  EXPECT_EQ(stale + seen, static_cast<int>(replays.size()));
  EXPECT_GT(stale, 0);
  EXPECT_GT(seen, 0);
  // Every legitimate request was signed and accepted.
  for (const auto& [serial, l] : r.rec.lives) {
    if (l.payment.attack != core::kNoAttack) continue;
    for (const SignatureResult s : l.signatures) EXPECT_EQ(s, SignatureResult::kAccepted);
    EXPECT_EQ(l.outcome, Outcome::kApproved);
  }
}

TEST(FlowAttacks, WithSigningOffEveryReplayChargesAgainAsAReplayDuplicate) {
  AttackRun r(replay_scenario(false));
  r.finish();
  const auto replays = r.of_attack(0);
  ASSERT_GT(replays.size(), 100u);
  std::map<std::uint64_t, const Life*> by_id;
  for (const auto& [serial, l] : r.rec.lives) by_id[l.payment.id] = &l;
  for (const Life* l : replays) {
    EXPECT_EQ(l->outcome, Outcome::kApproved);
    EXPECT_TRUE(l->signatures.empty());
    ASSERT_TRUE(l->reconciled_seen);
    EXPECT_TRUE(l->reconciled.duplicate);
    EXPECT_EQ(l->reconciled.cause, core::DuplicateCause::kReplay);
    EXPECT_EQ(l->reconciled.standing_charges, 1);
    // The very purchase of a legitimate payment of the last minute, charged again.
    const Life& original = *by_id.at(l->payment.replay_of - 1);
    EXPECT_EQ(original.payment.attack, core::kNoAttack);
    EXPECT_EQ(l->payment.card, original.payment.card);
    EXPECT_EQ(core::card_population_of(l->payment), original.payment.population);
    EXPECT_EQ(l->payment.amount, original.payment.amount);
    EXPECT_LE(l->payment.intended_arrival_s - original.payment.intended_arrival_s, 60.0 + 1.0);
  }
}

TEST(FlowAttacks, ANonceStoreOutageFailsClosedOrLetsReplaysThrough) {
  for (const bool fail_open : {false, true}) {
    SCOPED_TRACE(fail_open ? "fail_open" : "fail_closed");
    core::Scenario s = replay_scenario(true);
    s.nodes[0].signing.on_store_failure =
        fail_open ? core::StoreFailure::kFailOpen : core::StoreFailure::kFailClosed;
    AttackRun r(std::move(s));
    r.until(30.0);
    r.flow.set_nonce_store_available(0, false);
    r.until(40.0);
    r.flow.set_nonce_store_available(0, true);
    r.finish();
    std::map<std::uint64_t, const Life*> by_id;
    for (const auto& [serial, l] : r.rec.lives) by_id[l.payment.id] = &l;
    int outage_through = 0, outage_refused = 0, outside_through = 0;
    for (const auto& [serial, l] : r.rec.lives) {
      if (l.signatures.empty()) continue;
      const double at = l.payment.intended_arrival_s;
      const bool outage = at > 30.05 && at < 39.95;  // signed and checked inside it
      const bool through = l.outcome == Outcome::kApproved;
      if (l.payment.replay_of != 0) {
        EXPECT_EQ(l.reconciled.duplicate, through);
        if (outage) (through ? outage_through : outage_refused) += 1;
        // Outside the outage every replay is refused, except (fail_open) the replay of a
        // request accepted during the outage, whose nonce was never stored.
        const double original_at = by_id.at(l.payment.replay_of - 1)->payment.intended_arrival_s;
        const bool original_unrecorded = original_at > 29.0 && original_at < 41.0;
        if (!outage && (at < 29.95 || at > 40.05) && !original_unrecorded)
          outside_through += through;
      } else if (!fail_open && at > 30.05 && at < 39.0) {
        // Customers pressing inside the outage (and again, 0.1-0.6 s later) are refused.
        EXPECT_EQ(l.signatures[0], SignatureResult::kStoreUnavailable);
        EXPECT_NE(l.outcome, Outcome::kApproved);
      }
    }
    EXPECT_EQ(outside_through, 0);
    if (fail_open) {
      // Only the timestamp is checked: replays of the last 10 s get through.
      EXPECT_GT(outage_through, 0);
      EXPECT_GT(outage_refused, 0);  // stale ones are still refused
    } else {
      EXPECT_EQ(outage_through, 0);
      EXPECT_GT(outage_refused, 0);
    }
  }
}

// ---- Legitimate traffic is untouched -----------------------------------------------------

TEST(FlowAttacks, AddingAttacksLeavesEveryLegitimatePaymentExactlyAsItWas) {
  // Nothing queues and funds are unlimited, so nothing couples payments: every legitimate
  // payment must live the very same life with all five attacks running.
  const core::Scenario base = load(yaml());
  core::Scenario attacked = base;
  Attack ct = make_attack(Attack::Kind::kCardTesting, "ct", 5, 40, 40);
  ct.cards = 500;
  Attack bin = make_attack(Attack::Kind::kBinAttack, "bin", 10, 20, 30);
  Attack ato = make_attack(Attack::Kind::kAccountTakeover, "ato", 0, 60, 3);
  ato.amount = core::Distribution::lognormal_from_median_p99(600, 3000);
  Attack flood = make_attack(Attack::Kind::kFlood, "flood", 30, 5, 500);
  flood.amount = core::Distribution::constant(1.0);
  Attack replay = make_attack(Attack::Kind::kReplay, "replay", 15, 40, 10);
  attacked.attacks = {ct, bin, ato, flood, replay};

  AttackRun a(base);
  a.finish();
  AttackRun b(attacked);
  b.finish();
  std::size_t legit = 0;
  for (const auto& [serial, l] : b.rec.lives)
    if (l.payment.attack == core::kNoAttack) ++legit;
  ASSERT_EQ(legit, a.rec.lives.size());
  ASSERT_GT(legit, 2500u);
  for (std::uint32_t k = 0; k < 5; ++k) EXPECT_GT(b.of_attack(k).size(), 30u) << "attack " << k;
  for (const auto& [serial, l] : a.rec.lives) {
    const Life& other = b.rec.lives.at(serial);
    ASSERT_EQ(other.payment.attack, core::kNoAttack);
    EXPECT_EQ(l.lines, other.lines) << "legitimate payment serial " << serial;
  }
}

// ---- Card testing reacts -----------------------------------------------------------------

TEST(FlowAttacks, CardTestingPausesWhenDeclinesSpikeAndDropsDeclinedCards) {
  core::Scenario s = load(yaml());
  s.payers[0].cards = 1'000'000'000;  // stolen cards are all different cards
  Attack ct = make_attack(Attack::Kind::kCardTesting, "ct", 10, 40, 50);
  ct.cards = 100000;
  ct.tries_per_card = 3;
  ct.pause_above = 0.5;
  ct.pause_s = 10;
  s.attacks = {ct};
  AttackRun r(std::move(s));
  // The issuer declines everything (05) from 20 s to 40 s.
  const std::uint32_t iss = r.node("iss");
  r.until(20.0);
  r.flow.set_errors(iss, -1, 1.0, ResponseCode::kDoNotHonour);
  r.until(40.0);
  r.flow.set_errors(iss, -1, 0.0, ResponseCode::kDoNotHonour);
  r.finish();

  int before = 0, during = 0, after = 0;
  std::map<std::uint64_t, std::vector<const Life*>> by_card;
  for (const Life* l : r.of_attack(0)) {
    const double t = l->payment.intended_arrival_s;
    (t < 20 ? before : t < 40 ? during : after) += 1;
    by_card[l->payment.card].push_back(l);
  }
  // 50/s: about 500 tries in 10 s before; during the declines the bot pauses 10 s at a
  // time after each 100 answers mostly declined, so it sends a fraction of its rate.
  EXPECT_NEAR(before, 500, 4 * std::sqrt(500.0));
  EXPECT_LT(during, 400) << "it should have paused";
  EXPECT_GT(during, 100) << "it should have tried between pauses";
  EXPECT_GT(after, 300) << "it should have resumed";
  // Cards: one approved is tried three times; one declined is never tried again.
  int declined_cards = 0, thrice = 0;
  for (const auto& [card, tries] : by_card) {
    EXPECT_LE(tries.size(), 3u);
    for (std::size_t i = 0; i + 1 < tries.size(); ++i)
      EXPECT_NE(tries[i]->outcome, Outcome::kDeclined)
          << "card " << card << " tried after a decline";
    declined_cards += tries.back()->outcome == Outcome::kDeclined;
    thrice += tries.size() == 3;
  }
  EXPECT_GT(declined_cards, 100);
  EXPECT_GT(thrice, 100);
}

// ---- BIN attack --------------------------------------------------------------------------

TEST(FlowAttacks, ABinAttackGets14ForNumbersThatDoNotExistAndCostsTheIssuerEveryTry) {
  core::Scenario s = load(yaml());
  Attack bin = make_attack(Attack::Kind::kBinAttack, "bin", 10, 20, 100);
  bin.valid = 0.05;
  bin.amount = core::Distribution::uniform(1.0, 5.0);
  s.attacks = {bin};
  AttackRun r(std::move(s));
  r.finish();
  const std::uint32_t iss = r.node("iss");
  const auto tries = r.of_attack(0);
  ASSERT_GT(tries.size(), 1500u);  // about 2000
  int invalid = 0;
  for (const Life* l : tries) {
    EXPECT_TRUE(l->payment.fraud);
    EXPECT_EQ(l->served_at.back(), iss) << "every guess is served by the issuer";
    if (l->payment.card_exists) {
      EXPECT_EQ(l->outcome, Outcome::kApproved);
    } else {
      ++invalid;
      EXPECT_EQ(l->outcome, Outcome::kDeclined);
      EXPECT_EQ(l->code, ResponseCode::kInvalidCard);
      EXPECT_EQ(l->reconciled.standing_charges, 0);
    }
  }
  const double n = static_cast<double>(tries.size());
  EXPECT_NEAR(invalid, 0.95 * n, 4 * std::sqrt(n * 0.05 * 0.95));
}

// ---- Flood -------------------------------------------------------------------------------

TEST(FlowAttacks, AFloodIsRefused30AfterCostingTheGatewayAServiceAndQueuesTheCustomers) {
  // Two workers at 5 ms each: 400/s of capacity. 50/s of customers wait for nothing until
  // a flood of 600/s fills the gateway for 5 s.
  core::Scenario s = load(yaml("2", "{dist: constant, value: 5ms}"));
  Attack flood = make_attack(Attack::Kind::kFlood, "flood", 30, 5, 600);
  flood.amount = core::Distribution::constant(1.0);
  s.attacks = {flood};
  AttackRun r(std::move(s));
  r.finish();
  const auto junk = r.of_attack(0);
  ASSERT_GT(junk.size(), 2500u);
  for (const Life* l : junk) {
    EXPECT_FALSE(l->payment.fraud);
    EXPECT_EQ(l->served_at, std::vector<std::uint32_t>{0});
    // Refused 30 once served; those that waited longer than the bot's 10 s gave up first.
    if (l->outcome != Outcome::kAbandoned) {
      EXPECT_EQ(l->code, ResponseCode::kFormatError);
    }
    EXPECT_EQ(l->reconciled.standing_charges, 0);
  }
  double wait_quiet = 0, wait_flood = 0;
  int quiet = 0, flooded = 0;
  for (const auto& [serial, l] : r.rec.lives) {
    if (l.payment.attack != core::kNoAttack || l.queue_waits_s.empty()) continue;
    const double t = l.payment.intended_arrival_s;
    if (t < 29) {
      wait_quiet += l.queue_waits_s[0];
      ++quiet;
    } else if (t > 31 && t < 35) {
      wait_flood += l.queue_waits_s[0];
      ++flooded;
    }
  }
  ASSERT_GT(quiet, 1000);
  ASSERT_GT(flooded, 100);
  EXPECT_LT(wait_quiet / quiet, 0.005);
  // Arrivals 1.5x the capacity: the backlog grows by 250 requests a second (0.6 s of work).
  EXPECT_GT(wait_flood / flooded, 0.5);
}

}  // namespace
}  // namespace payquake::payments
