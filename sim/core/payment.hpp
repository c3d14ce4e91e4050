// A payment is data: a small struct that travels in messages on the event calendar,
// never a SimGrid actor or Comm (DESIGN.md section 3: measured 70-600x slower).
#pragma once

#include <cstdint>

#include "core/money.hpp"

namespace payquake::core {

// ISO 8583 response codes used by the flow (DESIGN.md section 2).
enum class ResponseCode : std::uint8_t {
  kApproved = 0,            // 00
  kDoNotHonour = 5,         // 05
  kInvalidCard = 14,        // 14: no such card number (a BIN attack's guesses)
  kFormatError = 30,        // 30: the gateway refused the request itself (flood, bad signature)
  kInsufficientFunds = 51,  // 51
  kSuspectedFraud = 59,     // 59
  // 65: soft decline, strong customer authentication required (the EU's use of 65 for
  // PSD2 SCA): a fraud policy's step_up. The payer's checkout runs the 3-D Secure
  // challenge and, unless the customer abandons or the challenge stops a fraudster, pays
  // again authenticated.
  kAuthenticationRequired = 65,
  kIssuerInoperative = 91,  // 91: issuer or switch inoperative (also: a hop timed out)
  kSystemMalfunction = 96,  // 96: system malfunction (also: a queue was full)
};

inline int code_number(ResponseCode c) { return static_cast<int>(c); }
// "00", "05", "91", ...
const char* code_string(ResponseCode c);

// The final state the payer sees; every payment ends in exactly one.
enum class Outcome : std::uint8_t { kApproved, kDeclined, kFailed, kAbandoned };
const char* to_string(Outcome o);

// Declines are the issuer's considered answer; 91 and 96 are failures of the system.
Outcome outcome_of(ResponseCode c);

// How a payment came to be charged more than once (DESIGN.md section 5).
// kClientRetry: the customer pressed pay again without a key, or with a new one.
// kKeyNotStored: the customer pressed again with the same key, but the gateway's store held
// no result for it (the first press ended in an error, 91/96, which is not stored; or
// the store was down and failing open, or the key had expired), so the retry charged again.
enum class DuplicateCause : std::uint8_t {
  kClientRetry, kGatewayRetry, kDoubleSubmit, kLostReversal, kStandIn, kReplay, kKeyNotStored,
  kCount
};
const char* to_string(DuplicateCause c);

// ISO 8583 message classes of the flow: authorization 0100/0110, reversal 0400/0410,
// stand-in advice 0120/0130.
enum class Message : std::uint8_t { kAuthorization, kReversal, kAdvice };
const char* mti(Message m, bool response);

// Where a payment came from: ground truth, never a feature a policy may read.
inline constexpr std::uint32_t kNoAttack = 0xffffffffu;
// Payment::card_population's default: the card is one of the payment's own population.
inline constexpr std::uint32_t kOwnCards = 0xffffffffu;

// What the fraud policies did to a payment so far (bits of Payment::fraud_marks), set by
// the flow so that observers of the final state know why it ended as it did.
enum FraudMark : std::uint8_t {
  kPolicyDeclined = 1,    // a policy declined it: 59 by a rule, 05 failing closed
  kSteppedUp = 2,         // a policy asked for a step-up (65) at least once
  kAuthenticated = 4,     // the customer passed a 3-D Secure challenge
  kStepUpAbandoned = 8,   // a legitimate customer gave up at the challenge
  kStepUpStopped = 16,    // the challenge stopped a fraudster
  kUncheckedOutage = 32,  // a policy let it through unchecked (its dependency down, fail_open)
};

struct Payment {
  std::uint64_t id = 0;          // sequence number in arrival order, per run
  // The key of the payment's random draws (payments::payment_serial): its population and
  // its place among that population's arrivals.
  std::uint64_t serial = 0;
  std::uint64_t card = 0;        // rank within its population (1 = most active)
  std::uint32_t population = 0;  // index into Scenario::payers
  std::uint32_t issuer = 0;      // node index of the issuer owning the card's BIN
  std::uint32_t bin = 0;         // index into the run's BIN table
  // Whose card it is, when not the payment's own population's (kOwnCards): an attack on
  // stolen cards pays with its victims' cards (population index), so a card, its issuer
  // and its account are the same card whoever pays with it (card_population_of).
  std::uint32_t card_population = kOwnCards;
  Money amount;
  double intended_arrival_s = 0.0;  // latency is measured from here (no coordinated omission)

  // What a fraud policy may see besides card and amount (ids; 0: none).
  std::uint64_t merchant = 0;
  std::uint64_t device = 0;
  // Ground truth (issue 10): an attack's payment carries the attack's index into
  // Scenario::attacks; `fraud` is true for every payment made without the cardholder's
  // consent (a population's base-rate fraud, and every attack but flood).
  std::uint32_t attack = kNoAttack;
  bool fraud = false;
  bool card_exists = true;       // false: a number the issuer never issued (answered 14)
  std::uint64_t replay_of = 0;   // a replay: 1 + the id of the payment whose request it resends
  std::uint8_t fraud_marks = 0;  // FraudMark bits
};

// The population whose card `p` pays with: with the card rank, the card's identity.
inline std::uint32_t card_population_of(const Payment& p) {
  return p.card_population == kOwnCards ? p.population : p.card_population;
}

}  // namespace payquake::core
