// What the flow tells the world. Actors emit these events; metrics (and later the
// Prometheus exporter, the event log) subscribe. No statistics code lives inside the
// flow (STYLE.md: the ns-3 trace-source pattern).
#pragma once

#include <cstdint>

#include "core/fraud_policy.hpp"
#include "core/payment.hpp"

namespace payquake::core {

// One replica of one node: the unit that queues and serves.
struct StationRef {
  std::uint32_t node = 0;
  std::uint32_t replica = 0;
};

// The payer is not a station; its requests are reported with this node number.
inline constexpr std::uint32_t kPayerNode = 0xffffffffu;

// Why a request left.
enum class SendReason : std::uint8_t {
  kFirst,         // the payer's first press of "pay", or a hop forwarding a request
  kClientRetry,   // the payer pressed "pay" again after a timeout or an error
  kDoubleSubmit,  // an accidental second press
  kHopRetry,      // a hop retried its next hop after a timeout or 91/96
  kResend,        // a reversal or advice sent again by the hop that originated it
  kOriginate,     // a hop originated a reversal (after a timeout) or an advice (stand-in)
  kStepUp,        // the payer pressed "pay" again after passing a 3-D Secure challenge
};

// What the gateway's idempotency store did with a keyed request.
enum class KeyResult : std::uint8_t { kReplayed, kConflict, kWaited, kStoreUnavailable };

// What a node learned about a replica of one of its next hops.
enum class HealthChange : std::uint8_t {
  kUnhealthy,  // active health checks failed `unhealthy_after` times in a row
  kHealthy,    // ... and passed `healthy_after` times in a row again
  kEjected,    // outlier detection took it out of the pool
  kReturned,   // its ejection is over (half-open)
};

// What a node's fraud policy decided about one authorization (issue 10).
struct FraudVerdict {
  FraudAction action = FraudAction::kApprove;  // after authentication: a passed 3-D Secure
                                               // challenge turns a step_up into approve
  int rule = -1;          // the rule that fired (index in the policy's list); -1: none
  double score = -1.0;    // the risk score in (0, 1); -1: the policy has none, or was down
  ResponseCode code = ResponseCode::kApproved;  // the answer a decline gives (59, or 05)
  bool policy_down = false;   // its dependency was down: on_failure decided
  bool authenticated = false; // the payment had passed a challenge before
  double latency_s = 0.0;     // the time the policy added to the node's service
};

// How a 3-D Secure challenge ended.
enum class StepUpResult : std::uint8_t { kPassed, kAbandoned, kStopped };

// What the gateway's request signing did with a request.
enum class SignatureResult : std::uint8_t {
  kAccepted,          // fresh timestamp, unseen nonce (or a new request)
  kStaleTimestamp,    // refused: older than the window
  kNonceSeen,         // refused: the nonce store holds its nonce
  kStoreUnavailable,  // the nonce store was down: refused (fail_closed) or let through
};

// A payment's account once all its work has drained (retries, reversals, advices).
struct ReconciledPayment {
  Outcome outcome = Outcome::kFailed;  // what the payer saw
  int standing_charges = 0;            // approved, unreversed authorizations
  bool duplicate = false;              // standing_charges > 1
  DuplicateCause cause = DuplicateCause::kClientRetry;
  double extra_charge_s = 0.0;  // when the first extra charge was approved
  bool in_doubt = false;        // the payer gave up without an answer
  double gave_up_s = 0.0;
};

class FlowObserver {
 public:
  virtual ~FlowObserver() = default;

  // A payment arrived at its intended time `t` (the open-loop arrival).
  virtual void on_arrival(const Payment& p, double t) {}
  // The payer's final state at `t`. Exactly once per payment. `code` is the answer that
  // decided it (meaningless for kAbandoned).
  virtual void on_final(const Payment& p, Outcome outcome, ResponseCode code, double t) {}
  // A request (0100, 0400 or 0120) left a station, or the payer (node kPayerNode).
  virtual void on_sent(StationRef from, Message m, SendReason why, const Payment& p, double t) {}
  // A request began service after waiting `queue_wait_s`; its service will last `service_s`.
  virtual void on_service_start(StationRef s, const Payment& p, double t, double queue_wait_s,
                                double service_s) {}
  // The number of busy workers or waiting requests at a station changed at `t`.
  virtual void on_busy_change(StationRef s, double t, std::int32_t busy) {}
  virtual void on_queue_change(StationRef s, double t, std::int32_t length) {}
  // The waiting room was full: the request was answered 96 at once.
  virtual void on_rejected(StationRef s, const Payment& p, double t) {}
  // A hop gave up waiting for its next hop (per-attempt timeout).
  virtual void on_timeout(StationRef s, const Payment& p, double t) {}
  // An answer arrived after the requester's timeout and was discarded.
  virtual void on_late_answer(StationRef s, const Payment& p, double t) {}
  // An answer reached a payer who had already given up on that press.
  virtual void on_payer_late_answer(const Payment& p, double t) {}
  // The network answered in place of the issuer (approved, or declined above its limit).
  virtual void on_stand_in(StationRef s, const Payment& p, bool approved, double t) {}
  // A reversal or advice gave up after its last attempt: the issuer never saw it.
  virtual void on_lost(StationRef s, Message m, const Payment& p, double t) {}
  virtual void on_idempotency(StationRef s, const Payment& p, KeyResult r, double t) {}
  // A node's fraud policy decided on an authorization of `p` at `t` (after its service,
  // which included the policy's latency).
  virtual void on_fraud_decision(StationRef s, const Payment& p, const FraudVerdict& v,
                                 double t) {}
  // The payer's 3-D Secure challenge of `p` ended at `t` after `latency_s`.
  virtual void on_step_up(const Payment& p, StepUpResult r, double latency_s, double t) {}
  // The gateway checked the signature of a request of `p`; `refused`: answered 30.
  virtual void on_signature(StationRef s, const Payment& p, SignatureResult r, bool refused,
                            double t) {}
  // The payment's work has drained and the ledger has reconciled it.
  virtual void on_reconciled(const Payment& p, const ReconciledPayment& r, double t) {}
  // `checker` (a node) changed its view of replica `target` of one of its next hops.
  virtual void on_health(std::uint32_t checker, StationRef target, HealthChange change, double t) {}
  // The calendar reached `t`; observers that keep windows may close them.
  virtual void on_clock(double t) {}
};

}  // namespace payquake::core
