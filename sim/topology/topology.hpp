// The network of sites and links as a Boost.Graph graph, with lowest-latency routes
// between sites. Pure: no SimGrid here; the engine builds its platform from this.
#pragma once

#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace payquake::topology {

struct Route {
  std::vector<int> links;  // indices into Scenario::links, from source site to destination
  double latency_s = 0.0;  // sum of the links' latencies
};

class Topology {
 public:
  // REQUIRES: `scenario` came from the loader, which refuses (located) sites with nodes
  // that no links join and paths longer than the ledger records (core::kMaxPathNodes);
  // both are asserted here as bug guards.
  explicit Topology(const core::Scenario& scenario);

  int site_count() const { return static_cast<int>(sites_.size()); }
  int site_index(const std::string& id) const;  // -1 when unknown
  const core::Site& site(int i) const { return sites_[static_cast<std::size_t>(i)]; }
  int node_site(int node) const { return node_site_[static_cast<std::size_t>(node)]; }

  // Lowest-latency route between two different sites; `reachable` false when none.
  const Route& route(int from_site, int to_site) const;
  bool reachable(int from_site, int to_site) const;

  // One-way latency of a message from a node on `from_site` to a node on `to_site`:
  // the site's internal latency within a site, the route's latency across sites.
  double hop_latency_s(int from_site, int to_site) const;

 private:
  // True when no request can pass more than core::kMaxPathNodes.
  static bool path_lengths_fit(const core::Scenario& scenario);

  std::vector<core::Site> sites_;
  std::vector<int> node_site_;
  std::vector<Route> routes_;  // site_count^2, row-major
  std::vector<char> reachable_;
};

}  // namespace payquake::topology
