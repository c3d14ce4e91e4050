// The run folder as a user meets it: checked before anything is simulated, never a mix of
// two runs, replaced only with --force and only once the new run is whole, and a record of
// the command that made it. Plus the command line's own manners (options in any order,
// suggestions, --quiet) and the drain limit.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

namespace fs = std::filesystem;

std::string quickstart() { return source_dir() + "/scenarios/quickstart.yaml"; }

// A tiny tmpfs at `dir` (payquake's tests run as root, as CI does); unmounted on scope exit.
class SmallFilesystem {
 public:
  SmallFilesystem(const std::string& dir, const char* options) : dir_(dir) {
    fs::create_directories(dir);
    mounted_ = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, options) == 0;
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  void make_read_only() {
    mounted_ = ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0 &&
               mounted_;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST(RunFolderCli, ARunIntoAnEarlierRunIsRefusedWithoutForce) {
  const std::string out = temp_dir("again") + "/run";
  ASSERT_EQ(run_payquake({"run", quickstart(), "--out", out, "--quiet"}).exit_code, 0);
  const std::string first = read_file(out + "/summary.json");
  const auto again = run_payquake({"run", quickstart(), "--out", out, "--quiet", "--seed", "7"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(read_file(out + "/summary.json"), first);
}

// A stale control/ and an old summary.json used to survive beside a new run.
TEST(RunFolderCli, ForceReplacesTheWholeFolder) {
  const std::string dir = temp_dir("force");
  const std::string drill = source_dir() + "/tests/scenario/drills/short-drill.yaml";
  const std::string out = dir + "/run";
  ASSERT_EQ(run_payquake({"run", drill, "--out", out, "--quiet", "--control"}).exit_code, 0);
  ASSERT_TRUE(fs::exists(out + "/control/summary.json"));
  const auto r = run_payquake({"run", quickstart(), "--out", out, "--quiet", "--force"}, out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(out + "/control"));
  EXPECT_EQ(r.summary["scenario"], "quickstart");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1) << "a staging folder was left";
}

TEST(RunFolderCli, AFolderOfOtherFilesIsNeverTouched) {
  const std::string dir = temp_dir("foreign");
  write_file(dir, "notes.txt", "mine");
  const auto r = run_payquake({"run", quickstart(), "--out", dir, "--quiet", "--force"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(read_file(dir + "/notes.txt"), "mine");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
}

TEST(RunFolderCli, AReadOnlyFolderIsRefusedAtOnceBeforeSimulating) {
  const std::string dir = temp_dir("readonly") + "/fs";
  SmallFilesystem small(dir, "size=256k");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  small.make_read_only();
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_payquake(
      {"run", source_dir() + "/scenarios/black-friday.yaml", "--out", dir + "/run", "--quiet"});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  EXPECT_LT(wall, 5.0) << "black-friday was simulated before the folder was checked";
}

TEST(RunFolderCli, AFullDiskIsRefusedAtOnce) {
  const std::string dir = temp_dir("full") + "/fs";
  SmallFilesystem small(dir, "size=64k");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (not root?)";
  {
    std::ofstream fill(dir + "/fill", std::ios::binary);
    const std::string block(4096, 'x');
    for (int i = 0; i < 64 && fill; ++i) fill << block << std::flush;
  }
  const auto r = run_payquake({"run", quickstart(), "--out", dir + "/run", "--quiet"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("No space left"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/run"));
}

TEST(RunFolderCli, TheFolderRecordsTheCommandTheOverridesAndTheSeed) {
  const std::string out = temp_dir("record") + "/run";
  const auto r = run_payquake(
      {"run", quickstart(), "--out", out, "--set", "duration=20s", "--seed", "11", "--quiet"}, out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.summary["seed"], 11);
  const auto& how = r.summary["invocation"];
  EXPECT_NE(how["command_line"].get<std::string>().find("--set duration=20s"), std::string::npos);
  EXPECT_EQ(how["overrides"], nlohmann::json::array({"duration=20s", "seed=11"}));
  const std::string resolved = read_file(out + "/scenario.resolved.yaml");
  EXPECT_NE(resolved.find("# made with --set duration=20s\n"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("seed: 11\n"), std::string::npos);
}

// `run --set duration=30s FILE` used to read FILE as a second --set value.
TEST(RunFolderCli, OptionsWorkInAnyOrder) {
  const std::string out = temp_dir("order") + "/run";
  const auto r =
      run_payquake({"run", "--set", "duration=20s", "--quiet", "--out", out, quickstart()}, out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.summary["measured_interval_seconds"]["to"], 20.0);
}

TEST(RunFolderCli, AMistypedFlagGetsASuggestion) {
  const auto r = run_payquake({"run", quickstart(), "--froce"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean --force?"), std::string::npos) << r.err;
}

TEST(RunFolderCli, QuietNeverHidesAFailedExpectation) {
  const std::string out = temp_dir("quiet") + "/run";
  const auto r = run_payquake(
      {"run", source_dir() + "/tests/scenario/drills/short-drill.yaml", "--out", out, "--quiet",
       "--set", "expect.duplicates=< 0"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("FAILED"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("duplicates < 0"), std::string::npos) << r.err;
}

TEST(RunFolderCli, ControlOfAScenarioWithoutFaultsSaysSo) {
  const auto r = run_payquake({"run", quickstart(), "--control", "--out", temp_dir("nofaults") + "/r"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("has none"), std::string::npos) << r.err;
}

// A service time of weeks: the drain used to run (and allocate windows) without end. The
// drain limit cuts it, counts the open payments, and says so.
TEST(DrainLimit, AnEndlessDrainIsCutAndItsPaymentsCountedUnfinished) {
  const std::string dir = temp_dir("drain");
  const std::string path = write_file(dir, "weeks.yaml", R"(name: weeks
duration: 10s
sites: [{id: s}]
nodes:
  - {id: gw, role: gateway, site: s, workers: 10, service_time: {dist: constant, value: 0ms}, next: [net], timeout: 5000h}
  - {id: net, role: network, site: s, workers: 10, service_time: {dist: constant, value: 0ms}, timeout: 5000h}
  - {id: iss, role: issuer, site: s, bins: ["4"], workers: 1000, queue: unlimited, service_time: {dist: constant, value: 504h}}
payers:
  - {id: p, cards: 1000, issuers: {iss: 100%}, entry: gw, amount: {dist: constant, value: 1.00}, client: {timeout: 5000h}}
load: {arrival: uniform, start_rate: 10/s}
drain_limit: 1h
)");
  const std::string out = dir + "/run";
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_payquake({"run", path, "--out", out}, out);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(wall, 20.0);
  EXPECT_EQ(r.summary["drain"]["limit_reached"], true);
  EXPECT_EQ(r.summary["drain"]["limit_seconds"], 3600.0);
  EXPECT_EQ(r.summary["simulated_seconds"], 3610.0);
  EXPECT_EQ(r.summary["payments"]["total"], 100);
  EXPECT_EQ(r.summary["payments"]["unfinished"], 100);
  EXPECT_NE(r.out.find("DRAIN LIMIT"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("100 payments still open"), std::string::npos) << r.err;
}

TEST(DrainLimit, TheDefaultFollowsTheTimeoutsAndIsInTheResolvedScenario) {
  const std::string out = temp_dir("drain-default") + "/run";
  const auto r = run_payquake({"run", quickstart(), "--out", out, "--quiet"}, out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.summary["drain"]["limit_reached"], false);
  EXPECT_GT(r.summary["drain"]["limit_seconds"].get<double>(), 600.0);
  EXPECT_NE(read_file(out + "/scenario.resolved.yaml").find("drain_limit: "), std::string::npos);
}

// --trace N: the life of payments 0, N, 2N, ... as JSON lines, the same in both engines. In
// the short drill the issuer is down over [60 s, 90 s): payment 6000 (arrived 60.005 s)
// goes payer -> gw -> acq -> net, the network times out after its 2 s and the payer sees 91.
TEST(Trace, TheLifeOfSampledPaymentsInSimulatedTime) {
  const std::string drill = source_dir() + "/tests/scenario/drills/short-drill.yaml";
  const std::string dir = temp_dir("trace");
  const auto ahead = run_payquake({"run", drill, "--out", dir + "/a", "--quiet", "--trace", "1000"});
  const auto lockstep = run_payquake(
      {"run", drill, "--out", dir + "/b", "--quiet", "--trace", "1000", "--engine", "lockstep"});
  ASSERT_EQ(ahead.exit_code, 0) << ahead.err;
  ASSERT_EQ(lockstep.exit_code, 0) << lockstep.err;
  const std::string trace = read_file(dir + "/a/trace.jsonl");
  EXPECT_EQ(trace, read_file(dir + "/b/trace.jsonl"));
  std::vector<nlohmann::json> p6000;
  std::istringstream lines(trace);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["payment"].get<std::uint64_t>() % 1000, 0u) << line;
    if (j["payment"] == 6000) p6000.push_back(j);
  }
  ASSERT_EQ(p6000.size(), 11u) << trace;
  EXPECT_EQ(p6000.front()["event"], "arrival");
  EXPECT_EQ(p6000[7]["event"], "sent");
  EXPECT_EQ(p6000[7]["node"], "net");
  EXPECT_EQ(p6000[8]["event"], "timeout");
  EXPECT_NEAR(p6000[8]["t"].get<double>() - p6000[7]["t"].get<double>(), 2.0, 1e-9);
  EXPECT_EQ(p6000[9]["event"], "final");
  EXPECT_EQ(p6000[9]["code"], "91");
  EXPECT_EQ(p6000.back()["event"], "reconciled");
  // Without --trace, no trace.
  ASSERT_EQ(run_payquake({"run", drill, "--out", dir + "/c", "--quiet"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/c/summary.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/c/trace.jsonl"));
  EXPECT_EQ(run_payquake({"run", drill, "--trace", "0"}).exit_code, 2);
  EXPECT_EQ(run_payquake({"run", drill, "--trace", ""}).exit_code, 2);  // no crash in stoull
}

}  // namespace
}  // namespace payquake::testing
