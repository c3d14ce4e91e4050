// A fraud policy as a plain, validated value (a models/fraud/*.yaml file, read by
// sim/scenario): a risk score, rules (first match wins), 3-D Secure step-up and what to do
// when the policy's own dependency is down. The models that run it live in sim/fraud.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/distribution.hpp"
#include "core/money.hpp"

namespace payquake::core {

// The risk score (fraud::ScoreModel): scores of fraud and legitimate payments drawn from
// two distributions whose AUC is `auc`; computing one takes `latency` (seconds).
struct ScoreSpec {
  double auc = 0.5;  // in [0.5, 1): 0.5 is no skill
  Distribution latency;
};

enum class FraudAction { kApprove, kDecline, kStepUp };
inline const char* to_string(FraudAction a) {
  switch (a) {
    case FraudAction::kApprove:
      return "approve";
    case FraudAction::kDecline:
      return "decline";
    case FraudAction::kStepUp:
      return "step_up";
  }
  return "?";
}

// What a velocity rule or a block list counts by.
enum class FraudSubject { kCard, kMerchant, kDevice };
inline const char* to_string(FraudSubject s) {
  switch (s) {
    case FraudSubject::kCard:
      return "card";
    case FraudSubject::kMerchant:
      return "merchant";
    case FraudSubject::kDevice:
      return "device";
  }
  return "?";
}

// More than `max` payments of one subject within `window_s` (the current one included).
struct VelocitySpec {
  FraudSubject per = FraudSubject::kCard;
  double window_s = 0.0;  // > 0
  std::int64_t max = 1;   // >= 1
};

// One rule: one condition and its action.
struct FraudRule {
  enum class Kind { kVelocity, kAmountOver, kScoreOver, kBlock };
  Kind kind = Kind::kAmountOver;
  VelocitySpec velocity;                         // kVelocity
  Money amount_over;                             // kAmountOver: amount strictly above it
  double score_over = 0.0;                       // kScoreOver: score strictly above it, in [0, 1)
  FraudSubject block_per = FraudSubject::kCard;  // kBlock
  std::vector<std::uint64_t> block_ids;          // kBlock: sorted, unique
  FraudAction action = FraudAction::kDecline;
};
inline const char* to_string(FraudRule::Kind k) {
  switch (k) {
    case FraudRule::Kind::kVelocity:
      return "velocity";
    case FraudRule::Kind::kAmountOver:
      return "amount_over";
    case FraudRule::Kind::kScoreOver:
      return "score_over";
    case FraudRule::Kind::kBlock:
      return "block";
  }
  return "?";
}

// 3-D Secure step-up (fraud::StepUpModel): the challenge takes `latency` (seconds); a
// share of legitimate customers abandon; a share of fraud attempts is stopped.
struct StepUpSpec {
  Distribution latency;
  double abandon = 0.0;      // probability in [0, 1]
  double stops_fraud = 0.0;  // probability in [0, 1]
};

// While the policy's own dependency (its score service, its rule store) is down: let
// payments through unchecked, or decline them.
enum class PolicyFailure { kFailOpen, kFailClosed };
inline const char* to_string(PolicyFailure f) {
  return f == PolicyFailure::kFailOpen ? "fail_open" : "fail_closed";
}

struct FraudPolicy {
  std::optional<ScoreSpec> score;     // none: a rules-only policy
  std::vector<FraudRule> rules;       // at least one; first match wins
  std::optional<StepUpSpec> step_up;  // required when a rule's action is step_up
  PolicyFailure on_failure = PolicyFailure::kFailOpen;
  std::string source_file;  // the file it was read from
};

}  // namespace payquake::core
