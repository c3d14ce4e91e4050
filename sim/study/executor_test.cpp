// The executor runs fake `payquake` scripts (the binary is injectable), so every way a
// child can end is tested without an engine.
#include "study/executor.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace payquake::study {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& label) {
  const fs::path p =
      fs::temp_directory_path() / ("payquake-executor-" + label + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// A stand-in for `payquake run SCENARIO --out DIR --quiet --seed N`: what it does depends
// on the scenario's name.
const char* kFakePayquake = R"(#!/bin/sh
out=$4
seed=$7
case "$2" in
  *fail*) echo "loading"; echo "payquake: internal error: boom" >&2; exit 3 ;;
  *nosummary*) exit 0 ;;
  *partial*) mkdir -p "$out"; echo '{"partial": true}' > "$out/summary.json"; exit 0 ;;
  *slow*) sleep 0.3 ;;
  *interrupt*)
    trap 'mkdir -p "$out"; echo "{\"partial\": true}" > "$out/summary.json"; exit 130' INT
    kill -INT $PPID
    sleep 3 & wait
    exit 0 ;;
esac
mkdir -p "$out"
echo "{\"partial\": false, \"seed\": $seed}" > "$out/summary.json"
exit 1
)";

std::string fake_binary(const fs::path& dir) {
  const fs::path bin = dir / "fake-payquake";
  std::ofstream(bin) << kFakePayquake;
  fs::permissions(bin, fs::perms::owner_all);
  return bin.string();
}

Run run_named(const std::string& scenario, const std::string& out, std::uint64_t seed = 1) {
  return {out, scenario, {}, seed, out, {}};
}

TEST(Executor, EveryRunEndsInItsOwnFolderWithItsSummary) {
  const fs::path dir = fresh_dir("ok");
  const Plan plan = {run_named("ok.yaml", "a/1", 1), run_named("ok.yaml", "a/2", 2),
                     run_named("slow.yaml", "b/1", 1), run_named("slow.yaml", "b/2", 2)};
  const StudyResult r = execute(plan, {fake_binary(dir), 2, dir.string(), false});
  EXPECT_FALSE(r.interrupted());
  ASSERT_EQ(r.runs.size(), 4u);
  for (std::size_t i = 0; i < plan.size(); ++i) {
    EXPECT_EQ(r.runs[i].status, RunStatus::kOk) << plan[i].label << ": " << r.runs[i].why;
    EXPECT_EQ(r.runs[i].exit_code, 1);  // an expectation failing is still a result
    EXPECT_EQ((*r.runs[i].summary)["seed"], *plan[i].seed);
    EXPECT_TRUE(fs::exists(dir / plan[i].out_dir / "summary.json"));
  }
  EXPECT_FALSE(fs::exists(dir / "a/.1.stderr"));  // a good run leaves nothing beside it
}

TEST(Executor, AFailedRunIsReportedWithItsExitCodeAndStderr) {
  const fs::path dir = fresh_dir("fail");
  const Plan plan = {run_named("fail.yaml", "a/1"), run_named("nosummary.yaml", "a/2"),
                     run_named("partial.yaml", "a/3"), run_named("ok.yaml", "a/4")};
  const StudyResult r = execute(plan, {fake_binary(dir), 2, dir.string(), false});
  EXPECT_EQ(r.runs[0].status, RunStatus::kFailed);
  EXPECT_EQ(r.runs[0].exit_code, 3);
  EXPECT_EQ(r.runs[0].why, "exit 3");
  EXPECT_EQ(r.runs[0].stderr_tail, "payquake: internal error: boom\n");
  EXPECT_TRUE(fs::exists(dir / "a/1.stderr"));  // kept for the whole story
  EXPECT_EQ(r.runs[1].status, RunStatus::kFailed);
  EXPECT_EQ(r.runs[1].why, "exit 0 without a summary.json");
  EXPECT_EQ(r.runs[2].status, RunStatus::kFailed);
  EXPECT_EQ(r.runs[2].why, "its summary.json is marked partial");
  EXPECT_EQ(r.runs[3].status, RunStatus::kOk);
}

