#include "payments/payer.hpp"

#include <algorithm>

#include "payments/flow_internal.hpp"

namespace payquake::payments {

using flow_internal::key_for;
using flow_internal::kMaxKeyedPresses;

// A double submit is a second press of the first request's moment, numbered apart from
// the retries so that its key (policy new) and its request differ from theirs.
constexpr int kDoubleSubmitOffset = 16;

Payer::Press Payer::press(const core::Client& client, std::uint64_t id, TryKind kind,
                          int presses, int authenticated_press) {
  Press out;
  out.number = presses + (kind == TryKind::kDoubleSubmit ? kDoubleSubmitOffset : 0);
  if (kind == TryKind::kStepUp) authenticated_press = out.number;
  switch (client.idempotency_key) {
    case core::KeyPolicy::kReuse:
      out.key = key_for(id, authenticated_press < 0 ? 0 : std::min(authenticated_press,
                                                                     kMaxKeyedPresses - 1));
      break;
    case core::KeyPolicy::kNew:
      out.key = key_for(id, std::min(out.number, kMaxKeyedPresses - 1));
      break;
    case core::KeyPolicy::kNone:
      break;
  }
  return out;
}

Payer::DoubleSubmit Payer::double_submit(const core::Payment& p, double t) const {
  const PaymentDraws::DoubleSubmit twice = draws_.double_submit(p);
  return {twice.happens, t + twice.delay_s};
}

Payer::Next Payer::after_failure(const core::Client& client, const core::Payment& p,
                                 TryKind kind, int presses, double t, int step_ups) const {
  // The double submit was an accident: the customer follows only their own presses.
  if (kind == TryKind::kDoubleSubmit) return {};
  // `presses` counts the first press too: retries left while fewer than `retries` retried.
  if (presses - 1 - step_ups < client.retries)
    return {Step::kPressAgain, t + draws_.client_retry_delay_s(p, presses)};
  return {Step::kGiveUp, t};
}

}  // namespace payquake::payments
