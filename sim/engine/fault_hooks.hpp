// What the fault injector may change beyond SimGrid's platform objects: the flow-level
// effects the platform does not model (lost messages, brown-outs, partitions inside a
// site, the idempotency store). The flow implements it; chaos/ sees only this seam, so
// faults stay data replayed on the clock, not code inside the model.
#pragma once

#include <cstdint>

#include "core/payment.hpp"

namespace payquake::engine {

class FaultHooks {
 public:
  virtual ~FaultHooks() = default;
  // A replica's host went down: its queue and the work in service are lost.
  virtual void crash(std::uint32_t node, std::uint32_t replica, double t) = 0;
  // Brown-out: `rate` of requests arriving at the node (replica -1: every replica) are
  // answered at once with `code`. Rate 0 ends it.
  virtual void set_errors(std::uint32_t node, int replica, double rate,
                          core::ResponseCode code) = 0;
  // Per site pair, with every link fault along the route between them folded in.
  virtual void set_link_loss(std::uint32_t site_a, std::uint32_t site_b, double rate) = 0;
  virtual void set_link_jitter(std::uint32_t site_a, std::uint32_t site_b, double jitter_s) = 0;
  // Every message to or from a replica of `node`: lost with probability `loss`, delayed by
  // `add_s` plus uniform [0, jitter_s]. All zero ends it.
  virtual void set_node_link(std::uint32_t node, double loss, double add_s, double jitter_s) = 0;
  // Messages between the two nodes (or sites) are lost.
  virtual void set_partition(std::uint32_t node_a, std::uint32_t node_b, bool partitioned) = 0;
  virtual void set_site_partition(std::uint32_t site_a, std::uint32_t site_b,
                                  bool partitioned) = 0;
  virtual void set_store_available(std::uint32_t node, bool available) = 0;
  // The gateway's nonce store (request signing) and a node's fraud policy dependency.
  virtual void set_nonce_store_available(std::uint32_t node, bool available) = 0;
  virtual void set_policy_available(std::uint32_t node, bool available) = 0;
  // Called after every batch of changes at one date.
  virtual void platform_changed(double t) = 0;
};

}  // namespace payquake::engine
