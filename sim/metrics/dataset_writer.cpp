#include "metrics/dataset_writer.hpp"

#include <cassert>
#include <charconv>

namespace payquake::metrics {
namespace {

// The shortest form that reads back exactly, so two runs compare byte by byte.
std::string number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A CSV field (RFC 4180): quoted only when it holds a separator, a quote or a line break.
// Scenario ids are plain words, but nothing here relies on it.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// What the last policy decision was, in the words of summary.json's by_policy.
const char* decision(bool policy_down, core::FraudAction action) {
  if (policy_down) return action == core::FraudAction::kApprove ? "unchecked" : "declined_outage";
  return core::to_string(action);
}

// The cardholders' population of attack `a`'s cards: card testing and account takeover use
// the real cards of `payers` (the first population by default); a replay resends a captured
// legitimate request, whose population is known here only when there is one; a BIN attack's
// enumerated numbers and a flood's requests belong to no population.
std::string attack_population(const core::Scenario& s, const core::Attack& a) {
  using Kind = core::Attack::Kind;
  if (s.payers.empty()) return "";
  switch (a.kind) {
    case Kind::kCardTesting:
    case Kind::kAccountTakeover:
      return a.payers.empty() ? s.payers.front().id : a.payers;
    case Kind::kReplay:
      return s.payers.size() == 1 ? s.payers.front().id : "";
    case Kind::kBinAttack:
    case Kind::kFlood:
      return "";
  }
  return "";
}

}  // namespace

DatasetSample::DatasetSample(std::uint64_t seed, double share)
    : draw_(seed, "dataset/sample"), share_(share) {
  assert(share > 0.0 && share <= 1.0 && "the dataset's sample share must be in (0, 1]");
}

bool DatasetSample::keeps(const core::Payment& p) const {
  if (share_ >= 1.0) return true;
  // The top 53 bits of the payment's one draw, as a uniform in [0, 1).
  return static_cast<double>(draw_.first(p.serial, 0) >> 11) * 0x1.0p-53 < share_;
}

DatasetWriter::DatasetWriter(const core::Scenario& scenario, DatasetSample sample,
                             std::ostream& out)
    : sample_(sample), out_(out) {
  for (const auto& n : scenario.nodes) node_ids_.push_back(n.id);
  for (const auto& p : scenario.payers) population_ids_.push_back(p.id);
  for (const auto& a : scenario.attacks) {
    population_ids_.push_back(attack_population(scenario, a));
    attack_ids_.push_back(a.id);
    attack_kinds_.push_back(core::to_string(a.kind));
  }
  std::string header;
  for (const auto& c : kDatasetColumns) header.append(header.empty() ? "" : ",").append(c);
  out_ << header << '\n';
}

void DatasetWriter::on_arrival(const core::Payment& p, double) {
  if (sample_.keeps(p)) live(p);
}

void DatasetWriter::on_sent(core::StationRef from, core::Message m, core::SendReason,
                            const core::Payment& p, double) {
  // Every authorization the payer sent: the first press, retries, double submits and the
  // press after a passed 3-D Secure challenge.
  if (from.node != core::kPayerNode || m != core::Message::kAuthorization) return;
  if (sample_.keeps(p)) ++live(p).presses;
}

void DatasetWriter::on_fraud_decision(core::StationRef s, const core::Payment& p,
                                      const core::FraudVerdict& v, double) {
  if (!sample_.keeps(p)) return;
  // The last decision wins: a later one (the issuer after the gateway, or a node deciding
  // again on the authenticated press) is the one that shaped the payment's final answer.
  Live& l = live(p);
  l.decided = true;
  l.policy_down = v.policy_down;
  l.action = v.action;
  l.rule = v.rule;
  l.node = s.node;
  l.score = v.score;
}

void DatasetWriter::on_final(const core::Payment& p, core::Outcome, core::ResponseCode code,
                             double t) {
  if (!sample_.keeps(p)) return;
  Live& l = live(p);
  l.final_s = t;
  l.code = code;
}

void DatasetWriter::on_reconciled(const core::Payment& p, const core::ReconciledPayment& r,
                                  double) {
  if (!sample_.keeps(p)) return;
  const auto it = live_.find(p.id);
  out_ << row(p, r, it == live_.end() ? Live{} : it->second);
  if (it != live_.end()) live_.erase(it);
  ++rows_;
}

const std::string& DatasetWriter::population(const core::Payment& p) const {
  static const std::string kNone;
  return p.population < population_ids_.size() ? population_ids_[p.population] : kNone;
}

std::string DatasetWriter::row(const core::Payment& p, const core::ReconciledPayment& r,
                               const Live& l) const {
  std::string s;
  s.reserve(160);
  s.append(std::to_string(p.id)).append(",");
  s.append(number(p.intended_arrival_s)).append(",");
  s.append(field(population(p))).append(",");
  s.append(std::to_string(p.card)).append(",");
  s.append(std::to_string(p.merchant)).append(",");
  s.append(std::to_string(p.device)).append(",");
  s.append(core::to_string(p.amount)).append(",");
  s.append(l.decided && l.score >= 0.0 ? number(l.score) : "").append(",");
  s.append(l.decided ? decision(l.policy_down, l.action) : "").append(",");
  if (l.decided && l.rule >= 0 && l.node < node_ids_.size())
    s.append(field(node_ids_[l.node])).append(":").append(std::to_string(l.rule));
  s.append(",");
  // An abandoned payment's code is the answer that made the customer give up: 65 at a
  // challenge, 91 when they walked away without an answer.
  s.append(l.final_s >= 0.0 ? core::code_string(l.code) : "").append(",");
  s.append(core::to_string(r.outcome)).append(",");
  s.append(l.final_s >= 0.0 ? number(l.final_s - p.intended_arrival_s) : "").append(",");
  s.append(std::to_string(l.presses)).append(",");
  s.append(r.duplicate ? core::to_string(r.cause) : "").append(",");
  // Labels: straight from the payment's ground truth, never from a column above.
  const bool attack = p.attack != core::kNoAttack && p.attack < attack_ids_.size();
  s.append(p.fraud ? "1" : "0").append(",");
  s.append(attack ? field(attack_ids_[p.attack]) : "").append(",");
  s.append(attack ? attack_kinds_[p.attack] : "").append("\n");
  return s;
}

}  // namespace payquake::metrics
