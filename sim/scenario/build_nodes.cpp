// Reading `nodes`: each node's own fields and the rules that depend only on its role.
#include "scenario/build.hpp"
#include "scenario/limits.hpp"
#include "scenario/read_distribution.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

// Documented in docs/scenario-format.md (keys.hpp).
const KeySet kNodeKeys{
    "nodes",
    {"id", "role", "site", "replicas", "workers", "queue", "io", "service_time", "next", "routing",
     "timeout", "bins", "retry", "reversal", "idempotency", "stand_in", "accounts",
     "health_check", "outlier_detection", "fraud", "signing"}};
const std::vector<std::string> kRoles{"gateway", "acquirer", "network", "issuer"};
const std::vector<std::string> kRoutings{"failover", "round_robin", "least_outstanding", "by_bin"};

bool is_bin(const Value& v) {
  if (!v.is_scalar() || v.text.empty()) return false;
  for (char c : v.text)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

void Builder::read_nodes(const Value& list) {
  if (!r_.list(list, "nodes")) return;
  if (list.items.size() > kMaxNodes) {
    r_.error(list.loc, "nodes",
             "expected at most " + std::to_string(kMaxNodes) + " nodes, got " +
                 std::to_string(list.items.size()));
    nodes_complete_ = false;
    return;
  }
  for (std::size_t i = 0; i < list.items.size(); ++i)
    read_node(list.items[i], item_path("nodes", i, list.items[i]));
}

void Builder::read_node(const Value& v, const std::string& path) {
  if (!r_.mapping(v, path, kNodeKeys)) {
    nodes_complete_ = false;
    return;
  }
  core::Node n;
  const Value* id_value = r_.get(v, path, "id", true, "an id");
  const auto id = id_value ? r_.new_id(*id_value, join(path, "id")) : std::nullopt;
  bool role_known = false;
  if (const Value* role =
          r_.get(v, path, "role", true, "one of gateway, acquirer, network, issuer")) {
    if (const auto i = r_.choice(*role, join(path, "role"), kRoles)) {
      n.role = static_cast<core::Role>(*i);  // kRoles is in core::Role's order
      role_known = true;
    }
  }
  if (const Value* site = r_.get(v, path, "site", true, "a site id"))
    if (const auto s = site_ref(*site, join(path, "site"))) n.site = *s;

  r_.count_field(v, path, "replicas", 1, false, n.replicas);
  r_.count_field(v, path, "workers", 1, true, n.workers);
  if (const Value* q = r_.get(v, path, "queue", false, "")) {
    const auto c = q->is_scalar() ? parse_count(q->text) : std::nullopt;
    if (q->is_scalar() && q->text == "unlimited") {
      n.queue = core::kUnlimitedQueue;
    } else if (c && *c >= 0) {
      n.queue = *c;
    } else {
      r_.error(q->loc, join(path, "queue"),
               "expected a count >= 0 or 'unlimited', got " + describe(*q));
    }
  }
  if (const Value* io = r_.get(v, path, "io", false, ""))
    if (const auto i = r_.choice(*io, join(path, "io"), {"async", "blocking"}))
      n.io = *i == 0 ? core::IoMode::kAsync : core::IoMode::kBlocking;
  if (const Value* st = r_.get(v, path, "service_time", true, "a distribution"))
    if (auto d = read_distribution(r_, *st, join(path, "service_time"), ParamUnit::kDuration))
      n.service_time = *d;
  if (const Value* timeout = placed(v, path, "timeout", n, role_known))
    if (const auto d = r_.duration(*timeout, join(path, "timeout"), Bound::kPositive))
      n.timeout_s = *d;
  read_node_links(v, path, n, role_known);
  read_node_semantics(v, path, n, role_known);
  read_node_fraud(v, path, n, role_known);

  nodes_complete_ = nodes_complete_ && id.has_value();
  if (!id || !unique(node_seen_, *id, id_value->loc, join(path, "id"), "node")) return;
  n.id = *id;
  s_.nodes.push_back(std::move(n));
  node_src_.push_back({&v, path, role_known});
}

void Builder::read_node_links(const Value& v, const std::string& path, core::Node& n,
                              bool role_known) {
  const std::string role = core::to_string(n.role);
  const Value* next = v.find("next");
  if (next && r_.list(*next, join(path, "next"))) {
    for (std::size_t i = 0; i < next->items.size(); ++i)
      if (const auto id = r_.id(next->items[i], join(path, "next") + "[" + std::to_string(i) + "]"))
        n.next.push_back(*id);
  }
  const bool forwards = n.role == core::Role::kGateway || n.role == core::Role::kAcquirer;
  if (role_known && n.role == core::Role::kIssuer && next && !next->items.empty()) {
    next_ok_ = false;
    r_.error(next->loc, join(path, "next"),
             "expected no next on an issuer (issuers answer, they do not forward), got " +
                 describe(*next));
  } else if (role_known && forwards && (!next || (next->is_sequence() && next->items.empty()))) {
    next_ok_ = false;
    r_.error(next ? next->loc : v.loc, join(path, "next"),
             "expected at least one next node for " +
                 std::string(n.role == core::Role::kAcquirer ? "an " : "a ") + role + ", got " +
                 (next ? describe(*next) : "nothing (the key is missing)"));
  }

  n.routing = n.role == core::Role::kNetwork ? core::Routing::kByBin : core::Routing::kFailover;
  if (const Value* routing = v.find("routing")) {
    if (const auto i = r_.choice(*routing, join(path, "routing"), kRoutings)) {
      n.routing = static_cast<core::Routing>(*i);  // kRoutings is in core::Routing's order
      if (role_known && n.routing == core::Routing::kByBin && n.role != core::Role::kNetwork) {
        r_.error(routing->loc, join(path, "routing"),
                 "expected one of failover, round_robin, least_outstanding (by_bin is for "
                 "networks only), got 'by_bin'");
      }
    }
  }

  const Value* bins = v.find("bins");
  if (!role_known) return;
  if (n.role != core::Role::kIssuer) {
    if (bins) {
      r_.error(bins->loc, join(path, "bins"),
               "expected no bins on " +
                   std::string(n.role == core::Role::kAcquirer ? "an " : "a ") + role +
                   " (only issuers serve BINs), got " + describe(*bins));
    }
    return;
  }
  constexpr std::string_view kBins = "a non-empty list of BINs for an issuer, like [\"4111\"]";
  if (!bins || !bins->is_sequence() || bins->items.empty()) {
    r_.error(bins ? bins->loc : v.loc, join(path, "bins"),
             "expected " + std::string(kBins) + ", got " +
                 (bins ? describe(*bins) : "nothing (the key is missing)"));
    return;
  }
  for (std::size_t i = 0; i < bins->items.size(); ++i) {
    const Value& bin = bins->items[i];
    if (is_bin(bin)) {
      n.bins.push_back(bin.text);
    } else {
      r_.error(bin.loc, join(path, "bins") + "[" + std::to_string(i) + "]",
               "expected a BIN (digits, like \"4111\"), got " + describe(bin));
    }
  }
}

}  // namespace payquake::scenario
