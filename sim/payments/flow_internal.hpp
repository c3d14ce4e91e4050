// Helpers shared by the files of the flow (flow*.cpp); not part of its interface.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/scenario.hpp"
#include "payments/ledger.hpp"

namespace payquake::payments::flow_internal {

// A card's issuer and BIN are properties of the card, not of a payment: derive them
// from a hash of (population, card) so the same card always has the same issuer.
inline std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline std::uint64_t card_hash(std::uint32_t population, std::uint64_t card) {
  return mix(card * 0x9e3779b97f4a7c15ULL + population + 1);
}

// One account per card: cards of different populations are different cards.
inline std::uint64_t card_key(const core::Payment& p) {
  return (static_cast<std::uint64_t>(p.population) << 40) | p.card;
}

// Keys are per press: (payment id, press number), never 0 (0 means "no key").
inline std::uint64_t key_for(std::uint64_t payment_id, int press) {
  return (payment_id << 5) | static_cast<std::uint64_t>(press + 1);
}
inline constexpr int kMaxKeyedPresses = 31;

// A stored advice is resent at most this often (at the reversal backoff): an issuer that
// refuses every one of them for that long is reported as having lost it.
inline constexpr int kMaxAdviceSends = core::kMaxAdviceSends;

// A network delivers stored advices over a bounded window per replica, so that a
// recovering issuer takes the backlog at its own pace instead of being flooded (and
// refusing, and being flooded again).
inline constexpr std::uint32_t kAdviceWindow = 32;

inline bool retriable(core::ResponseCode c) {
  return c == core::ResponseCode::kIssuerInoperative || c == core::ResponseCode::kSystemMalfunction;
}

inline std::uint32_t index_of(const std::vector<core::Node>& nodes, const std::string& id) {
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].id == id) return static_cast<std::uint32_t>(i);
  throw std::invalid_argument("unknown node '" + id + "'");  // validation prevents this
}

inline core::SendReason reason_of(TryKind kind) {
  switch (kind) {
    case TryKind::kFirst:
      return core::SendReason::kFirst;
    case TryKind::kClientRetry:
      return core::SendReason::kClientRetry;
    case TryKind::kDoubleSubmit:
      return core::SendReason::kDoubleSubmit;
    case TryKind::kStepUp:
      return core::SendReason::kStepUp;
  }
  return core::SendReason::kFirst;
}

}  // namespace payquake::payments::flow_internal
