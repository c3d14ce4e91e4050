// The pipeline: parse → includes → --set overrides → build and check; every stage adds
// to one list of diagnostics so a file's mistakes are reported together, in the order the
// stages found them.
#include "scenario/loader.hpp"

#include "scenario/build.hpp"
#include "scenario/includes.hpp"
#include "scenario/overrides.hpp"

namespace payquake::scenario {
namespace {

std::string join_lines(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += (out.empty() ? "" : "\n") + d.to_string();
  return out;
}

// Nothing inside a key that is not supported yet is judged: an include under `fraud:` that
// cannot be read is noise next to "fraud: not supported yet".
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

}  // namespace

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> d)
    : std::runtime_error(join_lines(d)), diagnostics_(std::move(d)) {}

core::Scenario load_string(const std::string& yaml_text, const std::string& file_name_for_messages,
                           const std::vector<std::string>& overrides) {
  std::vector<Diagnostic> diags;
  auto root = parse_yaml(yaml_text, file_name_for_messages, diags);
  if (!root) throw ScenarioError(std::move(diags));
  resolve_includes(*root, file_name_for_messages, diags);
  apply_overrides(*root, overrides, diags);
  core::Scenario s = Builder(*root, diags).build();
  drop_inside_unsupported(diags);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  s.source_file = file_name_for_messages;
  return s;
}

core::Scenario load_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::string why;
  const auto text = read_text_file(path, &why);
  if (!text) throw ScenarioError({Diagnostic{path, 0, 0, "", "cannot read the scenario: " + why}});
  return load_string(*text, path, overrides);
}

}  // namespace payquake::scenario
