#include "topology/topology.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <algorithm>
#include <cassert>
#include <limits>

namespace payquake::topology {
namespace {

struct LinkEdge {
  int link = 0;
  double latency_s = 0.0;
};

using SiteGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          LinkEdge>;

}  // namespace

Topology::Topology(const core::Scenario& scenario) : sites_(scenario.sites) {
  const auto n = sites_.size();
  SiteGraph graph(n);
  for (std::size_t i = 0; i < scenario.links.size(); ++i) {
    const auto& link = scenario.links[i];
    boost::add_edge(static_cast<std::size_t>(site_index(link.a)),
                    static_cast<std::size_t>(site_index(link.b)),
                    LinkEdge{static_cast<int>(i), link.latency_s}, graph);
  }
  for (const auto& node : scenario.nodes) node_site_.push_back(site_index(node.site));

  routes_.resize(n * n);
  reachable_.assign(n * n, 0);
  for (std::size_t src = 0; src < n; ++src) {
    std::vector<double> distance(n);
    std::vector<std::size_t> predecessor(n);
    boost::dijkstra_shortest_paths(
        graph, src,
        boost::weight_map(boost::get(&LinkEdge::latency_s, graph))
            .distance_map(boost::make_iterator_property_map(
                distance.begin(), boost::get(boost::vertex_index, graph)))
            .predecessor_map(boost::make_iterator_property_map(
                predecessor.begin(), boost::get(boost::vertex_index, graph))));
    for (std::size_t dst = 0; dst < n; ++dst) {
      if (dst == src || predecessor[dst] == dst) continue;  // itself, or no path
      Route& route = routes_[src * n + dst];
      route.latency_s = distance[dst];
      for (std::size_t v = dst; v != src; v = predecessor[v]) {
        // Among parallel links the lowest-latency one is the one Dijkstra relaxed.
        double best = std::numeric_limits<double>::infinity();
        int best_link = -1;
        for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
          if (boost::target(*e, graph) != predecessor[v]) continue;
          if (graph[*e].latency_s < best) {
            best = graph[*e].latency_s;
            best_link = graph[*e].link;
          }
        }
        route.links.insert(route.links.begin(), best_link);
      }
      reachable_[src * n + dst] = 1;
    }
    reachable_[src * n + src] = 1;
  }

  assert(path_lengths_fit(scenario) && "the loader refuses paths beyond kMaxPathNodes");
  for ([[maybe_unused]] const auto& node : scenario.nodes) {
    assert(reachable(site_index(node.site), site_index(scenario.nodes.front().site)) &&
           "the loader refuses sites with nodes that no links join");
  }
}

namespace {

// The most nodes on any path from `node` to an issuer, following `next` (a network
// without `next` reaches every issuer). Validation has ruled out cycles.
int longest_path(const core::Scenario& s, std::size_t node, std::vector<int>& memo) {
  if (memo[node] > 0) return memo[node];
  const core::Node& n = s.nodes[node];
  int best = 0;
  const auto visit = [&](const std::string& id) {
    for (std::size_t i = 0; i < s.nodes.size(); ++i)
      if (s.nodes[i].id == id) best = std::max(best, longest_path(s, i, memo));
  };
  if (n.role == core::Role::kNetwork && n.next.empty()) {
    for (const auto& other : s.nodes)
      if (other.role == core::Role::kIssuer) visit(other.id);
  }
  for (const auto& next : n.next) visit(next);
  return memo[node] = best + 1;
}

}  // namespace

bool Topology::path_lengths_fit(const core::Scenario& scenario) {
  std::vector<int> memo(scenario.nodes.size(), 0);
  for (const auto& payers : scenario.payers) {
    for (std::size_t i = 0; i < scenario.nodes.size(); ++i)
      if (scenario.nodes[i].id == payers.entry &&
          longest_path(scenario, i, memo) > core::kMaxPathNodes)
        return false;
  }
  return true;
}

int Topology::site_index(const std::string& id) const {
  for (std::size_t i = 0; i < sites_.size(); ++i)
    if (sites_[i].id == id) return static_cast<int>(i);
  return -1;
}

const Route& Topology::route(int from_site, int to_site) const {
  return routes_[static_cast<std::size_t>(from_site) * sites_.size() +
                 static_cast<std::size_t>(to_site)];
}

bool Topology::reachable(int from_site, int to_site) const {
  return reachable_[static_cast<std::size_t>(from_site) * sites_.size() +
                    static_cast<std::size_t>(to_site)] != 0;
}

double Topology::hop_latency_s(int from_site, int to_site) const {
  if (from_site == to_site) return site(from_site).internal_latency_s;
  return route(from_site, to_site).latency_s;
}

}  // namespace payquake::topology
