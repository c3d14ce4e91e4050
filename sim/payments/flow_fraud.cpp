// The flow, fraud side (issue 10): a node's policy in the life of an authorization (its
// scoring time in the service, its verdict at the service's end: at a gateway before it
// forwards, at an issuer before the funds check) and the payer's 3-D Secure challenge
// after a 65. The decisions are payments::FraudGate's; this file carries them out.

#include <cassert>

#include "payments/flow.hpp"
#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::Message;
using core::ResponseCode;
using namespace flow_internal;

double Flow::policy_latency_s(std::uint32_t s, std::uint32_t a) const {
  if (attempts_[a].message != Message::kAuthorization) return 0.0;
  return fraud_.latency_s(stations_[s].node, payment_of(a), attempts_[a].visit);
}

bool Flow::screened_out(std::uint32_t a, double t) {
  const std::uint32_t s = attempts_[a].to;
  const std::uint32_t n = stations_[s].node;
  if (attempts_[a].message != Message::kAuthorization || !fraud_.has_policy(n)) return false;
  PaymentSlot& ps = payments_[attempts_[a].payment];
  const core::FraudVerdict v =
      fraud_.decide(n, ps.payment, attempts_[a].visit, t, policy_up_[n] != 0);
  ps.payment.fraud_marks |= FraudGate::marks_of(v);
  if (v.action == core::FraudAction::kStepUp) ps.step_up_node = n;
  observer_.on_fraud_decision(ref(s), ps.payment, v, t);
  const std::optional<ResponseCode> code = FraudGate::answer_of(v);
  if (!code) return false;
  // Answered here: a gateway stores the answer under the request's key, as any decline.
  release_worker(s, t);
  answer(a, *code, t);
  return true;
}

namespace {
core::StepUpResult result_of(fraud::StepUpOutcome o) {
  switch (o) {
    case fraud::StepUpOutcome::kPassed:
      return core::StepUpResult::kPassed;
    case fraud::StepUpOutcome::kAbandoned:
      return core::StepUpResult::kAbandoned;
    case fraud::StepUpOutcome::kStoppedFraud:
      return core::StepUpResult::kStopped;
  }
  return core::StepUpResult::kPassed;
}
}  // namespace

bool Flow::begin_challenge(std::uint32_t slot, double t) {
  PaymentSlot& ps = payments_[slot];
  if (ps.final_reported) return false;  // the customer has their answer already
  if (ps.challenging) return true;      // another press's 65: the running challenge decides
  // One challenge per payment: an authenticated payment is not stepped up again, so a
  // second 65 (a press sent before the challenge) is taken as the decline it is.
  if (ps.challenges > 0 || !fraud_.has_step_up(ps.step_up_node)) return false;
  const fraud::StepUpResult r = fraud_.challenge(ps.step_up_node, ps.payment, ps.challenges);
  ++ps.challenges;
  ps.challenging = true;
  ps.challenge_started_s = t;
  ++ps.refs;  // the challenge holds the payment until it ends
  calendar_->schedule(t + r.latency_s, kChallengeDone, slot, ps.generation,
                      static_cast<std::uint8_t>(result_of(r.outcome)));
  return true;
}

void Flow::on_challenge_done(std::uint32_t slot, core::StepUpResult result, double t) {
  PaymentSlot& ps = payments_[slot];
  ps.challenging = false;
  // Another press may have brought an answer meanwhile: then the challenge is moot.
  if (!ps.final_reported) {
    switch (result) {
      case core::StepUpResult::kPassed:
        ps.payment.fraud_marks |= core::kAuthenticated;
        break;
      case core::StepUpResult::kAbandoned:
        ps.payment.fraud_marks |= core::kStepUpAbandoned;
        break;
      case core::StepUpResult::kStopped:
        ps.payment.fraud_marks |= core::kStepUpStopped;
        break;
    }
    observer_.on_step_up(ps.payment, result, t - ps.challenge_started_s, t);
    switch (result) {
      case core::StepUpResult::kPassed:
        press(slot, TryKind::kStepUp, t);  // a new request, with a new key
        break;
      case core::StepUpResult::kAbandoned:
        // The customer closed the checkout knowing it had not paid: not in doubt.
        finalize(slot, core::Outcome::kAbandoned, ResponseCode::kAuthenticationRequired, t);
        break;
      case core::StepUpResult::kStopped:
        finalize(slot, core::Outcome::kDeclined, ResponseCode::kAuthenticationRequired, t);
        break;
    }
  }
  release_payment(slot, t);  // the challenge no longer holds it
}

}  // namespace payquake::payments
