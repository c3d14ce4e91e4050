// Reads a scenario YAML file (DESIGN.md section 4) into a validated core::Scenario, and
// writes a resolved scenario back out. Bad input never reaches the engine: every mistake
// in the file(s) is collected into one ScenarioError with file:line:col locations.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace payquake::scenario {

// One located mistake. line and column are 1-based; 0 means unknown (a file that cannot
// be read, a --set override).
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;  // "nodes.gw.service_time.median"; empty for the document itself
  std::string message;   // "expected X, got Y"

  // "file:line:col: key.path: message"; the position is left out when unknown and the
  // key path when empty.
  std::string to_string() const;
};

class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> d);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

struct LoadOptions {
  // Drop `faults:` (after the overrides, before validation): the control run of a drill,
  // whose duration may be shortened below a fault's start.
  bool without_faults = false;
};

// Reads `path`, merges its includes, applies the --set overrides ("key.path=value", the
// value read as a YAML scalar or flow node, list items addressed by id), validates, and
// returns the resolved scenario. Throws ScenarioError listing every error found; anything
// else thrown is a bug. A scenario it returns runs: the engine, topology and flow never
// reject it (the same rules are checked here, with locations).
core::Scenario load_file(const std::string& path, const std::vector<std::string>& overrides = {},
                         const LoadOptions& options = {});

// As load_file, for text in memory; includes resolve relative to the directory of
// `file_name_for_messages`.
core::Scenario load_string(const std::string& yaml_text, const std::string& file_name_for_messages,
                           const std::vector<std::string>& overrides = {},
                           const LoadOptions& options = {});

// The scenario as YAML with every default filled in (scenario.resolved.yaml). Loading it
// again gives an equal scenario: numbers are written so that they read back exactly.
std::string to_resolved_yaml(const core::Scenario& s);

}  // namespace payquake::scenario
