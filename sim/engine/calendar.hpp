// payquake's own event calendar: the hot path. Events pop in (time, insertion sequence)
// order, so equal-time events run in the order they were scheduled and every run is
// reproducible.
//
// Two structures hold them. A 4-ary min-heap (half the depth of a binary one) takes any
// event. FIFO lanes take the messages of one hop: a message over a hop of constant latency
// L is scheduled at now + L with `now` nondecreasing, so a hop's messages come due in the
// order they were sent. A lane keeps them in a ring and only its head sits in the heap, so
// the heap holds about one entry per busy lane and worker instead of one per message in
// flight: at 10k-100k in flight it stays in L1 rather than walking cache-missing levels,
// and the rings are read sequentially. An event dated before its lane's tail (jitter, a
// latency fault) goes to the heap instead, so any schedule stays exact.
#pragma once

#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/ring_queue.hpp"

namespace payquake::engine {

struct Event {
  double time_s = 0.0;
  std::uint64_t seq = 0;
  std::uint32_t index = 0;       // what the event is about (an attempt, a population, ...)
  std::uint32_t generation = 0;  // guards against stale events for a reused index
  std::uint8_t kind = 0;         // interpreted by the handler
  std::uint8_t arg = 0;          // a small payload (a response code)
  std::uint16_t lane = 0xffff;   // the calendar's bookkeeping: the lane it heads, or none
  std::uint32_t hint = 0;        // a second index the handler may prefetch (a payment)
};

class Calendar {
 public:
  // Lane numbers fit Event::lane; a caller with more hops than that leaves the rest unlaned.
  static constexpr std::uint16_t kNoLane = 0xffff;
  static constexpr std::size_t kMaxLanes = kNoLane;

  // REQUIRES: time_s >= 0 (the heap orders times by their bits).
  void schedule(double time_s, std::uint8_t kind, std::uint32_t index,
                std::uint32_t generation = 0, std::uint8_t arg = 0, std::uint32_t hint = 0) {
    push_heap(Event{time_s, next_seq_++, index, generation, kind, arg, kNoLane, hint});
  }

  // As schedule(), for a message over the hop `lane` (any number below kMaxLanes that the
  // caller keeps for one hop). Cheapest when the hop's messages are scheduled in time
  // order, as a constant latency gives; correct in any order.
  void schedule_in_lane(std::size_t lane, double time_s, std::uint8_t kind, std::uint32_t index,
                        std::uint32_t generation = 0, std::uint8_t arg = 0,
                        std::uint32_t hint = 0) {
    if (lane >= kMaxLanes) {
      schedule(time_s, kind, index, generation, arg, hint);
      return;
    }
    if (lane >= lanes_.size()) lanes_.resize(lane + 1);
    Lane& l = lanes_[lane];
    const Event e{time_s, next_seq_++, index, generation, kind, arg,
                  static_cast<std::uint16_t>(lane), hint};
    if (!l.active) {
      l.active = true;
      l.tail_s = time_s;
      push_heap(e);  // the lane's head
    } else if (time_s >= l.tail_s) {
      l.tail_s = time_s;
      l.behind_head.push(e);
    } else {
      push_heap(Event{e.time_s, e.seq, index, generation, kind, arg, kNoLane, hint});
    }
  }

  bool empty() const { return heap_.empty(); }
  // Events scheduled and not yet popped.
  std::size_t size() const {
    std::size_t n = heap_.size();
    for (const Lane& l : lanes_) n += l.behind_head.size();
    return n;
  }
  // REQUIRES: !empty().
  const Event& top() const { return heap_.front(); }

  // REQUIRES: !empty().
  Event pop() {
    assert(!heap_.empty());
    Event out = heap_.front();
    if (out.lane != kNoLane) {
      Lane& l = lanes_[out.lane];
      if (!l.behind_head.empty()) {
        sift_down(l.behind_head.pop());  // the lane's next event takes the root's place
        return out;
      }
      l.active = false;
    }
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return out;
  }

 private:
  static constexpr std::size_t kArity = 4;

  struct Lane {
    RingQueue<Event> behind_head;  // in (time, seq) order; the head itself is in the heap
    double tail_s = 0.0;           // time of the lane's latest event
    bool active = false;           // the lane has a head in the heap
  };

  // (time, seq) as one 128-bit number: times are never negative, and the bits of
  // non-negative doubles order as the doubles do. One compare without a branch, where
  // `time < || (time == && seq <)` mispredicts about every other sift step.
  __extension__ using Key = unsigned __int128;
  static Key key(const Event& e) {
    return (static_cast<Key>(std::bit_cast<std::uint64_t>(e.time_s)) << 64) | e.seq;
  }
  static bool before(const Event& a, const Event& b) { return key(a) < key(b); }

  void push_heap(const Event& e) {
    assert(e.time_s >= 0 && !std::signbit(e.time_s));
    heap_.push_back(e);
    sift_up(heap_.size() - 1);
  }

  void sift_up(std::size_t i) {
    const Event e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  // Places `e` starting from the root hole. The least child is picked with conditional
  // moves, not branches: which child is least is a coin toss the predictor cannot learn.
  void sift_down(const Event& e) {
    const std::size_t n = heap_.size();
    const Key ke = key(e);
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      Key kb = key(heap_[first]);
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c) {
        const Key kc = key(heap_[c]);
        const bool less = kc < kb;
        best = less ? c : best;
        kb = less ? kc : kb;
      }
      if (!(kb < ke)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::vector<Lane> lanes_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace payquake::engine
