// The payer's behaviour as a plain object: what key a press of "pay" carries and which
// request it is, whether the customer accidentally submits twice and when, and what the
// customer does after an error or after their timeout (press again after a drawn delay, or
// give up). The flow asks it and does the rest (attempts, calendar, the final state); it
// knows nothing of stations, messages or the calendar. Every draw is the payment's own
// (PaymentDraws), so a decision never depends on what other payments did.
#pragma once

#include <cstdint>

#include "core/payment.hpp"
#include "core/scenario.hpp"
#include "payments/ledger.hpp"
#include "payments/payment_draws.hpp"

namespace payquake::payments {

class Payer {
 public:
  // `draws` must outlive the payer.
  explicit Payer(const PaymentDraws& draws) : draws_(draws) {}

  // A press of pay: the idempotency key it carries (0: none) and its press number, which
  // names its request (visit::press): first 0, retries 1.., double submits from 16.
  struct Press {
    std::uint64_t key = 0;
    int number = 0;
  };
  // The press of `kind` for payment `id` of a customer configured as `client`, who has
  // pressed `presses` times before in the primary chain (double submits are not counted;
  // the press after a 3-D Secure challenge, kStepUp, is). reuse: every press carries the
  // first press's key; new: a key per press number (the last one shared beyond 31); none:
  // no key. Once the customer passed a challenge, `authenticated_press` is the number of
  // the press that followed it: that press has a key of its own (the first key's stored
  // answer is the 65 that asked for the challenge), and under reuse every later press
  // carries it.
  static Press press(const core::Client& client, std::uint64_t id, TryKind kind, int presses,
                     int authenticated_press = -1);

  // After the first press of `p` at `t`: whether a second, accidental submit follows, and
  // when.
  struct DoubleSubmit {
    bool happens = false;
    double at_s = 0.0;
  };
  DoubleSubmit double_submit(const core::Payment& p, double t) const;

  // What the customer does next after press kind `kind` failed at `t` (an error answer or
  // the client timeout), having pressed `presses` times in the primary chain, `step_ups` of
  // them after a challenge (those are not retries: they leave the retries as they were).
  enum class Step : std::uint8_t {
    kNothing,     // a double submit's failure: the primary chain decides
    kPressAgain,  // a client retry at `at_s`
    kGiveUp,      // no retries left: the final state is the failure (in doubt on a timeout)
  };
  struct Next {
    Step step = Step::kNothing;
    double at_s = 0.0;
  };
  Next after_failure(const core::Client& client, const core::Payment& p, TryKind kind,
                     int presses, double t, int step_ups = 0) const;

 private:
  const PaymentDraws& draws_;
};

}  // namespace payquake::payments
