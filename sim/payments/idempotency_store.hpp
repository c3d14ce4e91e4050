// The gateway's idempotency-key store (the Stripe design): a key per logical payment,
// the first definitive result stored and replayed, a concurrent request with the same
// key refused (or held until the first result), keys expiring after their TTL.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/payment.hpp"

namespace payquake::payments {

class IdempotencyStore {
 public:
  enum class Lookup { kNew, kInFlight, kReplay };

  struct Entry {
    bool in_flight = true;
    std::uint64_t owner = 0;  // the attempt id processing the key while in flight
    core::ResponseCode result = core::ResponseCode::kApproved;
    double expires_s = 0.0;
    std::vector<std::uint32_t> waiters;  // attempts held until the result (concurrent: wait)
  };

  // Looks `key` up at `now`; an expired stored result counts as new (and is replaced);
  // a key in flight stays in flight until its owner finishes. kNew records the key as in
  // flight, owned by the attempt `owner`.
  Lookup begin(std::uint64_t key, std::uint64_t owner, double now_s, double ttl_s, Entry** entry);

  // The request that owns `key` finished with `code`: a definitive answer (approved or
  // declined) is stored for replay; a failure (91/96) forgets the key so that a retry is
  // processed again. Returns the attempts that were waiting for it.
  // Only the owner finishes a key: a request whose key expired and was taken over by a
  // later request leaves the new owner's entry alone.
  std::vector<std::uint32_t> finish(std::uint64_t key, std::uint64_t owner, core::ResponseCode code);

  // Removes and returns the waiting attempts for which `pred` holds (their station crashed).
  template <typename Pred>
  std::vector<std::uint32_t> drop_waiters(Pred pred) {
    std::vector<std::uint32_t> dropped;
    for (auto& [key, e] : entries_) {
      std::vector<std::uint32_t> kept;
      for (const std::uint32_t w : e.waiters) (pred(w) ? dropped : kept).push_back(w);
      e.waiters.swap(kept);
    }
    return dropped;
  }

  // The payment that used `key` is reconciled: no request can carry it any more.
  void forget(std::uint64_t key) { entries_.erase(key); }

  bool available() const { return available_; }
  void set_available(bool up) { available_ = up; }  // the chaos capability's store_outage
  std::size_t size() const { return entries_.size(); }

 private:
  std::unordered_map<std::uint64_t, Entry> entries_;
  bool available_ = true;
};

}  // namespace payquake::payments
