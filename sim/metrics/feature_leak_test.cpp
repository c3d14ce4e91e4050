#include "metrics/feature_leak.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace payquake::metrics {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(FeatureLeak, AThresholdThatSeparatesTheLabelsIsPerfect) {
  EXPECT_DOUBLE_EQ(best_threshold_accuracy({1, 2, 3, 10, 11}, {false, false, false, true, true}), 1.0);
  // ... whichever side the label is on.
  EXPECT_DOUBLE_EQ(best_threshold_accuracy({1, 2, 3, 10, 11}, {true, true, false, false, false}), 1.0);
}

TEST(FeatureLeak, OverlappingValuesCapTheAccuracy) {
  // 4 is on both sides: one of its two rows is always wrong.
  EXPECT_DOUBLE_EQ(best_threshold_accuracy({1, 4, 4, 9}, {false, false, true, true}), 0.75);
  // No cut beats predicting the majority throughout.
  EXPECT_DOUBLE_EQ(best_threshold_accuracy({1, 2, 3, 4}, {true, false, false, true}), 0.75);
}

TEST(FeatureLeak, EmptyCellsGoWhereverTheyHelpTheRule) {
  // Empty only on the positives: "empty means 1" separates them, at either end.
  EXPECT_DOUBLE_EQ(best_threshold_accuracy({kNaN, kNaN, 1, 2}, {true, true, false, false}), 1.0);
  EXPECT_DOUBLE_EQ(best_threshold_accuracy({1, kNaN, 5, 9}, {false, true, true, true}), 1.0);
}

TEST(FeatureLeak, CategoriesPredictTheirMajority) {
  EXPECT_DOUBLE_EQ(best_category_accuracy({"59", "00", "00", "59"}, {true, false, false, true}), 1.0);
  EXPECT_DOUBLE_EQ(best_category_accuracy({"a", "a", "a", "b"}, {true, false, false, true}), 0.75);
}

TEST(FeatureLeak, EachColumnIsJudgedOnItsOwnAndLabelsAreSkipped) {
  const std::string csv =
      "id,code,amount,is_fraud,attack_id\n"
      "1,00,5.00,0,\n"
      "2,59,7.50,1,ct\n"
      "3,00,1.00,1,ct\n"
      "4,\"00\",9.00,0,\n";
  const auto leaks = single_column_accuracy(csv, "is_fraud", {"code"}, {"attack_id"});
  ASSERT_EQ(leaks.size(), 3u);
  EXPECT_EQ(leaks[0].column, "id");
  EXPECT_DOUBLE_EQ(leaks[0].accuracy, 0.75);  // 1,2,3,4 labelled 0,1,1,0
  EXPECT_EQ(leaks[1].column, "code");
  EXPECT_DOUBLE_EQ(leaks[1].accuracy, 0.75);  // 00 is 0,1,0; 59 is 1
  EXPECT_EQ(leaks[2].column, "amount");
  EXPECT_DOUBLE_EQ(leaks[2].accuracy, 0.75);  // 1.00:1 5.00:0 7.50:1 9.00:0
  // The label column by another name is caught.
  const auto all = single_column_accuracy(csv, "is_fraud", {"code", "attack_id"}, {});
  EXPECT_EQ(all.back().column, "attack_id");
  EXPECT_DOUBLE_EQ(all.back().accuracy, 1.0);
}

TEST(FeatureLeak, MalformedTablesAreRefused) {
  EXPECT_THROW(single_column_accuracy("a,b\n", "b", {}, {}), std::invalid_argument);
  EXPECT_THROW(single_column_accuracy("a,b\n1,1\n", "c", {}, {}), std::invalid_argument);
  EXPECT_THROW(single_column_accuracy("a,b\n1,2\n", "b", {}, {}), std::invalid_argument);
  EXPECT_THROW(single_column_accuracy("a,b\n1\n", "b", {}, {}), std::invalid_argument);
  EXPECT_THROW(single_column_accuracy("a,b\nx,1\n", "b", {}, {}), std::invalid_argument);
}

TEST(FeatureLeak, CsvFieldsFollowRfc4180Quoting) {
  EXPECT_EQ(csv_fields("a,\"b,c\",\"d\"\"e\",,"),
            (std::vector<std::string>{"a", "b,c", "d\"e", "", ""}));
}

}  // namespace
}  // namespace payquake::metrics
