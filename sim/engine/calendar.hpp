// payquake's own event calendar: the hot path. Payments travel as small events on a
// 4-ary min-heap ordered by (time, insertion sequence), so equal-time events run in the
// order they were scheduled and every run is reproducible. A 4-ary heap halves the
// depth of a binary one; the measured profile of this flow is dominated by sifting.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

namespace payquake::engine {

struct Event {
  double time_s = 0.0;
  std::uint64_t seq = 0;
  std::uint32_t index = 0;       // what the event is about (an attempt, a population, ...)
  std::uint32_t generation = 0;  // guards against stale events for a reused index
  std::uint8_t kind = 0;         // interpreted by the handler
  std::uint8_t arg = 0;          // a small payload (a response code)
};

class Calendar {
 public:
  void schedule(double time_s, std::uint8_t kind, std::uint32_t index,
                std::uint32_t generation = 0, std::uint8_t arg = 0) {
    heap_.push_back(Event{time_s, next_seq_++, index, generation, kind, arg});
    sift_up(heap_.size() - 1);
  }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // REQUIRES: !empty().
  const Event& top() const { return heap_.front(); }

  // REQUIRES: !empty().
  Event pop() {
    assert(!heap_.empty());
    Event out = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(last);
    return out;
  }

 private:
  static constexpr std::size_t kArity = 4;

  static bool before(const Event& a, const Event& b) {
    return a.time_s < b.time_s || (a.time_s == b.time_s && a.seq < b.seq);
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

  // Places `e` (the former last element) starting from the root hole.
  void sift_down(const Event& e) {
    const std::size_t n = heap_.size();
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = i * kArity + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t end = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < end; ++c)
        if (before(heap_[c], heap_[best])) best = c;
      if (!before(heap_[best], e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace payquake::engine
