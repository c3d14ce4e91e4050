// Routing: which next hop a node sends a payment to, and which replica of it. A plain object
// the flow asks; it holds the routing tables, the round-robin cursors and what each node's
// health checks believe of every station (alive, and usable: alive and not ejected), and
// reads each station's `up` and `outstanding` from the caller's own station array, so the
// flow's hot path pays no virtual call and no copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/scenario.hpp"

namespace payquake::payments {

class Router {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  // The payer's entry: no health check in front of it, it sees which replicas are up.
  static constexpr std::uint32_t kPayer = 0xffffffffu;

  // A node as routing sees it. Stations (replicas) of a node are contiguous from `first_station`.
  struct Node {
    core::Routing routing = core::Routing::kFailover;
    std::vector<std::uint32_t> next;  // next-hop nodes, in the order `failover` tries them
    std::uint32_t first_station = 0;
    std::uint32_t replicas = 1;
  };

  Router() = default;
  // `bin_owner[b]` is the issuer node of BIN index b (by_bin routing). Every node starts
  // believing every station alive and usable.
  Router(std::vector<Node> nodes, std::vector<std::uint32_t> bin_owner, std::size_t stations);

  const Node& node(std::uint32_t n) const { return nodes_[n]; }
  const std::vector<std::uint32_t>& next(std::uint32_t n) const { return nodes_[n].next; }
  std::uint32_t first_station(std::uint32_t n) const { return nodes_[n].first_station; }
  std::uint32_t replicas(std::uint32_t n) const { return nodes_[n].replicas; }
  std::uint32_t bin_owner(std::uint32_t bin) const { return bin_owner_[bin]; }

  // What `node`'s health checks believe of `station` (the watch index: node x stations).
  std::size_t watch_index(std::uint32_t node, std::uint32_t station) const {
    return node * stations_ + station;
  }
  bool alive(std::size_t watch) const { return alive_[watch] != 0; }
  void set_alive(std::size_t watch, bool alive) { alive_[watch] = alive ? 1 : 0; }
  // Alive and not ejected by outlier detection.
  void set_usable(std::size_t watch, bool usable) { usable_[watch] = usable ? 1 : 0; }

  // Whether `from_node` believes some replica of `to_node` answers. Routing skips a next
  // hop for which it is false.
  bool node_reachable(std::uint32_t from_node, std::uint32_t to_node) const {
    const std::uint8_t* alive = &alive_[watch_index(from_node, nodes_[to_node].first_station)];
    for (std::uint32_t r = 0; r < nodes_[to_node].replicas; ++r)
      if (alive[r]) return true;
    return false;
  }

  // The next hop of a payment (of BIN index `bin`) at `node` under the node's policy, among
  // those `node_reachable` says answer; kNone when none is left (the caller fails fast).
  // `stations[s].outstanding` is the load least_outstanding compares.
  template <typename Stations>
  std::uint32_t next_node(std::uint32_t node, std::uint32_t bin, const Stations& stations);

  // A replica of `node` for a request from `checker` (a node, or kPayer) under `routing`:
  // among the replicas the checker believes usable; else alive (panic routing: ejections
  // never empty the pool); else those whose `stations[s].up` holds. With none up, one
  // anyway (its request is lost). Never kNone.
  template <typename Stations>
  std::uint32_t replica(std::uint32_t checker, std::uint32_t node, core::Routing routing,
                        const Stations& stations);

 private:
  // One pass over the replicas of `node` for which `ok(station)` holds; kNone if none.
  template <typename Stations, typename Ok>
  std::uint32_t pick_replica(std::uint32_t node, core::Routing routing, const Stations& stations,
                             Ok ok);

  struct Cursors {
    std::uint32_t round_robin = 0;  // next candidate among next hops (round_robin)
    std::uint32_t replica = 0;      // next candidate among the replicas of this node
  };

