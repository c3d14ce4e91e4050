#include "study/plan.hpp"

#include <filesystem>

namespace payquake::study {

namespace {

// A node's policy named by a relative path (`nodes.gw.fraud=models/fraud/x.yaml`) is relative
// to the working folder the user typed it in, which a child (run in its study folder) does
// not share: it gets the absolute path.
std::string anchored(const std::string& override) {
  const std::size_t eq = override.find('=');
  if (eq == std::string::npos || !override.substr(0, eq).ends_with(".fraud")) return override;
  const std::filesystem::path value(override.substr(eq + 1));
  if (value.empty() || value.is_absolute() || override[eq + 1] == '{') return override;
  return override.substr(0, eq + 1) + std::filesystem::absolute(value).lexically_normal().string();
}

}  // namespace

std::vector<std::string> run_arguments(const Run& run) {
  std::vector<std::string> args = {"run", run.scenario_path, "--out", run.out_dir, "--quiet"};
  if (run.seed) {
    args.push_back("--seed");
    args.push_back(std::to_string(*run.seed));
  }
  for (const auto& o : run.overrides) {
    args.push_back("--set");
    args.push_back(anchored(o));
  }
  args.insert(args.end(), run.extra.begin(), run.extra.end());
  return args;
}

}  // namespace payquake::study
