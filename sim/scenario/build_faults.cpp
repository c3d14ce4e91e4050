// Reading `faults` (DESIGN.md section 4): each fault's timing, the keys of its kind, and its
// target resolved against the sites, links and nodes, so the chaos code never meets a name
// that does not exist or a fault that could have no effect.
#include <array>

#include "scenario/build.hpp"
#include "scenario/suggest.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

using Kind = core::Fault::Kind;

// In core::Fault::Kind's order, so a choice's index is the kind.
const std::vector<std::string> kKinds{"crash",       "partition",    "latency",
                                      "loss",        "slowdown",     "errors",
                                      "store_outage", "site_outage", "policy_outage"};

// The keys every fault has (a partition names `between` instead of a target) and those of
// its kind.
std::vector<std::string> fault_keys(Kind k, std::vector<std::string> own) {
  std::vector<std::string> keys{"kind", k == Kind::kPartition ? "between" : "target", "at",
                                "duration"};
  keys.insert(keys.end(), own.begin(), own.end());
  keys.push_back("id");  // optional, for --set faults.<id>.at=...
  return keys;
}

// Each kind's keys, in core::Fault::Kind's order; documented in docs/scenario-format.md
// (keys.hpp).
const std::array<KeySet, 9> kKindKeys{{
    {"kind: crash", fault_keys(Kind::kCrash, {"restart"})},
    {"kind: partition", fault_keys(Kind::kPartition, {})},
    {"kind: latency", fault_keys(Kind::kLatency, {"add", "jitter"})},
    {"kind: loss", fault_keys(Kind::kLoss, {"rate"})},
    {"kind: slowdown", fault_keys(Kind::kSlowdown, {"factor"})},
    {"kind: errors", fault_keys(Kind::kErrors, {"rate", "code"})},
    {"kind: store_outage", fault_keys(Kind::kStoreOutage, {})},
    {"kind: site_outage", fault_keys(Kind::kSiteOutage, {})},
    {"kind: policy_outage", fault_keys(Kind::kPolicyOutage, {})},
}};
const KeySet kRestartKeys{"faults.restart", {"warmup", "slowdown"}};

// Every key any kind has: with an unknown kind, a key is not judged (one mistake, one
// message). What every fault has comes first, as people read it.
const KeySet kAnyFaultKey = [] {
  std::vector<const KeySet*> sets;
  for (const auto& k : kKindKeys) sets.push_back(&k);
  return KeySet::any_of(sets, {"kind", "target", "between", "at", "duration", "id"});
}();

constexpr std::string_view kNodeTargetForm = "a node id or node[replica], like iss-a or iss-a[0]";
constexpr std::string_view kLinkTargetForm = "link:<site>/<site>, site:<site> or a node id";
constexpr std::string_view kStoreTargetForm =
    "<gateway id>.idempotency or <gateway id>.nonces, like gw.idempotency";
constexpr std::string_view kPolicyTargetForm = "<node id>.fraud, like gw.fraud";
constexpr std::string_view kBetweenForm = "a list of two site ids or two node ids";
constexpr std::string_view kStoreSuffix = ".idempotency";
constexpr std::string_view kNonceSuffix = ".nonces";
constexpr std::string_view kPolicySuffix = ".fraud";

// The response codes an errors fault may answer with; "5" is 05 written as a number.
struct CodeSpelling {
  std::string_view text;
  core::ResponseCode code;
};
constexpr std::array<CodeSpelling, 6> kCodes{{{"05", core::ResponseCode::kDoNotHonour},
                                              {"5", core::ResponseCode::kDoNotHonour},
                                              {"51", core::ResponseCode::kInsufficientFunds},
                                              {"59", core::ResponseCode::kSuspectedFraud},
                                              {"91", core::ResponseCode::kIssuerInoperative},
                                              {"96", core::ResponseCode::kSystemMalfunction}}};

std::string listed(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string did_you_mean(const std::optional<std::string>& near) {
  return near ? " (did you mean '" + *near + "'?)" : "";
}

std::string article(core::Role role) {
  return role == core::Role::kAcquirer || role == core::Role::kIssuer ? "an " : "a ";
}

// "iss-a" → {iss-a, -1}; "iss-a[1]" → {iss-a, 1}. The index is written plainly (no sign, no
// leading zero), so the target reads back as written. nullopt for any other shape.
std::optional<std::pair<std::string, int>> split_replica(const std::string& text) {
  const std::size_t open = text.find('[');
  if (open == std::string::npos) {
    if (text.find(']') != std::string::npos) return std::nullopt;
    return std::pair{text, -1};
  }
  if (open == 0 || text.back() != ']') return std::nullopt;
  const std::string digits = text.substr(open + 1, text.size() - open - 2);
  constexpr std::size_t kMaxDigits = 9;  // stays within an int
  if (digits.empty() || digits.size() > kMaxDigits || (digits.size() > 1 && digits[0] == '0'))
    return std::nullopt;
  int index = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + (c - '0');
  }
  return std::pair{text.substr(0, open), index};
}

