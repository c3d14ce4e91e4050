// Does any single column of a labelled table give the label away? For each feature column,
// the best accuracy that one rule on that column alone reaches in predicting the label: a
// threshold for a numeric column, one answer per value for a categorical one. A column whose
// best rule is right for every row is a leak (a label by another name, or an artefact of how
// the data was made); the dataset's tests require every column to stay below 1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace payquake::metrics {

// `label[i]` is row i's label. Empty cells (NaN) count as smaller than every number, or as
// larger, whichever serves the rule better. Rules: "value > t means 1" and "value > t means 0"
// for every cut between two distinct values (and none, which predicts one label throughout).
// REQUIRES: values.size() == label.size(), not empty.
double best_threshold_accuracy(const std::vector<double>& values, const std::vector<bool>& label);

// Each distinct value predicts the label most of its rows carry.
// REQUIRES: values.size() == label.size(), not empty.
double best_category_accuracy(const std::vector<std::string>& values,
                              const std::vector<bool>& label);

struct ColumnLeak {
  std::string column;
  double accuracy = 0.0;  // of the best single rule on this column, in [0, 1]
};

// For a CSV text with a header line: every column but `label` (cells "1" or "0") and
// `ignored` (the other labels), with its best rule's accuracy; `categorical` columns are
// judged by category rules, the others (numbers) by thresholds. Throws std::invalid_argument
// on a missing label column, a label cell that is not 0 or 1, a row of the wrong width, a
// non-numeric cell in a numeric column, or no rows.
std::vector<ColumnLeak> single_column_accuracy(std::string_view csv, const std::string& label,
                                               const std::vector<std::string>& categorical,
                                               const std::vector<std::string>& ignored);

// One CSV line's fields (RFC 4180 quoting).
std::vector<std::string> csv_fields(std::string_view line);

}  // namespace payquake::metrics
