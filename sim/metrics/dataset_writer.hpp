// The labelled transaction dataset (`payquake run --dataset DIR`, DIR/payments.csv): one CSV
// row per payment, written when the ledger has reconciled it, with what a fraud model could
// see (time, card, merchant, device, amount), what the policies and the network did (score,
// decision, rule, response code, outcome, latency, presses, duplicate cause) and the labels
// from the ground truth (is_fraud, attack_id, attack_kind). docs/dataset.md documents every
// column. A share of payments can be kept, chosen by a keyed draw on the payment's serial, so
// the same payments are kept in every variant of a scenario.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/events.hpp"
#include "core/keyed_random.hpp"
#include "core/scenario.hpp"

namespace payquake::metrics {

// The columns of payments.csv, in order (docs/dataset.md has a row for each).
inline constexpr std::string_view kDatasetColumns[] = {
    "payment_id", "time_s",      "population", "card",       "merchant",   "device",
    "amount",     "score",       "decision",   "rule",       "response_code", "outcome",
    "latency_s",  "presses",     "duplicate_cause", "is_fraud", "attack_id", "attack_kind"};

// The label columns: ground truth, never features (docs/dataset.md).
inline constexpr std::string_view kDatasetLabels[] = {"is_fraud", "attack_id", "attack_kind"};

// Whether a payment belongs to a dataset that keeps `share` of the payments: a keyed draw
// on its serial (population and place among that population's arrivals), so the choice does
// not depend on any other payment, policy or fault. REQUIRES: 0 < share <= 1.
class DatasetSample {
 public:
  DatasetSample(std::uint64_t seed, double share);
  bool keeps(const core::Payment& p) const;
  double share() const { return share_; }

 private:
  core::KeyedRandom draw_;
  double share_;
};

class DatasetWriter : public core::FlowObserver {
 public:
  // Writes the header line at once. REQUIRES: `out` and `scenario` outlive this.
  DatasetWriter(const core::Scenario& scenario, DatasetSample sample, std::ostream& out);

  void on_arrival(const core::Payment& p, double t) override;
  void on_sent(core::StationRef from, core::Message m, core::SendReason why,
               const core::Payment& p, double t) override;
  void on_fraud_decision(core::StationRef s, const core::Payment& p, const core::FraudVerdict& v,
                         double t) override;
  void on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                double t) override;
  void on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double t) override;

  // Rows written so far.
  std::uint64_t rows() const { return rows_; }
  // Kept payments that arrived but were not reconciled yet (at the end of a run: the
  // payments an interrupted run or the drain limit left open; they have no row).
  std::uint64_t open_payments() const { return live_.size(); }

 private:
  // What the writer remembers of a kept payment while it is live (erased at its row).
  struct Live {
    double final_s = -1.0;  // < 0: no final state yet
    core::ResponseCode code = core::ResponseCode::kApproved;
    std::uint32_t presses = 0;
    bool decided = false;  // a policy decided on it at least once; the fields below: the last
    bool policy_down = false;
    core::FraudAction action = core::FraudAction::kApprove;
    int rule = -1;
    std::uint32_t node = 0;
    double score = -1.0;
  };

  Live& live(const core::Payment& p) { return live_[p.id]; }
  // Writes the payment's row (built in `row_`, reused: no allocation per row).
  void append_row(const core::Payment& p, const core::ReconciledPayment& r, const Live& l);
  // The cardholders' population a payment's card belongs to ("" when none or unknown).
  const std::string& population(const core::Payment& p) const;

  DatasetSample sample_;
  std::ostream& out_;
  // Ids as CSV fields (quoted where they need it).
  std::vector<std::string> node_ids_;
  std::vector<std::string> population_ids_;  // by Payment::population, attacks included
  std::vector<std::string> attack_ids_;
  std::vector<std::string> attack_kinds_;
  std::unordered_map<std::uint64_t, Live> live_;  // kept payments not yet reconciled, by id
  std::uint64_t rows_ = 0;
  std::string row_;
};

}  // namespace payquake::metrics