  std::vector<Node> nodes_;
  std::vector<Cursors> cursors_;  // per node
  std::vector<std::uint32_t> bin_owner_;
  std::size_t stations_ = 0;
  std::vector<std::uint8_t> alive_;   // node x stations: health checks say it answers
  std::vector<std::uint8_t> usable_;  // node x stations: alive and not ejected
};

template <typename Stations>
std::uint32_t Router::next_node(std::uint32_t node, std::uint32_t bin, const Stations& stations) {
  const Node& spec = nodes_[node];
  switch (spec.routing) {
    case core::Routing::kByBin: {
      const std::uint32_t issuer = bin_owner_[bin];
      return node_reachable(node, issuer) ? issuer : kNone;
    }
    case core::Routing::kFailover:
      for (const std::uint32_t candidate : spec.next)
        if (node_reachable(node, candidate)) return candidate;
      return kNone;
    case core::Routing::kRoundRobin: {
      std::uint32_t& cursor = cursors_[node].round_robin;
      for (std::size_t tried = 0; tried < spec.next.size(); ++tried) {
        const std::uint32_t candidate = spec.next[cursor++ % spec.next.size()];
        if (node_reachable(node, candidate)) return candidate;
      }
      return kNone;
    }
    case core::Routing::kLeastOutstanding: {
      std::uint32_t best = kNone;
      std::uint64_t best_load = UINT64_MAX;
      for (const std::uint32_t candidate : spec.next) {
        if (!node_reachable(node, candidate)) continue;
        const Node& c = nodes_[candidate];
        std::uint64_t load = 0;
        for (std::uint32_t r = 0; r < c.replicas; ++r)
          load += stations[c.first_station + r].outstanding;
        if (load < best_load) {
          best_load = load;
          best = candidate;
        }
      }
      return best;
    }
  }
  return kNone;
}

template <typename Stations, typename Ok>
std::uint32_t Router::pick_replica(std::uint32_t node, core::Routing routing,
                                   const Stations& stations, Ok ok) {
  const Node& spec = nodes_[node];
  const std::uint32_t replicas = spec.replicas;
  if (routing == core::Routing::kLeastOutstanding) {
    std::uint32_t best = kNone;
    for (std::uint32_t r = 0; r < replicas; ++r) {
      const std::uint32_t candidate = spec.first_station + r;
      if (!ok(candidate)) continue;
      if (best == kNone || stations[candidate].outstanding < stations[best].outstanding)
        best = candidate;
    }
    return best;
  }
  std::uint32_t& cursor = cursors_[node].replica;
  for (std::uint32_t tried = 0; tried < replicas; ++tried) {
    const std::uint32_t candidate = spec.first_station + (cursor++ % replicas);
    if (ok(candidate)) return candidate;
  }
  return kNone;
}

template <typename Stations>
std::uint32_t Router::replica(std::uint32_t checker, std::uint32_t node, core::Routing routing,
                              const Stations& stations) {
  const Node& spec = nodes_[node];
  const std::uint32_t replicas = spec.replicas;
  if (replicas == 1) return spec.first_station;
  std::uint32_t s = kNone;
  if (checker != kPayer) {
    const std::uint8_t* usable = &usable_[watch_index(checker, 0)];
    const std::uint8_t* alive = &alive_[watch_index(checker, 0)];
    s = pick_replica(node, routing, stations, [usable](std::uint32_t c) { return usable[c] != 0; });
    if (s == kNone)
      s = pick_replica(node, routing, stations, [alive](std::uint32_t c) { return alive[c] != 0; });
  }
  if (s == kNone)
    s = pick_replica(node, routing, stations,
                     [&stations](std::uint32_t c) { return static_cast<bool>(stations[c].up); });
  if (s != kNone) return s;
  if (routing == core::Routing::kLeastOutstanding) return spec.first_station;
  return spec.first_station + (cursors_[node].replica++ % replicas);
}

}  // namespace payquake::payments
