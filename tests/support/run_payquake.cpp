#include "support/run_payquake.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "study/child_process.hpp"
#include "study/run_summary.hpp"

namespace payquake::testing {

std::string payquake_binary() { return PAYQUAKE_BINARY; }
std::string source_dir() { return PAYQUAKE_SOURCE_DIR; }

std::string temp_dir(const std::string& label) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("payquake-test-" + label + "-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& yaml) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << yaml;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RunOutput::summary_text() const { return read_file(run_dir + "/summary.json"); }

RunOutput run_payquake(const std::vector<std::string>& args, const std::string& run_dir) {
  const std::string scratch = temp_dir("io");
  study::ChildSpec spec;
  spec.argv = {payquake_binary()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdout_path = scratch + "/out";
  spec.stderr_path = scratch + "/err";
  RunOutput r;
  r.exit_code = study::ChildProcess(spec).wait().exit_code;
  r.out = read_file(spec.stdout_path);
  r.err = read_file(spec.stderr_path);
  std::filesystem::remove_all(scratch);
  r.run_dir = run_dir;
  if (!run_dir.empty()) {
    if (const auto summary = study::read_summary(run_dir)) r.summary = nlohmann::json(*summary);
    r.timeseries = read_file(run_dir + "/timeseries.csv");
  }
  return r;
}

RunOutput run_scenario(const std::string& scenario_path, const std::vector<std::string>& extra) {
  const std::string out = temp_dir("run");
  std::vector<std::string> args = {"run", scenario_path, "--out", out, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_payquake(args, out);
}

std::string fill_template(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    const std::string key = "{" + name + "}";
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size()))
      text.replace(pos, key.size(), value);
  }
  return text;
}

std::string without_lines(const std::string& text, const std::vector<std::string>& keys) {
  std::istringstream in(text);
  std::string out;
  std::vector<int> seen(keys.size(), 0);
  for (std::string line; std::getline(in, line);) {
    bool drop = false;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (line.find(keys[k]) != std::string::npos) {
        ++seen[k];
        drop = true;
      }
    }
    if (!drop) out += line + '\n';
  }
  for (std::size_t k = 0; k < keys.size(); ++k) EXPECT_EQ(seen[k], 1) << keys[k];
  return out;
}

std::vector<double> csv_column(const std::string& csv, const std::string& name) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  int index = -1, i = 0;
  std::istringstream header(line);
  for (std::string cell; std::getline(header, cell, ','); ++i)
    if (cell == name) index = i;
  if (index < 0) throw std::invalid_argument("no column " + name);
  std::vector<double> values;
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string cell;
    for (int c = 0; c <= index; ++c) std::getline(row, cell, ',');
    values.push_back(cell.empty() ? std::nan("") : std::stod(cell));
  }
  return values;
}

}  // namespace payquake::testing