// The settings of `f`'s kind beyond its target (restart, add, rate, factor, code).
void read_parameters(Reader& r, const Value& v, const std::string& path, core::Fault& f) {
  switch (f.kind) {
    case Kind::kCrash:
      if (const Value* restart = v.find("restart")) {
        const std::string rp = join(path, "restart");
        if (r.mapping(*restart, rp, kRestartKeys)) {
          r.duration_field(*restart, rp, "warmup", Bound::kNonNegative, false, f.restart_warmup_s);
          if (const Value* x = restart->find("slowdown")) {
            // Below 1 a restarted node would be faster than a warm one.
            if (const auto k = r.number(*x, join(rp, "slowdown"), Bound::kAny)) {
              if (*k >= 1) {
                f.restart_slowdown = *k;
              } else {
                r.error(x->loc, join(rp, "slowdown"),
                        "expected a number >= 1, got " + describe(*x));
              }
            }
          }
        }
      }
      break;
    case Kind::kLatency:
      r.duration_field(v, path, "add", Bound::kNonNegative, true, f.add_s);
      r.duration_field(v, path, "jitter", Bound::kNonNegative, false, f.jitter_s);
      break;
    case Kind::kLoss:
    case Kind::kErrors:
      if (const Value* rate = r.get(v, path, "rate", true, kPercentForm))
        if (const auto p = r.share(*rate, join(path, "rate"))) f.rate = *p;
      break;
    case Kind::kSlowdown:
      if (const Value* x = r.get(v, path, "factor", true, "a number > 0"))
        if (const auto k = r.number(*x, join(path, "factor"), Bound::kPositive)) f.factor = *k;
      break;
    case Kind::kPartition:
    case Kind::kStoreOutage:
    case Kind::kSiteOutage:
    case Kind::kPolicyOutage:
      break;
  }
  if (f.kind == Kind::kErrors) {
    if (const Value* code = v.find("code")) {
      bool known = false;
      for (const auto& c : kCodes) {
        if (!code->is_scalar() || code->text != c.text) continue;
        f.code = c.code;
        known = true;
      }
      if (!known) {
        r.error(code->loc, join(path, "code"),
                "expected a response code, one of \"05\", \"51\", \"59\", \"91\", \"96\", got " +
                    describe(*code));
      }
    }
  }
}

}  // namespace

void Builder::read_faults(const Value& list) {
  if (!r_.list(list, "faults")) return;
  // A fault with an id is addressed by it (`--set faults.outage.at=5m`), one without by
  // its position (`--set faults[2].at=5m`).
  for (std::size_t i = 0; i < list.items.size(); ++i)
    read_fault(list.items[i], item_path("faults", i, list.items[i]));
}

void Builder::read_timeline_window(const Value& v, const std::string& path, double& at_s,
                                   double& duration_s) {
  const bool at_ok = r_.duration_field(v, path, "at", Bound::kNonNegative, true, at_s);
  if (at_ok && duration_ok_ && at_s >= s_.duration_s) {
    const Value* at = v.find("at");
    r_.error(at->loc, join(path, "at"),
             "expected a start before the scenario ends (duration " + root_.find("duration")->text +
                 "), got " + describe(*at));
  }
  r_.duration_field(v, path, "duration", Bound::kPositive, true, duration_s);
}

