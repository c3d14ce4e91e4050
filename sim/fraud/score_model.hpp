// The risk score with a target AUC (the binormal model): a payment's latent value is
// N(0, 1) when legitimate and N(d, 1) when fraud, with d = sqrt(2) * inv_cdf(auc), so that
// P(fraud latent > legitimate latent) = cdf(d / sqrt(2)) = auc. The score is cdf(latent),
// in (0, 1): legitimate scores are uniform, so a threshold t flags exactly 1 - t of
// legitimate payments, and 1 - cdf(inv_cdf(t) - d) of fraud. A monotone map keeps the AUC.
#pragma once

#include "core/fraud_policy.hpp"

namespace payquake::fraud {

class ScoreModel {
 public:
  // REQUIRES: 0.5 <= spec.auc < 1 (the loader checks it).
  explicit ScoreModel(const core::ScoreSpec& spec);

  // The score of a payment from one uniform `u` in [0, 1] (e.g. a keyed draw of the
  // payment): the same (fraud, u) always gives the same score, larger u a larger score.
  double score(bool fraud, double u) const;
  // How long computing the score takes (seconds), from its own uniform.
  double latency_s(double u) const;

  // The separation of the two latent normals.
  double separation() const { return d_; }
  double auc() const { return spec_.auc; }
  // Expected shares above a threshold: legitimate payments (the false-positive rate) and
  // fraud (the true-positive rate). For tests and for policy files' comments.
  static double legitimate_share_above(double threshold);
  double fraud_share_above(double threshold) const;

 private:
  core::ScoreSpec spec_;
  double d_;
};

}  // namespace payquake::fraud
