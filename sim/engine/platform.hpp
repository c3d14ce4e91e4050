// The SimGrid side of a run: one engine, the platform built from the topology (a zone per
// site, a host per node replica, links between sites, CM02 so a configured latency means
// what it says), and the per-hop latencies read back from SimGrid's routes. Every SimGrid
// call of the project lives in sim/engine, so an upgrade to SimGrid 4 touches few files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "engine/network_view.hpp"
#include "topology/topology.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
class Link;
}  // namespace simgrid::s4u

namespace payquake::engine {

class Platform : public NetworkView {
 public:
  // Creates the process's only SimGrid engine. `slowdowns` lists every service slowdown
  // factor the fault plan will need: each host gets a power state per factor.
  // REQUIRES: called once per process.
  Platform(const core::Scenario& scenario, const topology::Topology& topology,
           const std::vector<double>& slowdowns = {});
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  simgrid::s4u::Engine& engine() { return *engine_; }
  // Hosts no fault may target: the calendar's actor lives here, since turning a host
  // off kills every actor on it.
  simgrid::s4u::Host* control_host() const { return control_host_; }
  simgrid::s4u::Host* host(int node, int replica) const;

  // NetworkView.
  bool host_up(int node, int replica) const override {
    return host_up_[station(node, replica)] != 0;
  }
  double slowdown(int node, int replica) const override {
    return slowdown_[station(node, replica)];
  }
  bool route_up(int from_node, int to_node) const override {
    return route_up_[pair(from_node, to_node)] != 0;
  }
  // One-way latency of a message between two nodes, as SimGrid routes it.
  double hop_latency_s(int from_node, int to_node) const override {
    return hop_latency_[pair(from_node, to_node)];
  }

  // Platform changes, made by the fault injector at their simulated time.
  void set_host_on(int node, int replica, bool on);
  // REQUIRES: `factor` is 1 or one of the constructor's slowdowns.
  void set_host_slowdown(int node, int replica, double factor);
  void set_link_on(int link, bool on);
  void set_link_latency(int link, double latency_s);
  double link_base_latency_s(int link) const { return base_link_latency_[static_cast<std::size_t>(link)]; }
  int replicas(int node) const { return static_cast<int>(hosts_[static_cast<std::size_t>(node)].size()); }

 private:
  void build(const core::Scenario& scenario, const topology::Topology& topology,
             const std::vector<double>& speeds);
  void read_routes();
  std::size_t pair(int a, int b) const {
    return static_cast<std::size_t>(a) * node_count_ + static_cast<std::size_t>(b);
  }
  std::size_t station(int node, int replica) const {
    return first_station_[static_cast<std::size_t>(node)] + static_cast<std::size_t>(replica);
  }

  std::unique_ptr<simgrid::s4u::Engine> engine_;
  simgrid::s4u::Host* control_host_ = nullptr;
  std::vector<std::vector<simgrid::s4u::Host*>> hosts_;  // [node][replica]
  std::vector<simgrid::s4u::Link*> links_;  // Scenario::links order
  std::vector<double> base_link_latency_;
  std::vector<double> pstate_slowdown_;     // power state i runs this many times slower
  std::size_t node_count_ = 0;
  std::vector<std::size_t> first_station_;
  std::vector<char> host_up_;
  std::vector<double> slowdown_;
  std::vector<double> hop_latency_;
  std::vector<char> route_up_;
};

}  // namespace payquake::engine
