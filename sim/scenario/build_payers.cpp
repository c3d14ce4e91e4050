// Reading `payers`: each population's fields, the node ids it names, and the shares that
// must add up to 100%.
#include <cmath>
#include <cstdio>

#include "scenario/build.hpp"
#include "scenario/limits.hpp"
#include "scenario/read_distribution.hpp"
#include "scenario/suggest.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

// Documented in docs/scenario-format.md (keys.hpp).
const KeySet kPayerKeys{
    "payers",
    {"id", "share", "cards", "activity", "issuers", "entry", "amount", "client", "load",
     "merchants", "second_device", "fraud_rate"}};

// Shares are exact to 1e-9: "33.3333333333%" three times is not 100%.
constexpr double kShareTolerance = 1e-9;

// A share sum for messages: six significant digits hide the binary noise of 0.1 + 0.2.
std::string percent_text(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g%%", fraction * 100);
  return buf;
}

std::string article(core::Role role) {
  return role == core::Role::kAcquirer || role == core::Role::kIssuer ? "an " : "a ";
}

}  // namespace

void Builder::read_payers(const Value& list) {
  if (!r_.list(list, "payers")) return;
  if (list.items.empty()) {
    r_.error(list.loc, "payers", "expected at least one payer population, got an empty list");
    return;
  }
  const bool share_required = list.items.size() > 1;
  bool shares_ok = true;
  double sum = 0;
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    read_payer(list.items[i], item_path("payers", i, list.items[i]), share_required, sum,
               shares_ok);
  }
  if (!shares_ok) return;
  if (std::fabs(sum - 1.0) > kShareTolerance) {
    r_.error(list.loc, "payers", "expected shares summing to 100%, got " + percent_text(sum));
  }
}

void Builder::read_payer(const Value& v, const std::string& path, bool share_required,
                         double& share_sum, bool& share_ok) {
  if (!r_.mapping(v, path, kPayerKeys)) {
    share_ok = false;
    return;
  }
  core::Payers p;
  PayerSource src{&v, path, false, false};
  const Value* id_value = r_.get(v, path, "id", true, "an id");
  const auto id = id_value ? r_.new_id(*id_value, join(path, "id")) : std::nullopt;
  if (const Value* share = r_.get(v, path, "share", share_required, kPercentForm)) {
    const auto s = r_.share(*share, join(path, "share"));
    if (s) p.share = *s;
    share_ok = share_ok && s.has_value();
  } else if (share_required) {
    share_ok = false;
  }
  share_sum += p.share;
  if (r_.count_field(v, path, "cards", 1, true, p.cards) && p.cards > kMaxCards) {
    r_.error(v.find("cards")->loc, join(path, "cards"),
             "expected a count <= " + std::to_string(kMaxCards) +
                 " (2^40, the card numbers an "
                 "account key holds), got " +
                 describe(*v.find("cards")));
  }
  if (const Value* a = r_.get(v, path, "activity", false, ""))
    if (auto d = read_activity(r_, *a, join(path, "activity"))) p.activity = *d;
  if (const Value* amount = r_.get(v, path, "amount", true, "a distribution"))
    if (auto d = read_distribution(r_, *amount, join(path, "amount"), ParamUnit::kMoney))
      p.amount = *d;
  read_payer_fraud(v, path, p);
  if (const Value* client = r_.get(v, path, "client", false, ""))
    read_client(*client, join(path, "client"), p.client);
  if (const Value* load = r_.get(v, path, "load", false, "")) {
    core::Load own;
    if (read_load(*load, join(path, "load"), kPayerLoadKeys, own)) p.load = std::move(own);
  }

  if (const Value* entry = r_.get(v, path, "entry", true, "the id of a gateway")) {
    if (const auto e = r_.id(*entry, join(path, "entry"))) {
      p.entry = *e;
      bool role_known = false;
      const core::Node* node = find_node(*e, &role_known);
      std::vector<std::string> ids;
      for (const auto& n : s_.nodes) ids.push_back(n.id);
      const auto near = node ? std::nullopt : r_.nearest(*e, ids);
      if (!node && !nodes_complete_) {
        // It may be the node whose id could not be read; that node was reported.
      } else if (!node) {
        r_.error(entry->loc, join(path, "entry"),
                 "expected the id of a gateway, got '" + *e + "'" +
                     (near ? " (did you mean '" + *near + "'?)" : " (no node has that id)"));
      } else if (!role_known) {
        // The node's role was reported already; whether it is a gateway is unknown.
      } else if (node->role != core::Role::kGateway) {
        r_.error(entry->loc, join(path, "entry"),
                 "expected the id of a gateway, got '" + *e + "' (" + article(node->role) +
                     core::to_string(node->role) + ")");
      } else {
        src.entry_known = true;
      }
    }
  }
  if (const Value* issuers = r_.get(v, path, "issuers", true, "a mapping of issuer id to share"))
    read_payer_issuers(*issuers, join(path, "issuers"), p, src);

  if (!id || !unique(payer_seen_, *id, id_value->loc, join(path, "id"), "payer")) return;
  p.id = *id;
  s_.payers.push_back(std::move(p));
  payer_src_.push_back(std::move(src));
}

void Builder::read_payer_issuers(const Value& m, const std::string& path, core::Payers& p,
                                 PayerSource& src) {
  if (!m.is_mapping()) {
    r_.error(m.loc, path,
             "expected a mapping of issuer id to share, like {iss-a: 100%}, got " + describe(m));
    return;
  }
  std::vector<std::string> issuer_ids;
  for (const auto& n : s_.nodes)
    if (n.role == core::Role::kIssuer) issuer_ids.push_back(n.id);
  bool all_known = true;
  bool shares_ok = true;
  double sum = 0;
  for (std::size_t i = 0; i < m.keys.size(); ++i) {
    const Key& key = m.keys[i];
    const std::string key_path = join(path, key.text);
    if (m.index_of(key.text) != static_cast<int>(i)) {
      r_.error(key.loc, key_path, "expected each issuer once, got '" + key.text + "' again");
      all_known = shares_ok = false;
      continue;
    }
    bool role_known = false;
    const core::Node* node = find_node(key.text, &role_known);
    if (!node && !nodes_complete_) {
      all_known = false;  // it may be the node whose id could not be read
    } else if (!node) {
      const auto near = r_.nearest(key.text, issuer_ids);
      r_.error(key.loc, key_path,
               "expected the id of an issuer, got '" + key.text + "'" +
                   (near ? " (did you mean '" + *near + "'?)" : " (no node has that id)"));
      all_known = false;
    } else if (!role_known) {
      all_known = false;  // reported with the node
    } else if (node->role != core::Role::kIssuer) {
      r_.error(key.loc, key_path,
               "expected the id of an issuer, got '" + key.text + "' (" + article(node->role) +
                   core::to_string(node->role) + ")");
      all_known = false;
    }
    const auto share = r_.share(m.items[i], key_path);
    if (!share) {
      shares_ok = false;
      continue;
    }
    sum += *share;
    p.issuers.emplace_back(key.text, *share);
  }
  src.issuers_known = all_known;
  if (shares_ok && std::fabs(sum - 1.0) > kShareTolerance) {
    r_.error(m.loc, path, "expected shares summing to 100%, got " + percent_text(sum));
  }
}

}  // namespace payquake::scenario
