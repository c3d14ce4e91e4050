// Reading the fraud side of a scenario (issue 10): the scenario-wide `fraud` economics, a
// gateway's or issuer's `fraud` policy and a gateway's `signing`, a population's merchants,
// devices and fraud rate, and the `attacks` timeline, each attack's keys judged by its kind
// as a fault's are.
#include <algorithm>
#include <array>
#include <cmath>

#include "scenario/build.hpp"
#include "scenario/fraud_policy_file.hpp"
#include "scenario/limits.hpp"
#include "scenario/read_distribution.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

using AK = core::Attack::Kind;

// Documented in docs/scenario-format.md (keys.hpp).
const KeySet kFraudKeys{"fraud", {"base_rate", "chargeback_fee", "margin"}};
const KeySet kSigningKeys{"nodes.signing",
                          {"enabled", "window", "nonce_capacity", "on_store_failure"}};

// In core::Attack::Kind's order, so a choice's index is the kind.
const std::vector<std::string> kAttackKinds{"card_testing", "bin_attack", "account_takeover",
                                            "flood", "replay"};
// In core::StoreFailure's order.
const std::vector<std::string> kStoreFailures{"fail_closed", "fail_open"};

// The keys every attack has and those of its kind.
std::vector<std::string> attack_keys(std::vector<std::string> own) {
  std::vector<std::string> keys{"kind", "id", "entry", "at", "duration", "rate"};
  keys.insert(keys.end(), own.begin(), own.end());
  return keys;
}

// Each kind's keys, in core::Attack::Kind's order.
const std::array<KeySet, 5> kAttackKindKeys{{
    {"kind: card_testing",
     attack_keys({"amount", "payers", "cards", "devices", "tries_per_card", "pause_above",
                  "pause"})},
    {"kind: bin_attack", attack_keys({"amount", "issuer", "valid", "devices"})},
    {"kind: account_takeover", attack_keys({"amount", "payers"})},
    {"kind: flood", attack_keys({"amount"})},
    {"kind: replay", attack_keys({"capture"})},
}};

// With an unknown kind no key is judged: its one mistake gives one message.
const KeySet kAnyAttackKey = [] {
  std::vector<const KeySet*> sets;
  for (const auto& k : kAttackKindKeys) sets.push_back(&k);
  return KeySet::any_of(sets, {"kind", "id", "entry", "at", "duration", "rate"});
}();

// The amounts each kind pays when `amount` is not given (docs/scenario-format.md): small
// test charges, BIN probes, the large purchases of a taken-over account, a flood's token.
core::Distribution default_amount(AK k) {
  switch (k) {
    case AK::kCardTesting:
      return core::Distribution::uniform(0.50, 2.00);
    case AK::kBinAttack:
      return core::Distribution::uniform(1.00, 5.00);
    case AK::kAccountTakeover:
      return core::Distribution::lognormal_from_median_p99(600.00, 3000.00);
    case AK::kFlood:
    case AK::kReplay:  // a replay resends the captured payment's own amount
      return core::Distribution::constant(1.00);
  }
  return core::Distribution::constant(1.00);
}

std::string listed(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string did_you_mean(const std::optional<std::string>& near) {
  return near ? " (did you mean '" + *near + "'?)" : "";
}

}  // namespace

void Builder::read_fraud(const Value& v) {
  if (!r_.mapping(v, "fraud", kFraudKeys)) return;
  if (const Value* x = v.find("base_rate"))
    if (const auto p = r_.percent(*x, "fraud.base_rate")) s_.fraud.base_rate = *p;
  if (const Value* x = v.find("chargeback_fee"))
    if (const auto m = r_.money(*x, "fraud.chargeback_fee", Bound::kNonNegative))
      s_.fraud.chargeback_fee = core::Money{std::llround(*m * 100.0)};
  if (const Value* x = v.find("margin"))
    if (const auto p = r_.percent(*x, "fraud.margin")) s_.fraud.margin = *p;
}

void Builder::read_node_fraud(const Value& v, const std::string& path, core::Node& n,
                              bool role_known) {
  if (const Value* x = placed(v, path, "fraud", n, role_known)) {
    n.fraud = read_fraud_policy_value(*x, join(path, "fraud"), diags_);
  }
  const Value* x = placed(v, path, "signing", n, role_known);
  if (!x) return;
  const std::string sp = join(path, "signing");
  if (!r_.mapping(*x, sp, kSigningKeys)) return;
  // Required, as idempotency's: {window: 5m} alone would read as signing that never happens.
  r_.bool_field(*x, sp, "enabled", true, n.signing.enabled);
  r_.duration_field(*x, sp, "window", Bound::kPositive, false, n.signing.window_s);
  r_.count_field(*x, sp, "nonce_capacity", 1, false, n.signing.nonce_capacity);
  if (const Value* f = x->find("on_store_failure"))
    if (const auto i = r_.choice(*f, join(sp, "on_store_failure"), kStoreFailures))
      n.signing.on_store_failure = static_cast<core::StoreFailure>(*i);
}

