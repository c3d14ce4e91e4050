#include "fraud/step_up.hpp"

#include "fraud/quantile.hpp"

namespace payquake::fraud {

const char* to_string(StepUpOutcome o) {
  switch (o) {
    case StepUpOutcome::kPassed:
      return "passed";
    case StepUpOutcome::kAbandoned:
      return "abandoned";
    case StepUpOutcome::kStoppedFraud:
      return "stopped_fraud";
  }
  return "?";
}

StepUpResult StepUpModel::challenge(bool fraud, double u_latency, double u_outcome) const {
  StepUpResult r;
  r.latency_s = quantile(spec_.latency, u_latency);
  if (fraud && u_outcome < spec_.stops_fraud) r.outcome = StepUpOutcome::kStoppedFraud;
  if (!fraud && u_outcome < spec_.abandon) r.outcome = StepUpOutcome::kAbandoned;
  return r;
}

}  // namespace payquake::fraud
