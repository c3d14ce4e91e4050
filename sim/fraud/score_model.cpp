#include "fraud/score_model.hpp"

#include <cassert>
#include <cmath>

#include "fraud/quantile.hpp"

namespace payquake::fraud {

ScoreModel::ScoreModel(const core::ScoreSpec& spec)
    : spec_(spec), d_(std::sqrt(2.0) * norm_quantile(spec.auc)) {
  assert(spec.auc >= 0.5 && spec.auc < 1.0);
}

double ScoreModel::score(bool fraud, double u) const {
  const double latent = norm_quantile(open_unit(u)) + (fraud ? d_ : 0.0);
  return norm_cdf(latent);
}

double ScoreModel::latency_s(double u) const { return quantile(spec_.latency, u); }

double ScoreModel::legitimate_share_above(double threshold) { return 1.0 - threshold; }

double ScoreModel::fraud_share_above(double threshold) const {
  if (threshold <= 0.0) return 1.0;
  if (threshold >= 1.0) return 0.0;
  return 1.0 - norm_cdf(norm_quantile(threshold) - d_);
}

}  // namespace payquake::fraud