void Builder::read_fault(const Value& v, const std::string& path) {
  if (!v.is_mapping()) {
    r_.error(v.loc, path, "expected a mapping, got " + describe(v));
    return;
  }
  core::Fault f;
  if (const Value* id = v.find("id")) {
    if (const auto text = r_.new_id(*id, join(path, "id"))) {
      if (unique(fault_seen_, *text, id->loc, join(path, "id"), "fault")) f.id = *text;
    }
  }
  const Value* kind = r_.get(v, path, "kind", true, "one of " + listed(kKinds));
  const auto index = kind ? r_.choice(*kind, join(path, "kind"), kKinds) : std::nullopt;
  if (index) f.kind = static_cast<Kind>(*index);
  r_.mapping(v, path, index ? kKindKeys[*index] : kAnyFaultKey);

  read_timeline_window(v, path, f.at_s, f.duration_s);
  if (!index) return;  // the keys of an unknown kind are unknown

  // A fault whose target is wrong is still read whole: its other mistakes are reported too.
  const std::string target_path = join(path, "target");
  switch (f.kind) {
    case Kind::kCrash:
    case Kind::kSlowdown:
    case Kind::kErrors:
      if (const Value* t = r_.get(v, path, "target", true, kNodeTargetForm))
        node_target(*t, target_path, f);
      break;
    case Kind::kPartition:
      if (const Value* b = r_.get(v, path, "between", true, kBetweenForm))
        partition_ends(*b, join(path, "between"), f);
      break;
    case Kind::kLatency:
    case Kind::kLoss:
      if (const Value* t = r_.get(v, path, "target", true, kLinkTargetForm))
        link_target(*t, target_path, f);
      break;
    case Kind::kStoreOutage:
      if (const Value* t = r_.get(v, path, "target", true, kStoreTargetForm))
        store_target(*t, target_path, f);
      break;
    case Kind::kSiteOutage:
      if (const Value* t = r_.get(v, path, "target", true, "a site id")) {
        if (const auto site = site_ref(*t, target_path)) f.site = f.target = *site;
      }
      break;
    case Kind::kPolicyOutage:
      if (const Value* t = r_.get(v, path, "target", true, kPolicyTargetForm))
        policy_target(*t, target_path, f);
      break;
  }

  read_parameters(r_, v, path, f);
  s_.faults.push_back(std::move(f));
}

void Builder::node_target(const Value& v, const std::string& path, core::Fault& f) {
  const auto parts = v.is_scalar() ? split_replica(v.text) : std::nullopt;
  if (!parts || parts->first.empty()) {
    r_.error(v.loc, path, "expected " + std::string(kNodeTargetForm) + ", got " + describe(v));
    return;
  }
  const auto& [id, replica] = *parts;
  std::size_t i = 0;
  while (i < s_.nodes.size() && s_.nodes[i].id != id) ++i;
  if (i == s_.nodes.size()) {
    if (!nodes_complete_) return;  // it may be the node whose id could not be read
    std::vector<std::string> ids;
    for (const auto& n : s_.nodes) ids.push_back(n.id);
    r_.error(v.loc, path,
             "expected a node id (one of " + listed(ids) + "), got '" + id + "'" +
                 did_you_mean(r_.nearest(id, ids)));
    return;
  }
  const core::Node& n = s_.nodes[i];
  if (replica >= 0) {
    // A replicas value that could not be read was reported; n.replicas is then the default.
    const Value* written = node_src_[i].value->find("replicas");
    const auto count = written && written->is_scalar() ? parse_count(written->text) : std::nullopt;
    const bool replicas_known = !written || (count && *count == n.replicas);
    if (replicas_known && replica >= n.replicas) {
      r_.error(v.loc, path,
               "expected a replica index below " + std::to_string(n.replicas) + " (" + id +
                   " has " + std::to_string(n.replicas) +
                   (n.replicas == 1 ? " replica" : " replicas") + "), got " + describe(v));
      return;
    }
  }
  f.target = v.text;
  f.node = id;
  f.replica = replica;
}

