// A sweep's plan as data: the grid's order, seeds, run numbers and folders, run lists, and
// the Slurm scripts (pack, throttle, quoting) that only call payquake.
#include "study/sweep.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "study/slurm.hpp"
#include "study/sweep_folder.hpp"

namespace payquake::study {
namespace {

SweepDesign design(bool common) {
  SweepDesign d;
  d.name = "grid";
  d.scenario_path = "/s/base.yaml";
  d.axes = {{"nodes.iss.workers", {"36", "40", "48"}},
            {"payers.p.client.idempotency_key", {"none", "reuse"}}};
  d.replications = 4;
  d.common_seeds = common;
  d.first_seed = 7;
  return d;
}

TEST(SweepPlan, PointsAreTheProductInFileOrderTheLastAxisFastest) {
  const auto points = sweep_points(design(true));
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0].values, (std::vector<std::string>{"36", "none"}));
  EXPECT_EQ(points[1].values, (std::vector<std::string>{"36", "reuse"}));
  EXPECT_EQ(points[5].values, (std::vector<std::string>{"48", "reuse"}));
  EXPECT_EQ(
      points[3].overrides,
      (std::vector<std::string>{"nodes.iss.workers=40", "payers.p.client.idempotency_key=reuse"}));
  EXPECT_EQ(points[5].folder, "point-5");
  EXPECT_EQ(sweep_run_count(design(true)), 24u);
  SweepDesign none = design(true);
  none.axes.clear();
  ASSERT_EQ(sweep_points(none).size(), 1u);  // no vary: the base itself
  EXPECT_TRUE(sweep_points(none)[0].overrides.empty());
}

TEST(SweepPlan, CommonSeedsRepeatPerPointIndependentOnesNeverRepeat) {
  const SweepDesign c = design(true), i = design(false);
  for (std::size_t p = 0; p < 6; ++p)
    for (std::size_t r = 0; r < 4; ++r) EXPECT_EQ(sweep_seed(c, p, r), 7 + r);
  std::set<std::uint64_t> seen;
  for (std::size_t p = 0; p < 6; ++p)
    for (std::size_t r = 0; r < 4; ++r) seen.insert(sweep_seed(i, p, r));
  EXPECT_EQ(seen.size(), 24u);
  EXPECT_EQ(*seen.begin(), 7u);
  EXPECT_EQ(*seen.rbegin(), 30u);
}

TEST(SweepPlan, RunsGoReplicationByReplicationAcrossThePoints) {
  const SweepDesign d = design(false);
  const auto points = sweep_points(d);
  const SweepRun r = sweep_run(d, points, 13);  // replication 2 of point 1
  EXPECT_EQ(r.point, 1u);
  EXPECT_EQ(r.replication, 2u);
  EXPECT_EQ(r.seed, 7u + 1 * 4 + 2);
  EXPECT_EQ(r.folder, "point-1/seed-13");
  const study::Run run = sweep_plan_run(d, points[1], r);
  EXPECT_EQ(run_arguments(run),
            (std::vector<std::string>{"run", "/s/base.yaml", "--out", "point-1/seed-13", "--quiet",
                                      "--seed", "13", "--set", "nodes.iss.workers=36", "--set",
                                      "payers.p.client.idempotency_key=reuse"}));
}

TEST(SweepPlan, RunListsRoundTripAndRefuseWhatIsNotARun) {
  EXPECT_EQ(run_list_text({0, 1, 2, 3, 7, 9, 10}), "0-3,7,9-10");
  std::string why;
  EXPECT_EQ(parse_run_list("9-10,0-3,7,2", 24, &why),
            (std::vector<std::size_t>{0, 1, 2, 3, 7, 9, 10}));
  EXPECT_FALSE(parse_run_list("3-1", 24, &why));
  EXPECT_EQ(why, "expected run numbers like 0-9,12, got '3-1'");
  EXPECT_FALSE(parse_run_list("24", 24, &why));
  EXPECT_EQ(why, "expected run numbers below 24 (the sweep's runs), got 24");
  EXPECT_FALSE(parse_run_list("", 24, &why));
  EXPECT_FALSE(parse_run_list("1,,2", 24, &why));
  EXPECT_FALSE(parse_run_list("-1", 24, &why));
}

