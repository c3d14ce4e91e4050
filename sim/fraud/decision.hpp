// What a fraud policy sees of a payment and what it answers. A decline by a rule is the
// ISO 8583 answer 59 (suspected fraud); a decline because the policy's own dependency is
// down and the policy fails closed is 05 (do not honour): nothing was suspected, and a
// labelled dataset must not read that decline as a fraud verdict.
#pragma once

#include <cstdint>
#include <optional>

#include "core/fraud_policy.hpp"
#include "core/money.hpp"
#include "core/payment.hpp"

namespace payquake::fraud {

// A payment as a policy sees it. Ids are the numbers the caller gives cards, merchants
// and devices; a subject the caller does not know (no device) is left empty, and rules on
// it neither count nor match the payment.
struct Candidate {
  double time_s = 0.0;
  std::uint64_t card = 0;
  std::optional<std::uint64_t> merchant;
  std::optional<std::uint64_t> device;
  core::Money amount;
  std::optional<double> score;  // in (0, 1); empty when the policy has no score
};

struct Decision {
  core::FraudAction action = core::FraudAction::kApprove;
  int rule = -1;  // index of the rule that fired in the policy's list; -1: none
  core::ResponseCode code = core::ResponseCode::kApproved;  // meaningful for kDecline
};

// The decision of a rule (`index`) that fired with `action`.
Decision rule_decision(core::FraudAction action, int index);

// What a policy whose dependency is down does with every payment (on_failure):
// fail_open lets it through unchecked (approve, no rule), fail_closed declines it (05).
Decision on_policy_outage(core::PolicyFailure on_failure);

}  // namespace payquake::fraud