void Builder::link_target(const Value& v, const std::string& path, core::Fault& f) {
  const std::string text = v.is_scalar() ? v.text : "";
  if (!text.empty() && s_.find_node(text)) {
    // A node: every message to or from its replicas (the links of its hosts).
    f.target = f.node = text;
    return;
  }
  if (const auto parts = split_replica(text);
      parts && parts->second >= 0 && s_.find_node(parts->first)) {
    r_.error(v.loc, path,
             "expected a whole node (loss and latency act on every replica's links), got " +
                 describe(v) + did_you_mean(parts->first));
    return;
  }
  std::vector<std::string> site_ids;
  for (const auto& site : s_.sites) site_ids.push_back(site.id);
  if (text.starts_with("site:")) {
    const std::string site = text.substr(5);
    if (!s_.find_site(site)) {
      if (!sites_complete_) return;
      const auto near = r_.nearest(site, site_ids);
      r_.error(v.loc, path,
               "expected site:<site> for a site id (one of " + listed(site_ids) + "), got " +
                   describe(v) + did_you_mean(near ? std::optional("site:" + *near) : near));
      return;
    }
    bool linked = false;
    for (const auto& link : s_.links) linked = linked || link.a == site || link.b == site;
    if (!linked && links_complete_) {
      r_.error(v.loc, path,
               "expected a site with a link in links, got " + describe(v) + " (" + site +
                   " has none, so the fault would have no effect)");
      return;
    }
    f.target = text;
    f.site = site;
    return;
  }
  const std::size_t slash = text.find('/');
  if (!text.starts_with("link:") || slash == std::string::npos) {
    // A site id or "a/b" without the prefix is the likely mistake.
    std::optional<std::string> meant;
    if (s_.find_site(text)) meant = "site:" + text;
    if (!text.empty() && slash != std::string::npos && text.find(':') == std::string::npos)
      meant = "link:" + text;
    r_.error(
        v.loc, path,
        "expected " + std::string(kLinkTargetForm) + ", got " + describe(v) + did_you_mean(meant));
    return;
  }
  const std::string a = text.substr(5, slash - 5);
  const std::string b = text.substr(slash + 1);
  for (const auto& link : s_.links) {
    if ((link.a == a && link.b == b) || (link.a == b && link.b == a)) {
      f.target = text;
      f.between = {a, b};
      return;
    }
  }
  if (!links_complete_) return;      // it may be the link that could not be read
  std::vector<std::string> written;  // each link, both ways round
  std::string links;
  for (const auto& link : s_.links) {
    written.push_back("link:" + link.a + "/" + link.b);
    written.push_back("link:" + link.b + "/" + link.a);
    links += (links.empty() ? "" : ", ") + link.a + "/" + link.b;
  }
  std::string message =
      "expected a link in links (" + (links.empty() ? "none" : links) + "), got " + describe(v);
  if (s_.find_site(a) && s_.find_site(b) && a != b) {
    message += " (no link between " + a + " and " + b + ")";
  } else {
    message += did_you_mean(r_.nearest(text, written));
  }
  r_.error(v.loc, path, std::move(message));
}

// Whether node `n`'s key `key` holds a mapping whose `enabled` could not be read: it was
// reported with the node, and whether the node has the store is unknown.
bool Builder::switch_unread(const core::Node* n, std::string_view key) const {
  const Value* section = nullptr;
  for (std::size_t i = 0; i < s_.nodes.size(); ++i)
    if (&s_.nodes[i] == n) section = node_src_[i].value->find(key);
  const Value* enabled = section && section->is_mapping() ? section->find("enabled") : nullptr;
  return section && !(enabled && enabled->is_scalar() && enabled->text == "false");
}

void Builder::store_target(const Value& v, const std::string& path, core::Fault& f) {
  std::vector<std::string> gateways;
  for (const auto& n : s_.nodes)
    if (n.role == core::Role::kGateway) gateways.push_back(n.id);
  const std::string text = v.is_scalar() ? v.text : "";
  const bool nonces = text.ends_with(kNonceSuffix) && text.size() > kNonceSuffix.size();
  const std::string_view suffix = nonces ? kNonceSuffix : kStoreSuffix;
  if (!nonces && (!text.ends_with(kStoreSuffix) || text.size() == kStoreSuffix.size())) {
    const bool is_node = !text.empty() && s_.find_node(text);
    r_.error(
        v.loc, path,
        "expected " + std::string(kStoreTargetForm) + ", got " + describe(v) +
            did_you_mean(is_node ? std::optional(text + std::string(kStoreSuffix)) : std::nullopt));
    return;
  }
  const std::string id = text.substr(0, text.size() - suffix.size());
  const std::string expected = "expected <gateway id>" + std::string(suffix) + " (gateways: " +
                               (gateways.empty() ? std::string("none") : listed(gateways)) +
                               "), got " + describe(v);
  bool role_known = false;
  const core::Node* n = find_node(id, &role_known);
  if (!n) {
    if (!nodes_complete_) return;
    const auto near = r_.nearest(id, gateways);
    r_.error(v.loc, path,
             expected + did_you_mean(near ? std::optional(*near + std::string(suffix))
                                          : std::nullopt));
    return;
  }
  if (!role_known) return;  // the node's role was reported
  if (n->role != core::Role::kGateway) {
    r_.error(v.loc, path,
             expected + " (" + id + " is " + article(n->role) + core::to_string(n->role) +
                 (nonces ? "; only gateways check request signatures)"
                         : "; only gateways keep idempotency keys)"));
    return;
  }
  if (nonces && !n->signing.enabled) {
    if (switch_unread(n, "signing")) return;
    r_.error(v.loc, path,
             "expected a gateway with signing enabled, got " + describe(v) + " (" + id +
                 " keeps no nonces, so the fault would have no effect)");
    return;
  }
  if (!nonces && !n->idempotency.enabled) {
    if (switch_unread(n, "idempotency")) return;
    r_.error(v.loc, path,
             "expected a gateway with idempotency enabled, got " + describe(v) + " (" + id +
                 " keeps no idempotency keys, so the fault would have no effect)");
    return;
  }
  f.target = text;
  f.node = id;
  f.store = nonces ? core::Fault::Store::kNonces : core::Fault::Store::kIdempotency;
}

