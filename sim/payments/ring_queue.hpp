// The flow's FIFOs (waiting rooms, deadline lists) are the engine's ring buffer.
#pragma once

#include "engine/ring_queue.hpp"

namespace payquake::payments {

using engine::RingQueue;

}  // namespace payquake::payments
