// The fault injector: turns the scenario's fault timeline into platform changes applied
// on SimGrid's clock at exactly their dates. At every date where some fault starts or
// ends, the desired state of every host, link and flow-level knob is recomputed from
// all faults active then (so overlapping faults compose) and the differences are applied:
// hosts turned off and on and slowed down through power states, links turned off and
// their latency changed (SimGrid objects); loss, jitter, brown-outs, partitions inside a
// site and the idempotency store through the flow.
#pragma once

#include <vector>

#include "core/scenario.hpp"
#include "engine/driver.hpp"
#include "engine/platform.hpp"
#include "engine/fault_hooks.hpp"
#include "topology/topology.hpp"

namespace payquake::chaos {

// Every slowdown factor a host will run at (slowdown faults and restart warm-ups,
// combined where they overlap): the platform gives each its own power state.
std::vector<double> slowdown_factors(const core::Scenario& scenario);

// The platform changes of the fault plan, sorted by date, for engine::run. `platform`
// and `flow` (the flow-level effects) must outlive the run.
std::vector<engine::PlatformChange> plan(const core::Scenario& scenario,
                                         const topology::Topology& topology,
                                         engine::Platform& platform, engine::FaultHooks& flow);

}  // namespace payquake::chaos