void Builder::policy_target(const Value& v, const std::string& path, core::Fault& f) {
  std::vector<std::string> with_policy;
  for (const auto& n : s_.nodes)
    if (n.fraud) with_policy.push_back(n.id);
  const std::string text = v.is_scalar() ? v.text : "";
  if (!text.ends_with(kPolicySuffix) || text.size() == kPolicySuffix.size()) {
    const bool is_node = !text.empty() && s_.find_node(text);
    r_.error(v.loc, path,
             "expected " + std::string(kPolicyTargetForm) + ", got " + describe(v) +
                 did_you_mean(is_node ? std::optional(text + std::string(kPolicySuffix))
                                      : std::nullopt));
    return;
  }
  const std::string id = text.substr(0, text.size() - kPolicySuffix.size());
  bool role_known = false;
  const core::Node* n = find_node(id, &role_known);
  if (!n) {
    if (!nodes_complete_) return;
    const auto near = r_.nearest(id, with_policy);
    r_.error(v.loc, path,
             "expected <node id>.fraud for a node with a fraud policy (" +
                 (with_policy.empty() ? std::string("none has one") : listed(with_policy)) +
                 "), got " + describe(v) +
                 did_you_mean(near ? std::optional(*near + std::string(kPolicySuffix))
                                   : std::nullopt));
    return;
  }
  if (!n->fraud) {
    // A policy that was written but could not be read was reported with the node.
    for (std::size_t i = 0; i < s_.nodes.size(); ++i)
      if (&s_.nodes[i] == n && node_src_[i].value->find("fraud")) return;
    r_.error(v.loc, path,
             "expected a node with a fraud policy (" +
                 (with_policy.empty() ? std::string("none has one") : listed(with_policy)) +
                 "), got " + describe(v) + " (" + id +
                 " runs no policy, so the fault would have no effect)");
    return;
  }
  f.target = text;
  f.node = id;
}

void Builder::partition_ends(const Value& v, const std::string& path, core::Fault& f) {
  if (!v.is_sequence() || v.items.size() != 2) {
    r_.error(v.loc, path, "expected " + std::string(kBetweenForm) + ", got " + describe(v));
    return;
  }
  std::vector<std::string> site_ids;
  std::vector<std::string> node_ids;
  for (const auto& s : s_.sites) site_ids.push_back(s.id);
  for (const auto& n : s_.nodes) node_ids.push_back(n.id);
  struct End {
    std::string id;
    bool site = false;
    bool node = false;
  };
  End ends[2];
  bool ok = true;
  for (std::size_t k = 0; k < 2; ++k) {
    const Value& item = v.items[k];
    const std::string item_path = path + "[" + std::to_string(k) + "]";
    const auto id = r_.id(item, item_path);
    if (!id) {
      ok = false;
      continue;
    }
    ends[k] = {*id, s_.find_site(*id) != nullptr, s_.find_node(*id) != nullptr};
    if (ends[k].site || ends[k].node) continue;
    ok = false;
    if (!sites_complete_ || !nodes_complete_) continue;  // it may be an unreadable one
    std::vector<std::string> both = site_ids;
    both.insert(both.end(), node_ids.begin(), node_ids.end());
    r_.error(item.loc, item_path,
             "expected a site id (" + listed(site_ids) + ") or a node id (" + listed(node_ids) +
                 "), got '" + *id + "'" + did_you_mean(r_.nearest(*id, both)));
  }
  if (!ok) return;
  // An id that names both a site and a node takes the meaning of the other end.
  const bool sites = ends[0].site && ends[1].site;
  const bool nodes = ends[0].node && ends[1].node;
  if (!sites && !nodes) {
    const End& site = ends[0].site ? ends[0] : ends[1];
    const End& node = ends[0].site ? ends[1] : ends[0];
    r_.error(
        v.loc, path,
        "expected two sites or two nodes, got site '" + site.id + "' and node '" + node.id + "'");
    return;
  }
  if (ends[0].id == ends[1].id) {
    r_.error(v.loc, path,
             std::string("expected two different ") + (sites ? "sites" : "nodes") + ", got '" +
                 ends[0].id + "' twice");
    return;
  }
  f.between = {ends[0].id, ends[1].id};
  f.between_nodes = !sites;
}

}  // namespace payquake::scenario
