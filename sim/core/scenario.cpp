#include "core/scenario.hpp"

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

const char* to_string(ArrivalProcess a) {
  return a == ArrivalProcess::kPoisson ? "poisson" : "uniform";
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
