// metrics.om and report.html in every run folder, and the same bytes for the same run:
// same seed and --epoch, either engine, any parent folder (the `run` label is the folder's
// own name).
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

const std::string kDrill = "/tests/scenario/drills/short-drill.yaml";

struct Files {
  int exit_code = -1;
  std::string err, metrics_om, report_html;
};

Files run_drill(const std::vector<std::string>& extra) {
  const std::string dir = temp_dir("observability") + "/run";
  std::vector<std::string> args = {"run", source_dir() + kDrill, "--out", dir, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunOutput out = run_payquake(args, dir);
  Files f{out.exit_code, out.err, read_file(dir + "/metrics.om"), read_file(dir + "/report.html")};
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
  return f;
}

TEST(ObservabilityFiles, TheSameRunGivesTheSameBytesInEitherEngine) {
  const Files a = run_drill({"--epoch", "1764460800"});
  const Files b = run_drill({"--epoch", "1764460800"});
  const Files lockstep = run_drill({"--epoch", "1764460800", "--engine", "lockstep"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_FALSE(a.metrics_om.empty());
  ASSERT_FALSE(a.report_html.empty());
  EXPECT_TRUE(a.metrics_om == b.metrics_om) << "metrics.om differs between two identical runs";
  EXPECT_TRUE(a.report_html == b.report_html) << "report.html differs between two identical runs";
  EXPECT_TRUE(a.metrics_om == lockstep.metrics_om) << "metrics.om differs between engines";
  EXPECT_TRUE(a.report_html == lockstep.report_html) << "report.html differs between engines";
  // Another seed is another run.
  const Files other = run_drill({"--epoch", "1764460800", "--seed", "10"});
  EXPECT_FALSE(a.metrics_om == other.metrics_om);
}

double first_timestamp(const std::string& om) {
  std::istringstream in(om);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') return std::stod(line.substr(line.rfind(' ') + 1));
  return std::nan("");
}

TEST(ObservabilityFiles, TheEpochPlacesSimulatedTimeZero) {
  const Files fixed = run_drill({"--epoch", "2025-11-30T00:00:00Z"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  // short-drill's first window (1 s, the default) ends at epoch + 1.
  EXPECT_NE(fixed.metrics_om.find(" 1764460801.000\n"), std::string::npos);
  EXPECT_EQ(fixed.metrics_om.find(" 1764460800.000\n"), std::string::npos)
      << "no sample before the end of the first window";

  // Default: the arrivals end when the run started, so the first window (1 s) ends
  // `duration` (150 s) before that, plus 1 s.
  const double before = static_cast<double>(std::time(nullptr));
  const Files now = run_drill({});
  const double after = static_cast<double>(std::time(nullptr));
  ASSERT_EQ(now.exit_code, 0) << now.err;
  EXPECT_GE(first_timestamp(now.metrics_om), before - 150 + 1 - 1);
  EXPECT_LE(first_timestamp(now.metrics_om), after - 150 + 1);
}

TEST(ObservabilityFiles, TheControlHasItsOwnLabelledMetricsAndSitsBesideTheExperiment) {
  const std::string dir = temp_dir("observability") + "/drill-run";
  const RunOutput out =
      run_payquake({"run", source_dir() + kDrill, "--out", dir, "--quiet", "--control"}, dir);
  ASSERT_EQ(out.exit_code, 0) << out.err;
  const std::string experiment = read_file(dir + "/metrics.om");
  EXPECT_NE(experiment.find("run=\"drill-run\""), std::string::npos);
  const std::string control = read_file(dir + "/control/metrics.om");
  // The default epoch is the experiment's, given to the control: they line up.
  EXPECT_EQ(first_timestamp(control), first_timestamp(experiment));
  EXPECT_NE(control.find("run=\"drill-run/control\""), std::string::npos);
  EXPECT_EQ(control.find("payquake_fault_active"), std::string::npos) << "the control has no faults";
  const std::string html = read_file(dir + "/report.html");
  EXPECT_NE(html.find("control (no faults)"), std::string::npos);
  EXPECT_NE(html.find("\"control\":{\"approved\":["), std::string::npos)
      << "the control's series beside the experiment's";
  EXPECT_FALSE(read_file(dir + "/control/report.html").empty());
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

TEST(ObservabilityFiles, BadEpochAndServeAddressesAreUsageErrors) {
  const std::string dir = temp_dir("observability") + "/run";
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"--epoch", "tomorrow"}, {"--epoch", "-1"},
        {"--serve-metrics", "0.0.0.0:9464"}, {"--serve-metrics", "127.0.0.1"},
        {"--serve-metrics", "127.0.0.1:99999"}, {"--pace", "0"}, {"--pace", "-3"},
        {"--pace", "nan"}, {"--pace", "inf"}}) {
    std::vector<std::string> args = {"run", source_dir() + kDrill, "--out", dir, "--quiet"};
    args.insert(args.end(), bad.begin(), bad.end());
    const RunOutput out = run_payquake(args);
    EXPECT_EQ(out.exit_code, 2) << bad[0] << ' ' << bad[1] << '\n' << out.err;
    EXPECT_NE(out.err.find(bad[0]), std::string::npos) << "the flag is named: " << out.err;
    EXPECT_FALSE(std::filesystem::exists(dir + "/summary.json")) << "nothing simulated";
  }
  std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}

}  // namespace
}  // namespace payquake::testing
