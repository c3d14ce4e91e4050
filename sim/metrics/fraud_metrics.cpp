#include "metrics/fraud_metrics.hpp"

#include <algorithm>
#include <cmath>

namespace payquake::metrics {
namespace {

bool legitimate(const core::Payment& p) { return !p.fraud && p.attack == core::kNoAttack; }

bool marked(const core::Payment& p, core::FraudMark m) { return (p.fraud_marks & m) != 0; }

// Declined by a policy (59 by a rule, 05 failing closed) or stopped at its challenge.
bool ended_by_policy(const core::Payment& p, core::Outcome outcome) {
  return outcome == core::Outcome::kDeclined &&
         (marked(p, core::kPolicyDeclined) || marked(p, core::kStepUpStopped));
}

}  // namespace

FraudMetrics::FraudMetrics(const core::Scenario& scenario)
    : measured_from_(scenario.warmup_s),
      window_s_(scenario.window_s),
      rates_{scenario.fraud.chargeback_fee, scenario.fraud.margin} {
  for (const auto& a : scenario.attacks) {
    AttackFigures f;
    f.id = a.id;
    f.kind = a.kind;
    attacks_.push_back(std::move(f));
  }
  for (std::size_t i = 0; i < scenario.nodes.size(); ++i) {
    const auto& node = scenario.nodes[i];
    policy_of_node_.push_back(node.fraud ? static_cast<std::int32_t>(policies_.size()) : -1);
    if (!node.fraud) continue;
    PolicyFigures f;
    f.node = static_cast<std::uint32_t>(i);
    f.id = node.id;
    f.file = node.fraud->source_file;
    policies_.push_back(std::move(f));
  }
}

FraudWindow& FraudMetrics::window_of(const core::Payment& p) {
  // Clamped at 0: an arrival time is never negative, but a hostile one must not index.
  const auto index =
      static_cast<std::size_t>(std::max(0.0, std::floor(p.intended_arrival_s / window_s_)));
  if (windows_.size() <= index) windows_.resize(index + 1);
  return windows_[index];
}

void FraudMetrics::count(const core::Payment& p, std::uint64_t FraudWindow::*field) {
  ++(window_of(p).*field);
  ++(whole_run_.*field);
}

void FraudMetrics::on_arrival(const core::Payment& p, double) {
  if (p.fraud) count(p, &FraudWindow::attempts);
  if (!measured(p)) return;
  if (p.fraud) ++totals_.attempts;
  if (legitimate(p)) ++totals_.legitimate;
  if (p.attack != core::kNoAttack) ++attacks_[p.attack].attempts;
}

void FraudMetrics::on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                            double) {
  const bool by_policy = ended_by_policy(p, outcome);
  const bool legit = legitimate(p);
  const bool caught = p.fraud && by_policy;
  const bool false_decline = legit && by_policy;
  if (caught) count(p, &FraudWindow::caught);
  if (false_decline) count(p, &FraudWindow::false_declines);
  if (!measured(p)) return;
  if (caught) ++totals_.caught;
  if (false_decline) {
    ++totals_.false_declines;
    totals_.false_decline_amount += p.amount;
  }
  if (legit && outcome == core::Outcome::kAbandoned && marked(p, core::kStepUpAbandoned)) {
    ++totals_.step_up_abandoned;
    totals_.abandoned_amount += p.amount;
  }
  if (legit && !policies_.empty()) {
    // Every legitimate payment counts, most with nothing added.
    double added = 0.0;
    if (const auto it = pending_added_s_.find(p.id); it != pending_added_s_.end()) {
      added = it->second;
      pending_added_s_.erase(it);
    }
    added_latency_s_.add(added);
  }
  if (p.attack == core::kNoAttack) return;
  AttackFigures& a = attacks_[p.attack];
  if (caught) ++a.caught;
  if (outcome == core::Outcome::kDeclined) ++a.declined;
  if (code == core::ResponseCode::kInvalidCard && outcome != core::Outcome::kAbandoned)
    ++a.invalid_card;
  if (code == core::ResponseCode::kFormatError && outcome != core::Outcome::kAbandoned) ++a.refused;
}

void FraudMetrics::on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double) {
  // Late policy time (after the payer's final answer) was never the customer's.
  if (!pending_added_s_.empty()) pending_added_s_.erase(p.id);
  if (r.standing_charges <= 0) {
    if (p.fraud && !ended_by_policy(p, r.outcome)) count(p, &FraudWindow::ended_other);
    return;
  }
  const core::Money charged{r.standing_charges * p.amount.minor};
  if (p.fraud) {
    count(p, &FraudWindow::approved);
    if (marked(p, core::kAuthenticated)) count(p, &FraudWindow::approved_after_challenge);
    window_of(p).loss += charged;
    whole_run_.loss += charged;
  }
  if (!measured(p)) return;
  if (p.fraud) {
    ++totals_.approved;
    totals_.loss += charged;
  }
  if (p.attack == core::kNoAttack) return;
  AttackFigures& a = attacks_[p.attack];
  ++a.approved;
  if (p.fraud) a.loss += charged;
}

void FraudMetrics::on_fraud_decision(core::StationRef s, const core::Payment& p,
                                     const core::FraudVerdict& v, double) {
  if (!measured(p)) return;
  if (legitimate(p) && v.latency_s > 0) pending_added_s_[p.id] += v.latency_s;
  const std::int32_t index = policy_of_node_[s.node];
  if (index < 0) return;  // a decision by a node with no policy: nothing to file it under
  PolicyFigures& f = policies_[static_cast<std::size_t>(index)];
  ++f.evaluated;
  const bool declined = v.action == core::FraudAction::kDecline;
  if (v.policy_down) {
    if (declined) ++f.declined_outage;
    if (v.action == core::FraudAction::kApprove) ++f.unchecked;
    return;
  }
  if (declined) ++f.declined;
  if (v.action == core::FraudAction::kStepUp) ++f.step_ups;
}

void FraudMetrics::on_step_up(const core::Payment& p, core::StepUpResult, double latency_s,
                              double) {
  count(p, &FraudWindow::step_ups);
  if (!measured(p)) return;
  ++totals_.step_ups;
  if (legitimate(p) && latency_s > 0) pending_added_s_[p.id] += latency_s;
}

void FraudMetrics::finish(std::size_t windows) {
  if (windows_.size() < windows) windows_.resize(windows);
}

fraud::FraudCost FraudMetrics::cost() const {
  fraud::FraudCounts counts;
  counts.approved_fraud_amount = totals_.loss;
  counts.chargebacks = static_cast<std::int64_t>(totals_.approved);
  counts.false_declined_amount = totals_.false_decline_amount;
  counts.abandoned_amount = totals_.abandoned_amount;
  return fraud::fraud_cost(counts, rates_);
}

bool FraudMetrics::anything() const {
  return !policies_.empty() || !attacks_.empty() || totals_.attempts > 0;
}

}  // namespace payquake::metrics
