// An interrupted run (SIGINT/SIGTERM) leaves a complete, parseable run folder whose
// summary says it is partial; never a corrupt file (DESIGN.md section 6).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// Runs black-friday (many seconds) and signals it after 1.5 s: inside the calendar, far
// from the end. With `control`, the signal goes to the whole process group, as a
// terminal's Ctrl-C does.
int run_and_signal(const std::string& out, int signal, bool control = false) {
  const std::string scenario = source_dir() + "/scenarios/black-friday.yaml";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl(payquake_binary().c_str(), "payquake", "run", scenario.c_str(), "--out", out.c_str(),
            "--quiet", control ? "--control" : "--quiet", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ::kill(control ? -pid : pid, signal);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Interrupt, SigintLeavesAPartialSummaryAndExits130) {
  const std::string out = temp_dir("sigint");
  EXPECT_EQ(run_and_signal(out, SIGINT), 128 + SIGINT);
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  EXPECT_EQ(summary["partial"], true);
  EXPECT_LT(summary["simulated_seconds"].get<double>(), 1800.0);
  EXPECT_GT(summary["payments"]["total"].get<int>(), 0);
  EXPECT_FALSE(read_file(out + "/timeseries.csv").empty());
  for (const auto& e : std::filesystem::directory_iterator(out))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

TEST(Interrupt, CtrlCDuringAControlRunStopsBothAndComparesNothing) {
  const std::string out = temp_dir("sigint-control");
  EXPECT_EQ(run_and_signal(out, SIGINT, /*control=*/true), 128 + SIGINT);
  const auto summary = nlohmann::json::parse(read_file(out + "/summary.json"));
  EXPECT_EQ(summary["partial"], true);
  EXPECT_EQ(summary["control"]["partial"], true);
  EXPECT_FALSE(summary.contains("delta"));  // partial against partial means nothing
  EXPECT_EQ(nlohmann::json::parse(read_file(out + "/control/summary.json"))["partial"], true);
}

TEST(Interrupt, SigtermToo) {
  const std::string out = temp_dir("sigterm");
  EXPECT_EQ(run_and_signal(out, SIGTERM), 128 + SIGTERM);
  EXPECT_EQ(nlohmann::json::parse(read_file(out + "/summary.json"))["partial"], true);
}

}  // namespace
}  // namespace payquake::testing
