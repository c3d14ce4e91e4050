// The empirical AUC of two samples of scores (the Mann-Whitney U statistic over n1 x n2
// pairs) and its standard error (Hanley & McNeil, Radiology 143:29-36, 1982): what a test
// of a score model, or later of a policy's decisions, compares a target with.
#pragma once

#include <cstddef>
#include <vector>

namespace payquake::fraud {

// P(a fraud score > a legitimate score) + P(equal) / 2, over every pair; O(n log n).
// REQUIRES: both samples non-empty.
double empirical_auc(std::vector<double> fraud_scores, std::vector<double> legitimate_scores);

// The standard error of an AUC estimated from n_fraud and n_legitimate scores:
// sqrt((A(1-A) + (n1-1)(Q1-A^2) + (n2-1)(Q2-A^2)) / (n1 n2)), Q1 = A/(2-A), Q2 = 2A^2/(1+A).
double hanley_mcneil_se(double auc, std::size_t n_fraud, std::size_t n_legitimate);

}  // namespace payquake::fraud
