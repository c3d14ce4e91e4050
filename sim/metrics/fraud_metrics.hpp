// What the fraud policies and the attacks cost (issue 10), fed only by flow events and the
// payments' ground truth (Payment::fraud, attack, fraud_marks, amount). Like RunMetrics:
// figures cover payments that arrived after the warm-up (counted by arrival, whatever time
// their answer or reconciliation came); the per-window rows cover the whole run, each
// payment in the window of its intended arrival.
//
// Definitions (README.md, "Fraud figures", says the same for users):
// - legitimate: neither fraud nor an attack's payment (a flood's requests are no one's sale);
// - attempts: fraudulent payments that arrived; approved/loss: those charged when the
//   ledger reconciled them (standing charges x amount); each charged one is charged back;
// - caught: fraudulent payments that ended declined by a policy (59, or 05 failing
//   closed) or stopped by a 3-D Secure challenge;
// - false declines: legitimate payments that ended declined by a policy;
// - step-up abandoned: legitimate customers who gave up at the challenge;
// - added latency: per legitimate payment, the policies' scoring time of every request it
//   sent plus its challenge time (zero for most).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/events.hpp"
#include "core/scenario.hpp"
#include "fraud/cost.hpp"
#include "metrics/histogram.hpp"

namespace payquake::metrics {

// The measured interval's totals.
struct FraudTotals {
  std::uint64_t attempts = 0;
  std::uint64_t approved = 0;
  core::Money loss;
  std::uint64_t caught = 0;
  std::uint64_t step_ups = 0;  // challenges (65 answers the payer acted on)
  std::uint64_t step_up_abandoned = 0;
  core::Money abandoned_amount;
  std::uint64_t false_declines = 0;
  core::Money false_decline_amount;
  std::uint64_t legitimate = 0;  // legitimate payments that arrived
};

// One attack (Scenario::attacks, same order), over the measured interval.
struct AttackFigures {
  std::string id;
  core::Attack::Kind kind = core::Attack::Kind::kCardTesting;
  std::uint64_t attempts = 0;  // its payments that arrived (a flood's too)
  std::uint64_t approved = 0;  // charged at reconciliation
  core::Money loss;
  std::uint64_t caught = 0;        // ended declined by a policy or stopped at a challenge
  std::uint64_t declined = 0;      // ended declined, any code
  std::uint64_t invalid_card = 0;  // ended 14: a number the issuer never issued
  std::uint64_t refused = 0;       // ended 30: refused by the gateway (flood, signature)
};

// One node's policy, over the measured interval.
struct PolicyFigures {
  std::uint32_t node = 0;
  std::string id;
  std::string file;
  std::uint64_t evaluated = 0;        // decisions
  std::uint64_t declined = 0;         // by a rule (59)
  std::uint64_t step_ups = 0;         // answered 65
  std::uint64_t unchecked = 0;        // let through while its dependency was down (fail_open)
  std::uint64_t declined_outage = 0;  // declined while its dependency was down (fail_closed)
};

// One window of the run, payments counted in the window of their intended arrival.
struct FraudWindow {
  std::uint64_t attempts = 0;
  std::uint64_t approved = 0;                  // charged, of which:
  std::uint64_t approved_after_challenge = 0;  // ... after passing a challenge
  std::uint64_t caught = 0;
  // Reconciled uncharged and not caught: declined by the issuer (51, 14, ...), refused,
  // failed or abandoned.
  std::uint64_t ended_other = 0;
  std::uint64_t false_declines = 0;
  std::uint64_t step_ups = 0;
  core::Money loss;
};

class FraudMetrics : public core::FlowObserver {
 public:
  explicit FraudMetrics(const core::Scenario& scenario);

  void on_arrival(const core::Payment& p, double t) override;
  void on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                double t) override;
  void on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double t) override;
  void on_fraud_decision(core::StationRef s, const core::Payment& p, const core::FraudVerdict& v,
                         double t) override;
  void on_step_up(const core::Payment& p, core::StepUpResult r, double latency_s,
                  double t) override;

  // Pads the rows to `windows` (RunMetrics' count) so every window of the run has one.
  void finish(std::size_t windows);

  const FraudTotals& totals() const { return totals_; }
  // Loss, chargeback fees (one per approved fraudulent payment) and lost margin, priced
  // with the scenario's `fraud:` economics.
  fraud::FraudCost cost() const;
  const std::vector<AttackFigures>& by_attack() const { return attacks_; }
  const std::vector<PolicyFigures>& by_policy() const { return policies_; }
  const std::vector<FraudWindow>& windows() const { return windows_; }
  // The sum of every window so far (the live drill's counters).
  const FraudWindow& whole_run() const { return whole_run_; }
  // Per legitimate measured payment; empty when the scenario has no policy (nothing added).
  const LogHistogram& added_latency_s() const { return added_latency_s_; }
  // The scenario has a policy or an attack, or fraud happened: worth a line in the summary.
  bool anything() const;

 private:
  bool measured(const core::Payment& p) const { return p.intended_arrival_s >= measured_from_; }
  FraudWindow& window_of(const core::Payment& p);
  // One more in `p`'s window and in the whole run.
  void count(const core::Payment& p, std::uint64_t FraudWindow::*field);
  void add_latency(const core::Payment& p, double s);

  double measured_from_;
  double window_s_;
  fraud::CostRates rates_;
  FraudTotals totals_;
  std::vector<AttackFigures> attacks_;
  std::vector<PolicyFigures> policies_;
  std::vector<std::int32_t> policy_of_node_;  // index into policies_, -1: none
  std::vector<FraudWindow> windows_;
  FraudWindow whole_run_;
  LogHistogram added_latency_s_;
  // Policy and challenge time of payments whose final answer has not come yet, by id;
  // forgotten when the payment is reconciled.
  std::unordered_map<std::uint64_t, double> pending_added_s_;
};

}  // namespace payquake::metrics
