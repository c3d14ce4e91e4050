#include "fraud/auc.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace payquake::fraud {

double empirical_auc(std::vector<double> fraud_scores, std::vector<double> legitimate_scores) {
  assert(!fraud_scores.empty() && !legitimate_scores.empty());
  std::sort(legitimate_scores.begin(), legitimate_scores.end());
  // For each fraud score: legitimate scores strictly below it, plus half of those equal.
  double wins = 0.0;
  for (double f : fraud_scores) {
    const auto lo = std::lower_bound(legitimate_scores.begin(), legitimate_scores.end(), f);
    const auto hi = std::upper_bound(lo, legitimate_scores.end(), f);
    wins +=
        static_cast<double>(lo - legitimate_scores.begin()) + 0.5 * static_cast<double>(hi - lo);
  }
  return wins /
         (static_cast<double>(fraud_scores.size()) * static_cast<double>(legitimate_scores.size()));
}

double hanley_mcneil_se(double auc, std::size_t n_fraud, std::size_t n_legitimate) {
  const double a = auc;
  const double n1 = static_cast<double>(n_fraud);
  const double n2 = static_cast<double>(n_legitimate);
  const double q1 = a / (2.0 - a);
  const double q2 = 2.0 * a * a / (1.0 + a);
  const double var =
      (a * (1.0 - a) + (n1 - 1.0) * (q1 - a * a) + (n2 - 1.0) * (q2 - a * a)) / (n1 * n2);
  return std::sqrt(std::max(var, 0.0));
}

}  // namespace payquake::fraud
