// The pipeline: parse → includes → --set overrides → build and check; every stage adds
// to one list of diagnostics so a file's mistakes are reported together, in the order the
// stages found them; they are reported in file order.
#include "scenario/loader.hpp"

#include <algorithm>

#include "scenario/build.hpp"
#include "scenario/fraud_policy_file.hpp"
#include "scenario/includes.hpp"
#include "scenario/keys.hpp"
#include "scenario/load_sources.hpp"
#include "scenario/overrides.hpp"
#include "scenario/tidy.hpp"

namespace payquake::scenario {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}

// Nothing inside a key that is not supported yet is judged: an include under such a key that
// cannot be read is noise next to "<key>: not supported yet".
void drop_inside_unsupported(std::vector<Diagnostic>& diags) {
  std::vector<std::string> rejected;
  for (const auto& d : diags)
    if (d.message.starts_with("not supported yet")) rejected.push_back(d.key_path + ".");
  std::erase_if(diags, [&](const Diagnostic& d) {
    for (const auto& prefix : rejected)
      if (d.key_path.starts_with(prefix)) return true;
    return false;
  });
}

// Text that is not UTF-8 or holds a control character is reported once: what is then said
// about the same value (not an id, an unknown key) is the same mistake again.
void drop_after_bad_text(std::vector<Diagnostic>& diags) {
  std::vector<Diagnostic> bad;
  for (const auto& d : diags)
    if (d.message.starts_with(kBadTextMessage)) bad.push_back(d);
  std::erase_if(diags, [&](const Diagnostic& d) {
    if (d.message.starts_with(kBadTextMessage)) return false;
    for (const auto& b : bad)
      if (d.file == b.file && d.line == b.line && d.column == b.column) return true;
    return false;
  });
}

// A misspelt required key yields two findings, "unknown key 'servce_time', did you mean
// 'service_time'?" and "service_time: ... the key is missing": the first says it all.
void drop_missing_after_misspelling(std::vector<Diagnostic>& diags) {
  static const std::string kMarker = "did you mean '";
  std::vector<std::string> meant;
  for (const auto& d : diags) {
    if (!d.message.starts_with("unknown key")) continue;
    const auto at = d.message.find(kMarker);
    const auto dot = d.key_path.rfind('.');
    if (at == std::string::npos) continue;
    const auto start = at + kMarker.size();
    const std::string parent = dot == std::string::npos ? "" : d.key_path.substr(0, dot + 1);
    meant.push_back(parent + d.message.substr(start, d.message.find('\'', start) - start));
  }
  std::erase_if(diags, [&](const Diagnostic& d) {
    if (!d.message.ends_with("(the key is missing)")) return false;
    return std::find(meant.begin(), meant.end(), d.key_path) != meant.end();
  });
}

// A mapping whose include could not be read misses what the file would have given it:
// "rules: ... (the key is missing)" under it says nothing the include's error did not.
void drop_missing_after_failed_include(std::vector<Diagnostic>& diags) {
  static const std::string kInclude = ".include";
  std::vector<std::string> failed;  // "nodes.iss.fraud."
  for (const auto& d : diags)
    if (d.key_path.ends_with(kInclude))
      failed.push_back(d.key_path.substr(0, d.key_path.size() - kInclude.size() + 1));
  std::erase_if(diags, [&](const Diagnostic& d) {
    if (!d.message.ends_with("(the key is missing)")) return false;
    for (const auto& prefix : failed)
      if ((d.key_path + ".").starts_with(prefix)) return true;
    return false;
  });
}

// People read errors top to bottom with the file open: report them in file order.
void sort_by_location(std::vector<Diagnostic>& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
}

}  // namespace

void tidy_diagnostics(std::vector<Diagnostic>& diags) {
  drop_after_bad_text(diags);
  drop_missing_after_misspelling(diags);
  drop_missing_after_failed_include(diags);
  sort_by_location(diags);
}

std::string Diagnostic::to_string() const {
  std::string out = file;
  // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on "literal" + string.
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    if (column > 0) {
      out += ':';
      out += std::to_string(column);
    }
  }
  out += ": ";
  if (!key_path.empty()) {
    out += key_path;
    out += ": ";
  }
  out += message;
  return out;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> d)
    : std::runtime_error(join_lines(d)), diagnostics_(std::move(d)) {}

core::Scenario load_string(const std::string& yaml_text, const std::string& file_name_for_messages,
                           const std::vector<std::string>& overrides, const LoadOptions& options) {
  std::vector<Diagnostic> diags;
  ParseBudget budget;  // one for the file, its includes and the --set values
  auto root = parse_yaml(yaml_text, file_name_for_messages, diags, budget);
  if (!root) throw ScenarioError(std::move(diags));
  resolve_includes(*root, file_name_for_messages, diags, budget);
  apply_overrides(*root, overrides, diags, budget);
  resolve_policy_files(*root, file_name_for_messages, diags, budget);
  resolve_load_sources(*root, file_name_for_messages, diags, budget);
  if (looks_like_fraud_policy(*root)) {
    diags.push_back(make_diagnostic(root->loc, "", std::string(kPolicyIsNotAScenario)));
    throw ScenarioError(std::move(diags));
  }
  if (options.without_faults && root->is_mapping()) {
    if (const int at = root->index_of("faults"); at >= 0) root->erase(at);
  }
  core::Scenario s = Builder(*root, diags).build();
  drop_inside_unsupported(diags);
  tidy_diagnostics(diags);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  s.source_file = file_name_for_messages;
  return s;
}

// Here rather than in keys.cpp: this file's object pulls every reader's object file (and so
// every KeySet) into a binary linked with the static library, so none can be missing.
std::vector<AcceptedKey> accepted_keys() {
  std::vector<AcceptedKey> out;
  for (const auto& set : registered_key_sets())
    for (const auto& key : set.keys()) {
      AcceptedKey k{set.section(), key};
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
    }
  return out;
}

std::vector<AcceptedKey> refused_keys() {
  std::vector<AcceptedKey> out;
  for (const auto& set : registered_key_sets())
    for (const auto& u : set.later()) {
      AcceptedKey k{set.section(), std::string(u.key)};
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(std::move(k));
    }
  return out;
}

core::Scenario load_file(const std::string& path, const std::vector<std::string>& overrides,
                         const LoadOptions& options) {
  std::string why;
  const auto text = read_text_file(path, &why);
  if (!text) throw ScenarioError({Diagnostic{path, 0, 0, "", "cannot read the scenario: " + why}});
  return load_string(*text, path, overrides, options);
}

}  // namespace payquake::scenario
