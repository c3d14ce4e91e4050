#include "scenario/suggest.hpp"

#include <gtest/gtest.h>

namespace payquake::scenario {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0);
  EXPECT_EQ(edit_distance("abc", ""), 3);
  EXPECT_EQ(edit_distance("servce_time", "service_time"), 1);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("eats", "east"), 1);  // a swap is one edit
  EXPECT_EQ(edit_distance("ab", "ba"), 1);
}

TEST(Suggest, OffersOnlyCloseKeys) {
  const std::vector<std::string> keys{"id", "role", "service_time", "timeout", "workers"};
  EXPECT_EQ(nearest("servce_time", keys), "service_time");
  EXPECT_EQ(nearest("servise_tme", keys), "service_time");
  EXPECT_EQ(nearest("timout", keys), "timeout");
  EXPECT_EQ(nearest("rol", keys), "role");
  EXPECT_EQ(nearest("ix", keys), "id");
  EXPECT_FALSE(nearest("xy", keys));     // two edits on a two-letter key is a guess
  EXPECT_FALSE(nearest("retry", keys));  // nothing is close
  EXPECT_EQ(nearest("wrkrs", keys), "workers");
  EXPECT_FALSE(nearest("wkrs", keys));  // three edits is too far
}

}  // namespace
}  // namespace payquake::scenario
