#include "study/run_summary.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace payquake::study {
namespace {

namespace fs = std::filesystem;

const nlohmann::ordered_json kWhole = {{"partial", false}};
const nlohmann::ordered_json kPartial = {{"partial", true}};

TEST(RunSummary, ExitZeroOrOneWithAWholeSummaryCounts) {
  std::string why;
  EXPECT_EQ(judge_run(0, kWhole, 0, &why), RunStatus::kOk);
  EXPECT_EQ(judge_run(1, kWhole, 0, &why), RunStatus::kOk);       // an expectation failed: a result
  EXPECT_EQ(judge_run(1, kWhole, SIGINT, &why), RunStatus::kOk);  // finished before the stop
}

TEST(RunSummary, AnythingElseFailsAndSaysWhy) {
  std::string why;
  EXPECT_EQ(judge_run(3, kWhole, 0, &why), RunStatus::kFailed);
  EXPECT_EQ(why, "exit 3");
  EXPECT_EQ(judge_run(0, std::nullopt, 0, &why), RunStatus::kFailed);
  EXPECT_EQ(why, "exit 0 without a summary.json");
  EXPECT_EQ(judge_run(0, kPartial, 0, &why), RunStatus::kFailed);
  EXPECT_EQ(why, "its summary.json is marked partial");
  // Stopped by a signal nobody sent on the study's behalf: a failure, not an interruption.
  EXPECT_EQ(judge_run(130, kPartial, 0, &why), RunStatus::kFailed);
}

TEST(RunSummary, ARunStoppedByTheStudysSignalIsInterrupted) {
  std::string why;
  EXPECT_EQ(judge_run(130, kPartial, SIGINT, &why), RunStatus::kInterrupted);
  EXPECT_EQ(judge_run(143, std::nullopt, SIGTERM, &why), RunStatus::kInterrupted);
}

TEST(RunSummary, AMissingOrBrokenSummaryIsNone) {
  const fs::path dir =
      fs::temp_directory_path() / ("payquake-run-summary-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  EXPECT_FALSE(read_summary(dir.string()).has_value());
  std::ofstream(dir / "summary.json") << "{\"partial\": fa";  // cut short
  EXPECT_FALSE(read_summary(dir.string()).has_value());
  std::ofstream(dir / "summary.json") << "{\"partial\": false, \"seed\": 4}";
  EXPECT_EQ((*read_summary(dir.string()))["seed"], 4);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace payquake::study
