#include "metrics/payment_trace.hpp"

#include <charconv>

namespace payquake::metrics {
namespace {

// Times as the shortest form that reads back exactly, so two runs compare byte by byte.
std::string number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

const char* reason(core::SendReason why) {
  switch (why) {
    case core::SendReason::kFirst: return "first";
    case core::SendReason::kClientRetry: return "client_retry";
    case core::SendReason::kDoubleSubmit: return "double_submit";
    case core::SendReason::kHopRetry: return "hop_retry";
    case core::SendReason::kResend: return "resend";
    case core::SendReason::kOriginate: return "originate";
    case core::SendReason::kStepUp: return "step_up";
  }
  return "?";
}

const char* key_result(core::KeyResult r) {
  switch (r) {
    case core::KeyResult::kReplayed: return "replayed";
    case core::KeyResult::kConflict: return "conflict";
    case core::KeyResult::kWaited: return "waited";
    case core::KeyResult::kStoreUnavailable: return "store_unavailable";
  }
  return "?";
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }  // ids are [A-Za-z0-9_-]

}  // namespace

PaymentTrace::PaymentTrace(const core::Scenario& scenario, std::uint64_t every, std::ostream& out)
    : every_(every), out_(out) {
  for (const auto& n : scenario.nodes) node_ids_.push_back(n.id);
}

std::string PaymentTrace::head(const core::Payment& p, double t, const char* event) const {
  return "{\"t\":" + number(t) + ",\"payment\":" + std::to_string(p.id) + ",\"event\":\"" +
         event + "\"";
}

std::string PaymentTrace::head(const core::Payment& p, double t, const char* event,
                               core::StationRef s) const {
  if (s.node == core::kPayerNode) return head(p, t, event) + ",\"node\":\"payer\"";
  return head(p, t, event) + ",\"node\":" + quoted(node_ids_[s.node]) +
         ",\"replica\":" + std::to_string(s.replica);
}

void PaymentTrace::line(const std::string& text) { out_ << text << "}\n"; }

void PaymentTrace::on_arrival(const core::Payment& p, double t) {
  if (!sampled(p)) return;
  line(head(p, t, "arrival") + ",\"card\":" + std::to_string(p.card) + ",\"population\":" +
       std::to_string(p.population) + ",\"issuer\":" + quoted(node_ids_[p.issuer]) +
       ",\"amount\":\"" + core::to_string(p.amount) + "\"");
}

void PaymentTrace::on_final(const core::Payment& p, core::Outcome outcome, core::ResponseCode code,
                            double t) {
  if (!sampled(p)) return;
  line(head(p, t, "final") + ",\"outcome\":\"" + core::to_string(outcome) + "\",\"code\":\"" +
       core::code_string(code) + "\",\"latency_seconds\":" + number(t - p.intended_arrival_s));
}

void PaymentTrace::on_sent(core::StationRef from, core::Message m, core::SendReason why,
                           const core::Payment& p, double t) {
  if (!sampled(p)) return;
  line(head(p, t, "sent", from) + ",\"message\":\"" + core::mti(m, false) + "\",\"why\":\"" +
       reason(why) + "\"");
}

void PaymentTrace::on_service_start(core::StationRef s, const core::Payment& p, double t,
                                    double queue_wait_s, double service_s) {
  if (!sampled(p)) return;
  line(head(p, t, "service", s) + ",\"queue_wait_seconds\":" + number(queue_wait_s) +
       ",\"service_seconds\":" + number(service_s));
}

void PaymentTrace::on_rejected(core::StationRef s, const core::Payment& p, double t) {
  if (sampled(p)) line(head(p, t, "rejected", s));
}

void PaymentTrace::on_timeout(core::StationRef s, const core::Payment& p, double t) {
  if (sampled(p)) line(head(p, t, "timeout", s));
}

void PaymentTrace::on_late_answer(core::StationRef s, const core::Payment& p, double t) {
  if (sampled(p)) line(head(p, t, "late_answer", s));
}

void PaymentTrace::on_payer_late_answer(const core::Payment& p, double t) {
  if (sampled(p)) line(head(p, t, "payer_late_answer"));
}

void PaymentTrace::on_stand_in(core::StationRef s, const core::Payment& p, bool approved,
                               double t) {
  if (!sampled(p)) return;
  line(head(p, t, "stand_in", s) + ",\"approved\":" + (approved ? "true" : "false"));
}

void PaymentTrace::on_lost(core::StationRef s, core::Message m, const core::Payment& p, double t) {
  if (!sampled(p)) return;
  line(head(p, t, "lost", s) + ",\"message\":\"" + core::mti(m, false) + "\"");
}

void PaymentTrace::on_idempotency(core::StationRef s, const core::Payment& p, core::KeyResult r,
                                  double t) {
  if (!sampled(p)) return;
  line(head(p, t, "idempotency", s) + ",\"result\":\"" + key_result(r) + "\"");
}

void PaymentTrace::on_reconciled(const core::Payment& p, const core::ReconciledPayment& r,
                                 double t) {
  if (!sampled(p)) return;
  std::string text = head(p, t, "reconciled") + ",\"standing_charges\":" +
                     std::to_string(r.standing_charges) +
                     ",\"duplicate\":" + (r.duplicate ? "true" : "false");
  if (r.duplicate) text += ",\"cause\":\"" + std::string(core::to_string(r.cause)) + "\"";
  line(text + ",\"in_doubt\":" + (r.in_doubt ? "true" : "false"));
}

}  // namespace payquake::metrics