void Builder::read_payer_fraud(const Value& v, const std::string& path, core::Payers& p) {
  if (r_.count_field(v, path, "merchants", 1, false, p.merchants) && p.merchants > kMaxCards) {
    r_.error(v.find("merchants")->loc, join(path, "merchants"),
             "expected a count <= " + std::to_string(kMaxCards) + " (2^40), got " +
                 describe(*v.find("merchants")));
  }
  if (const Value* x = v.find("second_device"))
    if (const auto s = r_.percent(*x, join(path, "second_device"))) p.second_device = *s;
  if (const Value* x = v.find("fraud_rate"))
    if (const auto s = r_.percent(*x, join(path, "fraud_rate"))) p.fraud_rate = *s;
}

void Builder::read_attacks(const Value& list) {
  if (!r_.list(list, "attacks")) return;
  if (list.items.size() > kMaxAttacks) {
    r_.error(list.loc, "attacks",
             "expected at most " + std::to_string(kMaxAttacks) + " attacks, got " +
                 std::to_string(list.items.size()));
    return;
  }
  std::array<int, 5> of_kind{};  // attacks of each kind so far: the default ids' numbers
  std::map<std::string, Loc> seen;
  // Ids written come first: a default id that one of them takes is reported at the default.
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const Value& v = list.items[i];
    const Value* id = v.is_mapping() ? v.find("id") : nullptr;
    if (!id) continue;
    if (const auto text = r_.new_id(*id, join(item_path("attacks", i, v), "id")))
      unique(seen, *text, id->loc, join(item_path("attacks", i, v), "id"), "attack");
  }
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const Value& v = list.items[i];
    if (!v.is_mapping()) {
      r_.error(v.loc, item_path("attacks", i, v), "expected a mapping, got " + describe(v));
      continue;
    }
    const Value* kind = v.find("kind");
    std::optional<std::size_t> index;
    for (std::size_t k = 0; kind && kind->is_scalar() && k < kAttackKinds.size(); ++k)
      if (kind->text == kAttackKinds[k]) index = k;
    std::string id;
    if (const Value* written = v.find("id")) {
      id = written->is_scalar() ? written->text : "";
    } else if (index) {
      id = kAttackKinds[*index] + "-" + std::to_string(of_kind[*index] + 1);
      if (seen.contains(id)) {
        r_.error(kind->loc, item_path("attacks", i, v),
                 "expected a unique attack id, got the default id '" + id +
                     "', which another attack has (give this one an id)");
      }
    }
    if (index) ++of_kind[*index];
    // Addressed by its id, written or default: `--set attacks.card_testing-1.rate=50/s`.
    read_attack(v, id.empty() || !is_safe_id(id) ? item_path("attacks", i, v) : "attacks." + id,
                id);
  }
}

