#include "fraud/decision.hpp"

namespace payquake::fraud {

Decision rule_decision(core::FraudAction action, int index) {
  Decision d;
  d.action = action;
  d.rule = index;
  if (action == core::FraudAction::kDecline) d.code = core::ResponseCode::kSuspectedFraud;
  return d;
}

Decision on_policy_outage(core::PolicyFailure on_failure) {
  Decision d;
  if (on_failure == core::PolicyFailure::kFailClosed) {
    d.action = core::FraudAction::kDecline;
    d.code = core::ResponseCode::kDoNotHonour;
  }
  return d;
}

}  // namespace payquake::fraud
