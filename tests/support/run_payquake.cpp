#include "support/run_payquake.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace payquake::testing {
namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

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
  std::string cmd = shell_quote(payquake_binary());
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote(scratch + "/out") + " 2>" + shell_quote(scratch + "/err") + " </dev/null";
  const int status = std::system(cmd.c_str());
  RunOutput r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_file(scratch + "/out");
  r.err = read_file(scratch + "/err");
  std::filesystem::remove_all(scratch);
  r.run_dir = run_dir;
  if (!run_dir.empty()) {
    const std::string summary = read_file(run_dir + "/summary.json");
    if (!summary.empty()) r.summary = nlohmann::json::parse(summary);
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
