#include "payments/nonce_store.hpp"

#include <cassert>

namespace payquake::payments {

NonceStore::NonceStore(std::int64_t capacity, double window_s)
    : capacity_(capacity), window_s_(window_s) {
  assert(capacity >= 1 && window_s > 0);
}

bool NonceStore::holds(std::uint64_t nonce, double now_s) {
  expire(now_s);
  return stored_at_.count(nonce) != 0;
}

void NonceStore::store(std::uint64_t nonce, double now_s) {
  expire(now_s);
  assert(stored_at_.count(nonce) == 0);
  if (static_cast<std::int64_t>(order_.size()) >= capacity_) pop_oldest();
  order_.emplace_back(nonce, now_s);
  stored_at_.emplace(nonce, now_s);
}

void NonceStore::expire(double now_s) {
  // A nonce stored at s is held through s + window inclusive. The gateway refuses a
  // timestamp only when it is more than a window old, and a request is stored no earlier
  // than it was signed: so no replay slips between the two checks (unless pushed out).
  while (!order_.empty() && order_.front().second + window_s_ < now_s) pop_oldest();
}

void NonceStore::pop_oldest() {
  stored_at_.erase(order_.front().first);
  order_.pop_front();
}

}  // namespace payquake::payments
