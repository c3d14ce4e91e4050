#include "metrics/dataset_writer.hpp"

#include <cassert>
#include <charconv>

namespace payquake::metrics {
namespace {

// Appends the shortest form that reads back exactly, so two runs compare byte by byte.
template <typename T>
void append_number(std::string& s, T v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  s.append(buf, r.ptr);
}

// A CSV field (RFC 4180): quoted only when it holds a separator, a quote or a line break.
// Scenario ids are plain words, but nothing here relies on it.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The ids as CSV fields, quoted once here rather than per row.
std::vector<std::string> fields(std::vector<std::string> ids) {
  for (auto& id : ids) id = field(id);
  return ids;
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
    case Kind::kReplay:  // each row names its original's population (card_population_of)
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
  node_ids_ = fields(std::move(node_ids_));
  population_ids_ = fields(std::move(population_ids_));
  attack_ids_ = fields(std::move(attack_ids_));
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
  append_row(p, r, it == live_.end() ? Live{} : it->second);
  if (it != live_.end()) live_.erase(it);
  ++rows_;
}

const std::string& DatasetWriter::population(const core::Payment& p) const {
  static const std::string kNone;
  // Whose card it is: a stolen card's, or a replayed request's, population (an attack's own
  // entry names it only for what has no cardholder: a BIN attack's guess, a flood).
  const std::uint32_t cards = core::card_population_of(p);
  return cards < population_ids_.size() ? population_ids_[cards] : kNone;
}

void DatasetWriter::append_row(const core::Payment& p, const core::ReconciledPayment& r,
                               const Live& l) {
  std::string& s = row_;
  s.clear();
  append_number(s, p.id);
  s += ',';
  append_number(s, p.intended_arrival_s);
  s += ',';
  s += population(p);
  s += ',';
  append_number(s, p.card);
  s += ',';
  append_number(s, p.merchant);
  s += ',';
  append_number(s, p.device);
  s += ',';
  s += core::to_string(p.amount);
  s += ',';
  if (l.decided && l.score >= 0.0) append_number(s, l.score);
  s += ',';
  if (l.decided) s += decision(l.policy_down, l.action);
  s += ',';
  if (l.decided && l.rule >= 0 && l.node < node_ids_.size()) {
    s += node_ids_[l.node];
    s += ':';
    append_number(s, l.rule);
  }
  s += ',';
  // An abandoned payment's code is the answer that made the customer give up: 65 at a
  // challenge, 91 when they walked away without an answer.
  if (l.final_s >= 0.0) s += core::code_string(l.code);
  s += ',';
  s += core::to_string(r.outcome);
  s += ',';
  if (l.final_s >= 0.0) append_number(s, l.final_s - p.intended_arrival_s);
  s += ',';
  append_number(s, l.presses);
  s += ',';
  if (r.duplicate) s += core::to_string(r.cause);
  s += ',';
  // Labels: straight from the payment's ground truth, never from a column above.
  const bool attack = p.attack != core::kNoAttack && p.attack < attack_ids_.size();
  s += p.fraud ? "1," : "0,";
  if (attack) s += attack_ids_[p.attack];
  s += ',';
  if (attack) s += attack_kinds_[p.attack];
  s += '\n';
  out_.write(s.data(), static_cast<std::streamsize>(s.size()));
}

}  // namespace payquake::metrics
