// The fraud policies of a run's nodes as the flow meets them (issue 10): per node with a
// `fraud:` policy, its score model, rules and step-up model. The flow asks it how long scoring adds
// to a request's service, what the policy decides at the service's end, and how a 3-D Secure
// challenge of a payment ends. Every number comes from the payment's keyed draws (PaymentDraws), so
// the same payment gets the same score and challenge in every variant: a policy compared with
// itself differs in nothing. It knows nothing of stations, attempts or the calendar.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/events.hpp"
#include "core/payment.hpp"
#include "core/scenario.hpp"
#include "fraud/rules.hpp"
#include "fraud/score_model.hpp"
#include "fraud/step_up.hpp"
#include "payments/payment_draws.hpp"

namespace payquake::payments {

class FraudGate {
 public:
  // `draws` must outlive the gate.
  FraudGate(const core::Scenario& scenario, const PaymentDraws& draws);

  // Whether any node has a policy: the flow's one branch on its hot path when none has.
  bool any() const { return any_; }
  bool has_policy(std::uint32_t node) const { return node < nodes_.size() && nodes_[node].has; }
  bool has_step_up(std::uint32_t node) const {
    return has_policy(node) && nodes_[node].step_up.has_value();
  }

  // The time node `node`'s policy adds to the service of request `visit` of `p`: its
  // score's latency (0 for a rules-only policy, or a node without a policy). The call is
  // made whether or not the dependency answers: an outage fails at the same cost.
  double latency_s(std::uint32_t node, const core::Payment& p, std::uint64_t visit) const;

  // The policy of `node` decides on a request of `p` at `t` (its service's end), which took
  // latency_s(node, p, visit) of policy time. The velocity rules count the request. An
  // authenticated payment (FraudMark kAuthenticated) is approved where a rule asks for a
  // step-up. While its dependency is down (`dependency_up` false: a policy_outage fault, which
  // the flow tracks), on_failure decides and nothing is counted.
  // REQUIRES: has_policy(node); t never decreases from one call to the next for a node.
  core::FraudVerdict decide(std::uint32_t node, const core::Payment& p, std::uint64_t visit,
                            double t, bool dependency_up);

  // The fraud_marks bits a verdict adds to its payment.
  static std::uint8_t marks_of(const core::FraudVerdict& v);
  // The answer a verdict gives: nullopt to go on (approve), else the code (59, 05 or 65).
  static std::optional<core::ResponseCode> answer_of(const core::FraudVerdict& v);

  // The 3-D Secure challenge node `node`'s policy asked for (its `ordinal`th for `p`): its
  // duration and outcome. REQUIRES: has_step_up(node).
  fraud::StepUpResult challenge(std::uint32_t node, const core::Payment& p, int ordinal) const;

 private:
  struct NodePolicy {
    bool has = false;
    core::PolicyFailure on_failure = core::PolicyFailure::kFailOpen;
    std::optional<fraud::ScoreModel> score;
    std::optional<fraud::RulesEngine> rules;
    std::optional<fraud::StepUpModel> step_up;
  };

  const PaymentDraws& draws_;
  std::vector<NodePolicy> nodes_;
  bool any_ = false;
};

}  // namespace payquake::payments
