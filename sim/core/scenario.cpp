#include "core/scenario.hpp"

#include <algorithm>

namespace payquake::core {

const char* to_string(Role r) {
  switch (r) {
    case Role::kGateway: return "gateway";
    case Role::kAcquirer: return "acquirer";
    case Role::kNetwork: return "network";
    case Role::kIssuer: return "issuer";
  }
  return "?";
}

const char* to_string(IoMode m) { return m == IoMode::kAsync ? "async" : "blocking"; }

const char* to_string(Routing r) {
  switch (r) {
    case Routing::kFailover: return "failover";
    case Routing::kRoundRobin: return "round_robin";
    case Routing::kLeastOutstanding: return "least_outstanding";
    case Routing::kByBin: return "by_bin";
  }
  return "?";
}

const char* to_string(Detection d) { return d == Detection::kProbe ? "probe" : "oracle"; }

const char* to_string(ArrivalProcess a) {
  return a == ArrivalProcess::kPoisson ? "poisson" : "uniform";
}

const char* to_string(Jitter j) {
  switch (j) {
    case Jitter::kNone: return "none";
    case Jitter::kFull: return "full";
    case Jitter::kEqual: return "equal";
  }
  return "?";
}

const char* to_string(StoreFailure f) {
  return f == StoreFailure::kFailClosed ? "fail_closed" : "fail_open";
}

const char* to_string(ConcurrentKey c) { return c == ConcurrentKey::kConflict ? "conflict" : "wait"; }

const char* to_string(KeyPolicy k) {
  switch (k) {
    case KeyPolicy::kReuse: return "reuse";
    case KeyPolicy::kNew: return "new";
    case KeyPolicy::kNone: return "none";
  }
  return "?";
}

const char* to_string(Fault::Kind k) {
  switch (k) {
    case Fault::Kind::kCrash: return "crash";
    case Fault::Kind::kPartition: return "partition";
    case Fault::Kind::kLatency: return "latency";
    case Fault::Kind::kLoss: return "loss";
    case Fault::Kind::kSlowdown: return "slowdown";
    case Fault::Kind::kErrors: return "errors";
    case Fault::Kind::kStoreOutage: return "store_outage";
    case Fault::Kind::kSiteOutage: return "site_outage";
    case Fault::Kind::kPolicyOutage: return "policy_outage";
  }
  return "?";
}

const char* to_string(Attack::Kind k) {
  switch (k) {
    case Attack::Kind::kCardTesting: return "card_testing";
    case Attack::Kind::kBinAttack: return "bin_attack";
    case Attack::Kind::kAccountTakeover: return "account_takeover";
    case Attack::Kind::kFlood: return "flood";
    case Attack::Kind::kReplay: return "replay";
  }
  return "?";
}

const char* to_string(Expectation::Op op) {
  switch (op) {
    case Expectation::Op::kEq: return "==";
    case Expectation::Op::kLe: return "<=";
    case Expectation::Op::kGe: return ">=";
    case Expectation::Op::kLt: return "<";
    case Expectation::Op::kGt: return ">";
  }
  return "?";
}

const Node* Scenario::find_node(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

const Site* Scenario::find_site(const std::string& id) const {
  for (const auto& s : sites)
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace payquake::core

namespace payquake::core {

double default_drain_limit_s(const Scenario& s) {
  constexpr double kMarginS = 600.0;  // ten minutes: far beyond any normal drain
  double client_chain_s = 0.0;
  for (const auto& p : s.payers) {
    const Client& c = p.client;
    const double presses_s = (c.retries + 1) * c.timeout_s +
                             c.retries * std::max(0.0, c.retry_delay.expected()) +
                             std::max(0.0, c.double_submit_delay.expected());
    client_chain_s = std::max(client_chain_s, presses_s);
  }
  double hop_chain_s = 0.0;
  for (const auto& n : s.nodes) {
    const double sends = std::max(n.retry.attempts, n.reversal.attempts);
    hop_chain_s = std::max(hop_chain_s, sends * (n.timeout_s + n.reversal.backoff_s));
    if (n.stand_in.enabled)
      hop_chain_s = std::max(hop_chain_s, kMaxAdviceSends * n.reversal.backoff_s);
  }
  return kMarginS + 2.0 * (client_chain_s + hop_chain_s);
}

}  // namespace payquake::core