void Builder::read_attack(const Value& v, const std::string& path, const std::string& id) {
  core::Attack a;
  a.id = id;
  const Value* kind = r_.get(v, path, "kind", true, "one of " + listed(kAttackKinds));
  const auto index = kind ? r_.choice(*kind, join(path, "kind"), kAttackKinds) : std::nullopt;
  if (index) a.kind = static_cast<AK>(*index);
  r_.mapping(v, path, index ? kAttackKindKeys[*index] : kAnyAttackKey);

  read_timeline_window(v, path, a.at_s, a.duration_s);
  if (const Value* rate = r_.get(v, path, "rate", true, "a rate > 0, like 30/s"))
    if (const auto x = r_.rate(*rate, join(path, "rate"), Bound::kPositive)) a.rate_per_s = *x;
  if (const Value* entry = r_.get(v, path, "entry", true, "the id of a gateway"))
    attack_entry(*entry, join(path, "entry"), a);
  if (!index) return;  // the keys of an unknown kind are unknown

  a.amount = default_amount(a.kind);
  if (const Value* x = v.find("amount"))
    if (auto d = read_distribution(r_, *x, join(path, "amount"), ParamUnit::kMoney)) a.amount = *d;
  read_attack_targets(v, path, a);
  r_.count_field(v, path, "cards", 1, false, a.cards);
  r_.count_field(v, path, "devices", 1, false, a.devices);
  r_.count_field(v, path, "tries_per_card", 1, false, a.tries_per_card);
  if (const Value* x = v.find("devices"); x && a.devices > kMaxCards) {
    r_.error(x->loc, join(path, "devices"),
             "expected a count <= " + std::to_string(kMaxCards) + " (2^40), got " + describe(*x));
  }
  // The bot's list holds stolen numbers of real cards: no more than the population has.
  for (const auto& p : s_.payers) {
    const Value* x = v.find("cards");
    if (!x || p.id != a.payers || a.cards <= p.cards) continue;
    r_.error(x->loc, join(path, "cards"),
             "expected at most the " + std::to_string(p.cards) + " cards of population '" + p.id +
                 "' (the stolen cards are real ones), got " + describe(*x));
  }
  if (const Value* x = v.find("pause_above"))
    if (const auto p = r_.percent(*x, join(path, "pause_above"))) a.pause_above = *p;
  r_.duration_field(v, path, "pause", Bound::kPositive, false, a.pause_s);
  if (const Value* x = v.find("valid"))
    if (const auto p = r_.percent(*x, join(path, "valid"))) a.valid = *p;
  r_.duration_field(v, path, "capture", Bound::kPositive, false, a.capture_s);

  s_.attacks.push_back(std::move(a));
  attack_src_.push_back({&v, path});
}

void Builder::attack_entry(const Value& v, const std::string& path, core::Attack& a) {
  const auto e = r_.id(v, path);
  if (!e) return;
  a.entry = *e;
  bool role_known = false;
  const core::Node* node = find_node(*e, &role_known);
  std::vector<std::string> gateways;
  for (const auto& n : s_.nodes)
    if (n.role == core::Role::kGateway) gateways.push_back(n.id);
  if (!node) {
    if (!nodes_complete_) return;  // it may be the node whose id could not be read
    r_.error(v.loc, path,
             "expected the id of a gateway (" + listed(gateways) + "), got '" + *e + "'" +
                 did_you_mean(r_.nearest(*e, gateways)));
  } else if (role_known && node->role != core::Role::kGateway) {
    r_.error(v.loc, path,
             "expected the id of a gateway (" + listed(gateways) + "), got '" + *e + "' (" +
                 std::string(node->role == core::Role::kNetwork ? "a " : "an ") +
                 core::to_string(node->role) + "; attacks arrive where customers do)");
  }
}

void Builder::read_attack_targets(const Value& v, const std::string& path, core::Attack& a) {
  if (!s_.payers.empty()) a.payers = s_.payers.front().id;
  for (const auto& n : s_.nodes) {
    if (n.role != core::Role::kIssuer) continue;
    a.issuer = n.id;
    break;
  }
  if (const Value* x = v.find("payers")) {
    if (const auto id = r_.id(*x, join(path, "payers"))) {
      std::vector<std::string> ids;
      for (const auto& p : s_.payers) ids.push_back(p.id);
      if (std::find(ids.begin(), ids.end(), *id) != ids.end()) {
        a.payers = *id;
      } else if (const Value* written = root_.find("payers");
                 written && written->items.size() == ids.size()) {
        // (Else it may be the population whose id could not be read; that was reported.)
        r_.error(x->loc, join(path, "payers"),
                 "expected a payer population id (" + listed(ids) + "), got '" + *id + "'" +
                     did_you_mean(r_.nearest(*id, ids)));
      }
    }
  }
  if (const Value* x = v.find("issuer")) {
    if (const auto id = r_.id(*x, join(path, "issuer"))) {
      std::vector<std::string> issuers;
      for (const auto& n : s_.nodes)
        if (n.role == core::Role::kIssuer) issuers.push_back(n.id);
      bool role_known = false;
      const core::Node* n = find_node(*id, &role_known);
      if (n && (!role_known || n->role == core::Role::kIssuer)) {
        a.issuer = *id;
      } else if (n || nodes_complete_) {
        r_.error(x->loc, join(path, "issuer"),
                 "expected the id of an issuer (" + listed(issuers) + "), got '" + *id + "'" +
                     (n ? " (" + std::string(n->role == core::Role::kAcquirer ? "an " : "a ") +
                              core::to_string(n->role) + ")"
                        : did_you_mean(r_.nearest(*id, issuers))));
      }
    }
  }
}

}  // namespace payquake::scenario