TEST(Executor, ABinaryThatCannotRunIsAFailedRunNotACrash) {
  const fs::path dir = fresh_dir("nobinary");
  const StudyResult r =
      execute({run_named("ok.yaml", "a/1")}, {(dir / "absent").string(), 1, dir.string(), false});
  EXPECT_EQ(r.runs[0].status, RunStatus::kFailed);
  EXPECT_EQ(r.runs[0].exit_code, 127);
  EXPECT_NE(r.runs[0].why.find("could not be run"), std::string::npos) << r.runs[0].why;
}

TEST(Executor, SigintStopsTheRunningChildrenAndStartsNoOther) {
  const fs::path dir = fresh_dir("sigint");
  // One job at a time: the first run finishes, the second interrupts the study.
  const Plan plan = {run_named("ok.yaml", "a/1"), run_named("interrupt.yaml", "a/2"),
                     run_named("ok.yaml", "a/3"), run_named("ok.yaml", "a/4")};
  const auto start = std::chrono::steady_clock::now();
  const StudyResult r = execute(plan, {fake_binary(dir), 1, dir.string(), false});
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));  // not the sleep
  EXPECT_EQ(r.stop_signal, SIGINT);
  EXPECT_EQ(r.runs[0].status, RunStatus::kOk);
  EXPECT_EQ(r.runs[1].status, RunStatus::kInterrupted);
  EXPECT_EQ(r.runs[1].exit_code, 130);
  EXPECT_EQ(r.runs[2].status, RunStatus::kNotStarted);
  EXPECT_EQ(r.runs[3].status, RunStatus::kNotStarted);
  EXPECT_FALSE(fs::exists(dir / "a/3"));
  EXPECT_TRUE(fs::exists(dir / "a/1/summary.json"));  // finished runs are left as they are
}

// `run --control`: the control runs while the caller simulates; the caller's own handler
// sets the flag, and the control is then stopped and judged interrupted, not failed.
TEST(Executor, ABackgroundExecutionRunsBesideTheCallerAndStopsOnItsFlag) {
  const fs::path dir = fresh_dir("background");
  Execution done({run_named("ok.yaml", "a/1", 5)}, {fake_binary(dir), 1, dir.string(), false});
  done.step();  // started; the caller works meanwhile
  volatile sig_atomic_t no_signal = 0;
  const StudyResult ok = done.wait(&no_signal);
  EXPECT_EQ(ok.runs[0].status, RunStatus::kOk);
  EXPECT_EQ((*ok.runs[0].summary)["seed"], 5);

  // A child whose trap writes a partial summary on SIGINT, stopped through the flag.
  const fs::path bin = dir / "slow-payquake";
  std::ofstream(bin) << R"(#!/bin/sh
trap 'mkdir -p "$4"; echo "{\"partial\": true}" > "$4/summary.json"; exit 130' INT
sleep 5 & wait
)";
  fs::permissions(bin, fs::perms::owner_all);
  Execution slow({run_named("slow.yaml", "b/1")}, {bin.string(), 1, dir.string(), false});
  slow.step();
  EXPECT_FALSE(slow.finished());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // its trap is set
  volatile sig_atomic_t stop = SIGINT;
  const auto start = std::chrono::steady_clock::now();
  const StudyResult stopped = slow.wait(&stop);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));  // not the sleep
  EXPECT_EQ(stopped.stop_signal, SIGINT);
  EXPECT_EQ(stopped.runs[0].status, RunStatus::kInterrupted);
  EXPECT_EQ(stopped.runs[0].exit_code, 130);
  ASSERT_TRUE(stopped.runs[0].summary.has_value());  // the partial summary is kept
  EXPECT_EQ((*stopped.runs[0].summary)["partial"], true);
}

TEST(Executor, TheProgressLineCountsAndEstimates) {
  EXPECT_EQ(progress_text({20, 7, 2, 1, std::nullopt}), "runs: 7/20 done, 2 running, 1 failed");
  EXPECT_EQ(progress_text({20, 7, 2, 1, 65.0}),
            "runs: 7/20 done, 2 running, 1 failed, about 1m 05s left");
  EXPECT_FALSE(estimate_seconds_left({}, {1.0}, 3, 2).has_value());
  // Mean 10 s; 3 to start (30 s) and one running for 4 s (6 s more), over 2 jobs.
  EXPECT_DOUBLE_EQ(*estimate_seconds_left({8, 12}, {4}, 3, 2), 18.0);
}

}  // namespace
}  // namespace payquake::study
