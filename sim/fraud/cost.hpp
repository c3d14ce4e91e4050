// A fraud policy's total cost, one figure to minimise (issue 10): money lost to approved
// fraud, the fees of its chargebacks, and the margin lost on legitimate payments the
// policy turned away (false declines) or drove away (abandoned step-ups). Pure arithmetic
// on integer minor units; the counts and amounts come from the run.
#pragma once

#include <cstdint>

#include "core/money.hpp"

namespace payquake::fraud {

// What the run counted.
struct FraudCounts {
  core::Money approved_fraud_amount;  // the loss
  std::int64_t chargebacks = 0;       // on approved fraud
  core::Money false_declined_amount;  // legitimate payments declined by the policy
  core::Money abandoned_amount;       // legitimate payments abandoned at step-up
};

// What each costs. No defaults: fees and margins differ by merchant and are the
// researcher's to state.
struct CostRates {
  core::Money chargeback_fee;  // per chargeback
  double margin = 0.0;         // fraction of a lost sale's amount that was profit, in [0, 1]
};

struct FraudCost {
  core::Money fraud_loss;
  core::Money chargeback_fees;
  core::Money false_decline_margin;
  core::Money abandonment_margin;
  core::Money total;
};

// Each term to the minor unit (a margin's product rounded to the nearest, halves away
// from zero), the total their exact sum. REQUIRES: counts and amounts >= 0.
FraudCost fraud_cost(const FraudCounts& counts, const CostRates& rates);

}  // namespace payquake::fraud
