// The life of sampled payments as JSON lines (run folder trace.jsonl): every request each
// hop sent, every queue wait and service, timeout, late answer, rejection, stand-in, lost
// reversal or advice, idempotency decision, the payer's final state and the ledger's
// reconciliation, each with its simulated time. It answers "why was this customer charged
// twice?". A payment is sampled when its id (its arrival's sequence number) is a multiple
// of `every`, so the same payments are traced in every variant of a scenario.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "core/scenario.hpp"

namespace payquake::metrics {

class PaymentTrace : public core::FlowObserver {
 public:
  // REQUIRES: every >= 1; `out` outlives this.
  PaymentTrace(const core::Scenario& scenario, std::uint64_t every, std::ostream& out);

  void on_arrival(const core::Payment& p, double t) override;
  void on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                double t) override;
  void on_sent(core::StationRef from, core::Message m, core::SendReason why, const core::Payment& p,
               double t) override;
  void on_service_start(core::StationRef s, const core::Payment& p, double t, double queue_wait_s,
                        double service_s) override;
  void on_rejected(core::StationRef s, const core::Payment& p, double t) override;
  void on_timeout(core::StationRef s, const core::Payment& p, double t) override;
  void on_late_answer(core::StationRef s, const core::Payment& p, double t) override;
  void on_payer_late_answer(const core::Payment& p, double t) override;
  void on_stand_in(core::StationRef s, const core::Payment& p, bool approved, double t) override;
  void on_lost(core::StationRef s, core::Message m, const core::Payment& p, double t) override;
  void on_idempotency(core::StationRef s, const core::Payment& p, core::KeyResult r,
                      double t) override;
  void on_signature(core::StationRef s, const core::Payment& p, core::SignatureResult r,
                    bool refused, double t) override;
  void on_reconciled(const core::Payment& p, const core::ReconciledPayment& r, double t) override;

 private:
  bool sampled(const core::Payment& p) const { return p.id % every_ == 0; }
  // `{"t":…,"payment":…,"event":"…"` and, for a station, `"node":…,"replica":…`; the
  // caller appends its own fields and the closing brace.
  std::string head(const core::Payment& p, double t, const char* event) const;
  std::string head(const core::Payment& p, double t, const char* event,
                   core::StationRef s) const;
  void line(const std::string& text);

  std::vector<std::string> node_ids_;
  std::vector<std::string> attack_ids_;  // Scenario::attacks
  std::uint64_t every_;
  std::ostream& out_;
};

}  // namespace payquake::metrics
