#include "fraud/cost.hpp"

#include <cassert>
#include <cmath>

namespace payquake::fraud {
namespace {

core::Money share_of(core::Money amount, double fraction) {
  return {std::llround(static_cast<double>(amount.minor) * fraction)};
}

}  // namespace

FraudCost fraud_cost(const FraudCounts& counts, const CostRates& rates) {
  assert(counts.chargebacks >= 0 && counts.approved_fraud_amount.minor >= 0);
  FraudCost c;
  c.fraud_loss = counts.approved_fraud_amount;
  c.chargeback_fees = {counts.chargebacks * rates.chargeback_fee.minor};
  c.false_decline_margin = share_of(counts.false_declined_amount, rates.margin);
  c.abandonment_margin = share_of(counts.abandoned_amount, rates.margin);
  c.total = c.fraud_loss + c.chargeback_fees + c.false_decline_margin + c.abandonment_margin;
  return c;
}

}  // namespace payquake::fraud
