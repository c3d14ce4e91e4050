#include "study/plan.hpp"

#include <gtest/gtest.h>

namespace payquake::study {
namespace {

TEST(Plan, ARunIsAQuietPayquakeRunIntoItsFolderWithItsSeedAndOverrides) {
  const study::Run run{"a/3", "/s/x.yaml", {"duration=30s", "nodes.iss.workers=4"}, 3, "a/3"};
  const std::vector<std::string> expected = {"run",
                                             "/s/x.yaml",
                                             "--out",
                                             "a/3",
                                             "--quiet",
                                             "--seed",
                                             "3",
                                             "--set",
                                             "duration=30s",
                                             "--set",
                                             "nodes.iss.workers=4"};
  EXPECT_EQ(run_arguments(run), expected);
}

}  // namespace
}  // namespace payquake::study
