// The gateway's nonce store for request signing (core::Signing): every accepted request's
// nonce is held for the signing window, so a request sent again with the same nonce (a
// replay) is recognised, and at most `capacity` nonces are held: beyond that the oldest
// are forgotten first, and a replay of a forgotten nonce inside the window gets through.
// Memory is bounded by the capacity (and, in practice, by the requests of one window).
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <utility>

namespace payquake::payments {

class NonceStore {
 public:
  // REQUIRES: capacity >= 1, window_s > 0.
  NonceStore(std::int64_t capacity, double window_s);

  // Whether `nonce` is held at `now_s`: stored less than a window ago and not pushed out.
  bool holds(std::uint64_t nonce, double now_s);
  // Holds `nonce` from `now_s` for a window. REQUIRES: now_s never decreases from one
  // call to the next (the flow's clock), and `nonce` is not held (holds() said so).
  void store(std::uint64_t nonce, double now_s);

  std::size_t size() const { return stored_at_.size(); }
  std::int64_t capacity() const { return capacity_; }

 private:
  // Forgets what has expired by `now_s`, oldest first.
  void expire(double now_s);
  void pop_oldest();

  std::int64_t capacity_;
  double window_s_;
  std::deque<std::pair<std::uint64_t, double>> order_;  // (nonce, stored at), oldest first
  std::unordered_map<std::uint64_t, double> stored_at_;
};

}  // namespace payquake::payments
