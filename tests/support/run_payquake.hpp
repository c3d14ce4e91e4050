// Runs the real payquake binary in its own process (one SimGrid engine per process) and
// hands back what a user would see: exit code, stdout, stderr, and the run folder's files.
// The child is started and its summary read by the study library, as payquake's own
// studies do (study/child_process.hpp, study/run_summary.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <map>
#include <string>
#include <vector>

namespace payquake::testing {

struct RunOutput {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  std::string run_dir;
  nlohmann::json summary;  // summary.json, when the run wrote one
  std::string timeseries;  // timeseries.csv

  std::string summary_text() const;  // summary.json as bytes
};

// The path of the payquake binary under test and of the repository (set by CMake).
std::string payquake_binary();
std::string source_dir();

// A fresh, empty temporary folder (unique per call).
std::string temp_dir(const std::string& label);

// Writes `yaml` to `dir/name` and returns the path.
std::string write_file(const std::string& dir, const std::string& name, const std::string& yaml);

// `payquake <args...>`; with `run_dir` set, also reads summary.json and timeseries.csv
// from it.
RunOutput run_payquake(const std::vector<std::string>& args, const std::string& run_dir = "");

// `payquake run SCENARIO --out <fresh dir> --quiet <extra...>`.
RunOutput run_scenario(const std::string& scenario_path, const std::vector<std::string>& extra = {});

// Replaces every {NAME} in `text` by vars[NAME] (scenario templates in tests).
std::string fill_template(std::string text, const std::map<std::string, std::string>& vars);

// `text` without its lines containing any of `keys` (e.g. "\"wall_seconds\""); each key
// must occur on exactly one line (a gtest failure otherwise), so a change of format
// cannot silently drop more than it should.
std::string without_lines(const std::string& text, const std::vector<std::string>& keys);

// Reads a whole file ("" when missing).
std::string read_file(const std::string& path);

// The column `name` of a CSV text with a header line, as numbers (empty cells give NaN).
std::vector<double> csv_column(const std::string& csv, const std::string& name);

}  // namespace payquake::testing
