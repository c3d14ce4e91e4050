#include "payments/idempotency_store.hpp"

namespace payquake::payments {

IdempotencyStore::Lookup IdempotencyStore::begin(std::uint64_t key, std::uint64_t owner,
                                                 double now_s, double ttl_s, Entry** entry) {
  auto [it, inserted] = entries_.try_emplace(key);
  Entry& e = it->second;
  *entry = &e;
  // A key in flight never expires under its owner: requests waiting on it must get its
  // result. A stored result expires after the TTL (counted from the key's first use).
  if (!inserted && e.in_flight) return Lookup::kInFlight;
  if (!inserted && now_s < e.expires_s) return Lookup::kReplay;
  // New, or expired: whatever was stored is forgotten and this request owns the key.
  e.in_flight = true;
  e.owner = owner;
  e.expires_s = now_s + ttl_s;
  e.waiters.clear();
  return Lookup::kNew;
}

std::vector<std::uint32_t> IdempotencyStore::finish(std::uint64_t key, std::uint64_t owner,
                                                    core::ResponseCode code) {
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.in_flight || it->second.owner != owner) return {};
  std::vector<std::uint32_t> waiters = std::move(it->second.waiters);
  if (core::outcome_of(code) == core::Outcome::kFailed) {
    entries_.erase(it);
  } else {
    it->second.in_flight = false;
    it->second.result = code;
  }
  return waiters;
}

}  // namespace payquake::payments
