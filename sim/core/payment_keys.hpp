// What a payment's random draws are keyed on (core/keyed_random.hpp): the payment's serial
// and the identity of each of its requests ("visit"). Pure functions of the payment's own
// history, so that the flow (payments::PaymentDraws) and anything that must reproduce its
// numbers (the bench's reference loop) derive them alike.
#pragma once

#include <cstdint>

#include "core/keyed_random.hpp"
#include "core/payment.hpp"

namespace payquake::core {

// A payment's serial: its population in the top bits and its place among that
// population's arrivals below, so a change to one population's traffic never renumbers
// another's payments. REQUIRES: sequence < 2^40 (a trillion payments per population).
inline std::uint64_t payment_serial(std::uint32_t population, std::uint64_t sequence) {
  return (static_cast<std::uint64_t>(population) << 40) | sequence;
}

// The identity of a request within its payment ("visit"): a pure function of how the
// payment's own history produced it, never of global counters that other payments move.
// A press of pay, the first or a retried request a hop sends for a request it serves, a
// reversal or advice for a request, and a resend of one each derive their own.
namespace visit {
// The payer's press number `press` (first 0, retries 1.., double submits from 16).
inline std::uint64_t press(int press) {
  return derive_occurrence(0, static_cast<std::uint64_t>(press));
}
// The `index`th request (0 first, 1.. hop retries) a hop sends on for request `parent`.
inline std::uint64_t child(std::uint64_t parent, int index) {
  return derive_occurrence(parent, static_cast<std::uint64_t>(index));
}
// A reversal or advice a hop originates about request `target`, and the next send
// (number `sends`) of an originated request.
inline std::uint64_t originated(std::uint64_t target, Message m) {
  return derive_occurrence(~target, static_cast<std::uint64_t>(m));
}
inline std::uint64_t resend(std::uint64_t sent, int sends) {
  return derive_occurrence(sent ^ 0x5265'7365'6e64ULL, static_cast<std::uint64_t>(sends));
}
}  // namespace visit

}  // namespace payquake::core
