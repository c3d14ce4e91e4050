// A policy's rules, first match wins (DESIGN.md section 4): velocity per card, merchant or
// device over a sliding window, amount_over, score_over and block lists, each with an
// action. No rule matching means approve (funds permitting: that is the issuer's call).
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "core/fraud_policy.hpp"
#include "fraud/decision.hpp"
#include "fraud/velocity_window.hpp"

namespace payquake::fraud {

class RulesEngine {
 public:
  explicit RulesEngine(std::vector<core::FraudRule> rules);

  // The decision for `c`. Every payment the policy sees is counted by every velocity rule
  // (whichever rule fires, and whether or not it is declined: a bot whose tries are
  // declined is still trying), then the rules are tried in order. REQUIRES: c.time_s never
  // decreases from one call to the next.
  Decision evaluate(const Candidate& c);

  // Subjects and events the velocity windows hold now (their memory, for tests and gauges).
  std::size_t velocity_subjects_held() const;
  std::size_t velocity_events_held() const;

 private:
  // Whether rule i matches c: a velocity rule by the count just recorded for c's subject
  // (none when c has no such subject), a score_over rule only when c has a score.
  bool matches(std::size_t i, const Candidate& c) const;

  std::vector<core::FraudRule> rules_;
  std::vector<std::optional<VelocityWindow>> windows_;  // parallel to rules_
  std::vector<std::uint64_t> counts_;                   // of the payment being evaluated
};

// The subject of `c` a rule counts or lists by; nullopt when the caller gave none.
std::optional<std::uint64_t> subject_of(const Candidate& c, core::FraudSubject per);

}  // namespace payquake::fraud
