// A FIFO on a growable ring buffer: the calendar's lanes, a station's waiting room and a
// node's timeout list live here on the hot path, where std::deque's chunk allocations
// showed up.
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace payquake::engine {

template <typename T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push(const T& value) {
    if (size_ == buffer_.size()) grow();
    buffer_[(head_ + size_) & (buffer_.size() - 1)] = value;
    ++size_;
  }

  // REQUIRES: !empty().
  const T& front() const {
    assert(size_ > 0);
    return buffer_[head_];
  }

  // REQUIRES: !empty().
  T pop() {
    assert(size_ > 0);
    T out = buffer_[head_];
    head_ = (head_ + 1) & (buffer_.size() - 1);
    --size_;
    return out;
  }

 private:
  // Capacity stays a power of two so wrapping is a mask.
  void grow() {
    std::vector<T> bigger(buffer_.empty() ? 16 : buffer_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = buffer_[(head_ + i) & (buffer_.size() - 1)];
    buffer_.swap(bigger);
    head_ = 0;
  }

  std::vector<T> buffer_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace payquake::engine