TEST(Slurm, OneRunPerTaskWithAThrottleAndPathsQuoted) {
  const SlurmSweep s{
      "grid", "/opt/pq bin/payquake", "/s/it's.yaml", "/runs/g", {"nodes.iss.served"}};
  SlurmOptions o;
  o.max_parallel = 20;
  o.partition = "short";
  o.sbatch_args = {"--time=10"};
  const SlurmJobs j = slurm_jobs(s, {0, 1, 2, 5}, o);
  EXPECT_EQ(j.runs_per_task, 1u);
  EXPECT_EQ(j.task_lines, (std::vector<std::string>{"0", "1", "2", "5"}));
  EXPECT_NE(j.array_script.find("#SBATCH --array=0-3%20\n"), std::string::npos) << j.array_script;
  EXPECT_NE(j.array_script.find("#SBATCH --partition=short\n#SBATCH --time=10\n"),
            std::string::npos);
  EXPECT_NE(j.array_script.find("'/opt/pq bin/payquake' sweep '/s/it'\\''s.yaml' --out '/runs/g' "
                                "--runs \"$runs\" --jobs 1 --quiet || [ $? -eq 1 ]"),
            std::string::npos)
      << j.array_script;
  EXPECT_NE(j.aggregate_script.find("--metric 'nodes.iss.served' --aggregate-only --quiet"),
            std::string::npos)
      << j.aggregate_script;
  EXPECT_EQ(j.aggregate_script.find("--array"), std::string::npos);
}

TEST(Slurm, LargeSweepsArePackedSoTheArrayStaysWithinLimits) {
  std::vector<std::size_t> runs(2500);
  for (std::size_t i = 0; i < runs.size(); ++i) runs[i] = i;
  const SlurmJobs j = slurm_jobs({"g", "/b", "/s.yaml", "/d", {}}, runs, {});
  EXPECT_EQ(j.runs_per_task, 3u);
  EXPECT_EQ(j.task_lines.size(), 834u);
  EXPECT_LE(j.task_lines.size(), kMaxArrayTasks);
  EXPECT_EQ(j.task_lines.front(), "0-2");
  EXPECT_EQ(j.task_lines.back(), "2499");
  SlurmOptions o;
  o.runs_per_task = 4;
  EXPECT_EQ(slurm_jobs({"g", "/b", "/s.yaml", "/d", {}}, {1, 2, 3, 8, 9}, o).task_lines,
            (std::vector<std::string>{"1-3,8", "9"}));
  EXPECT_EQ(parsable_job_id("1234;cluster\n"), "1234");
  EXPECT_EQ(parsable_job_id("sbatch: error\n"), "");
}

}  // namespace
}  // namespace payquake::study

namespace payquake::study {
namespace {

// Only a whole summary of the very run counts; a partial one, another seed's, or none do not.
TEST(SweepFolder, OnlyAWholeSummaryOfTheRunCounts) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("pq-sweep-folder-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const SweepDesign d = design(true);
  const auto points = sweep_points(d);
  prepare_sweep_folder(dir.string(), d, false);
  const SweepRun run = sweep_run(d, points, 0);
  const auto put = [&](const std::string& text) {
    std::filesystem::create_directories(dir / run.folder);
    write_file_atomically((dir / run.folder / "summary.json").string(), text);
  };
  EXPECT_EQ(read_run(dir.string(), run).state, RunState::kMissing);
  put(R"({"seed": 7, "partial": true})");
  EXPECT_EQ(read_run(dir.string(), run).state, RunState::kMissing);
  put(R"({"seed": 7, "partial": false, "nodes": {)");  // cut short: not JSON
  EXPECT_EQ(read_run(dir.string(), run).state, RunState::kMissing);
  put(R"({"seed": 8, "partial": false})");
  EXPECT_EQ(read_run(dir.string(), run).state, RunState::kMissing);
  put(R"({"seed": 7, "partial": false})");
  EXPECT_EQ(read_run(dir.string(), run).state, RunState::kFinished);
  clear_run(dir.string(), run);
  record_failure(dir.string(), run, 3, "exit 3");
  EXPECT_EQ(read_run(dir.string(), run).state, RunState::kFailed);
  EXPECT_EQ(read_run(dir.string(), run).why, "exit 3");
  // The same folder for another sweep is refused; --force (restart) empties it.
  SweepDesign other = d;
  other.replications = 5;
  EXPECT_THROW(prepare_sweep_folder(dir.string(), other, false), SweepFolderError);
  prepare_sweep_folder(dir.string(), other, true);
  EXPECT_FALSE(std::filesystem::exists(dir / "point-0"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace payquake::study
