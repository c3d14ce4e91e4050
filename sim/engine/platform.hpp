// The SimGrid side of a run: one engine, the platform built from the topology (a zone per
// site, a host per node replica, links between sites, CM02 so a configured latency means
// what it says), and the per-hop latencies read back from SimGrid's routes. Every SimGrid
// call of the project lives in sim/engine, so an upgrade to SimGrid 4 touches few files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/scenario.hpp"
#include "topology/topology.hpp"

namespace simgrid::s4u {
class Engine;
class Host;
}  // namespace simgrid::s4u

namespace payquake::engine {

class Platform {
 public:
  // Creates the process's only SimGrid engine. REQUIRES: called once per process.
  Platform(const core::Scenario& scenario, const topology::Topology& topology);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  simgrid::s4u::Engine& engine() { return *engine_; }
  // Hosts no fault may target: the calendar's actor lives here, since turning a host
  // off kills every actor on it.
  simgrid::s4u::Host* control_host() const { return control_host_; }
  simgrid::s4u::Host* host(int node, int replica) const;

  // One-way latency of a message between two nodes, as SimGrid routes it.
  double hop_latency_s(int from_node, int to_node) const {
    return hop_latency_[static_cast<std::size_t>(from_node) * node_count_ +
                        static_cast<std::size_t>(to_node)];
  }

 private:
  void build(const core::Scenario& scenario, const topology::Topology& topology);
  void read_latencies();

  std::unique_ptr<simgrid::s4u::Engine> engine_;
  simgrid::s4u::Host* control_host_ = nullptr;
  std::vector<std::vector<simgrid::s4u::Host*>> hosts_;  // [node][replica]
  std::size_t node_count_ = 0;
  std::vector<double> hop_latency_;
};

}  // namespace payquake::engine
