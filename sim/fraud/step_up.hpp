// 3-D Secure step-up: the customer is challenged (an app confirmation, a one-time code)
// instead of being declined. The challenge adds latency; some legitimate customers give up
// (abandon); most fraud is stopped because the attacker cannot answer it. Outcomes come
// from uniforms the caller supplies, so the flow can key them to the payment.
#pragma once

#include "core/fraud_policy.hpp"

namespace payquake::fraud {

enum class StepUpOutcome { kPassed, kAbandoned, kStoppedFraud };
const char* to_string(StepUpOutcome o);

struct StepUpResult {
  StepUpOutcome outcome = StepUpOutcome::kPassed;
  double latency_s = 0.0;  // the challenge's duration, whatever its outcome
};

class StepUpModel {
 public:
  explicit StepUpModel(const core::StepUpSpec& spec) : spec_(spec) {}

  // The challenge of a payment: its duration from `u_latency`, its outcome from
  // `u_outcome` (both in [0, 1]). A legitimate customer abandons when u_outcome < abandon,
  // else passes; a fraud attempt is stopped when u_outcome < stops_fraud, else passes.
  StepUpResult challenge(bool fraud, double u_latency, double u_outcome) const;

 private:
  core::StepUpSpec spec_;
};

}  // namespace payquake::fraud
