// What the flow may read of the platform: which hosts are up, how fast they run, which
// routes are up and how long they take. SimGrid's objects hold the truth; the platform
// caches it here so the hot path pays an array read, not a kernel call.
#pragma once

#include <cstddef>

namespace payquake::engine {

class NetworkView {
 public:
  virtual ~NetworkView() = default;
  virtual bool host_up(int node, int replica) const = 0;
  // Service takes this many times longer than nominal (1 = nominal speed).
  virtual double slowdown(int node, int replica) const = 0;
  // False when a link on the route between the two nodes' sites is off.
  virtual bool route_up(int from_node, int to_node) const = 0;
  virtual double hop_latency_s(int from_node, int to_node) const = 0;
};

}  // namespace payquake::engine
