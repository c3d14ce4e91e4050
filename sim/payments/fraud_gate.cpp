#include "payments/fraud_gate.hpp"

#include <cassert>

#include "payments/flow_internal.hpp"

namespace payquake::payments {

using core::FraudAction;

FraudGate::FraudGate(const core::Scenario& scenario, const PaymentDraws& draws) : draws_(draws) {
  nodes_.resize(scenario.nodes.size());
  for (std::size_t n = 0; n < scenario.nodes.size(); ++n) {
    const auto& policy = scenario.nodes[n].fraud;
    if (!policy) continue;
    NodePolicy& np = nodes_[n];
    np.has = true;
    np.on_failure = policy->on_failure;
    if (policy->score) np.score.emplace(*policy->score);
    np.rules.emplace(policy->rules);
    if (policy->step_up) np.step_up.emplace(*policy->step_up);
    any_ = true;
  }
}

double FraudGate::latency_s(std::uint32_t node, const core::Payment& p, std::uint64_t visit) const {
  if (!has_policy(node) || !nodes_[node].score) return 0.0;
  return nodes_[node].score->latency_s(draws_.policy_latency_u(node, p, visit));
}

core::FraudVerdict FraudGate::decide(std::uint32_t node, const core::Payment& p,
                                     std::uint64_t visit, double t, bool dependency_up) {
  assert(has_policy(node));
  NodePolicy& np = nodes_[node];
  core::FraudVerdict v;
  v.latency_s = latency_s(node, p, visit);
  v.authenticated = (p.fraud_marks & core::kAuthenticated) != 0;
  if (!dependency_up) {
    const fraud::Decision d = fraud::on_policy_outage(np.on_failure);
    v.policy_down = true;
    v.action = d.action;
    v.code = d.code;
    return v;
  }
  fraud::Candidate c;
  c.time_s = t;
  // Card numbers are ranks within a population: the card's account key tells cards of
  // different populations apart.
  c.card = flow_internal::card_key(p);
  if (p.merchant != 0) c.merchant = p.merchant;
  if (p.device != 0) c.device = p.device;
  c.amount = p.amount;
  if (np.score) {
    // Scored on the ground truth: the model's skill (its AUC) is what separates the two.
    v.score = np.score->score(p.fraud, draws_.policy_score_u(node, p));
    c.score = v.score;
  }
  const fraud::Decision d = np.rules->evaluate(c);
  v.rule = d.rule;
  v.action = d.action;
  v.code = d.code;
  // A passed challenge is the step-up the rule asked for.
  if (v.action == FraudAction::kStepUp && v.authenticated) v.action = FraudAction::kApprove;
  if (v.action == FraudAction::kStepUp) v.code = core::ResponseCode::kAuthenticationRequired;
  return v;
}

std::uint8_t FraudGate::marks_of(const core::FraudVerdict& v) {
  if (v.action == FraudAction::kDecline) return core::kPolicyDeclined;
  if (v.action == FraudAction::kStepUp) return core::kSteppedUp;
  return v.policy_down ? core::kUncheckedOutage : 0;
}

std::optional<core::ResponseCode> FraudGate::answer_of(const core::FraudVerdict& v) {
  if (v.action == FraudAction::kApprove) return std::nullopt;
  return v.code;
}

fraud::StepUpResult FraudGate::challenge(std::uint32_t node, const core::Payment& p,
                                         int ordinal) const {
  assert(has_policy(node) && nodes_[node].step_up);
  const PaymentDraws::Challenge u = draws_.challenge(p, ordinal);
  return nodes_[node].step_up->challenge(p.fraud, u.latency_u, u.outcome_u);
}

}  // namespace payquake::payments
