#include "scenario/sweep_file.hpp"

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "scenario/includes.hpp"
#include "scenario/keys.hpp"
#include "scenario/overrides.hpp"
#include "scenario/reader.hpp"

namespace payquake::scenario {
namespace {

namespace fs = std::filesystem;

const KeySet kSweepKeys{"sweep", {"base", "replications", "seeds", "vary"}};
const std::vector<std::string> kSeedChoices = {"common", "independent"};
// Enough to fix a file by; a grid of thousands of broken points would repeat itself.
constexpr std::size_t kMaxSweepDiagnostics = 50;

SweepPos pos_of(const Loc& loc) { return {loc.line, loc.column}; }

// A scalar is written plain when YAML reads it back as the same text; otherwise quoted.
bool plain_safe(const std::string& text) {
  if (text.empty() || text == "~" || text == "null") return false;
  if (std::string("-?:,[]{}#&*!|>'\"%@` ").find(text.front()) != std::string::npos) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string("_.%/+-").find(c) != std::string::npos;
  });
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The value as one line of flow YAML, as --set reads it.
std::string flow_text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kScalar:
      return plain_safe(v.text) ? v.text : quoted(v.text);
    case Value::Kind::kSequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i)
        out += (i ? ", " : "") + flow_text(v.items[i]);
      return out + "]";
    }
    case Value::Kind::kMapping: {
      std::string out = "{";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        Value key;
        key.kind = Value::Kind::kScalar;
        key.text = v.keys[i].text;
        out += (i ? ", " : "") + flow_text(key) + ": " + flow_text(v.items[i]);
      }
      return out + "}";
    }
  }
  return "null";
}

void read_axis(Reader& r, const Key& key, const Value& values, SweepFile& out) {
  const std::string path = join("vary", key.text);
  if (key.text == "seed") {
    r.error(key.loc, path,
            "expected a key path other than seed: the sweep sets each run's seed "
            "(replications, seeds: common | independent)");
    return;
  }
  if (!r.list(values, path)) return;
  if (values.items.empty()) {
    r.error(values.loc, path, "expected a list of at least one value, got an empty list");
    return;
  }
  SweepAxis axis{key.text, pos_of(key.loc), {}, {}};
  for (std::size_t i = 0; i < values.items.size(); ++i) {
    const Value& v = values.items[i];
    if (v.is_null()) {
      r.error(v.loc, path + "[" + std::to_string(i) + "]", "expected a value, got nothing");
      continue;
    }
    axis.values.push_back(flow_text(v));
    axis.value_pos.push_back(pos_of(v.loc));
  }
  out.vary.push_back(std::move(axis));
}

void read_vary(Reader& r, const Value& vary, SweepFile& out) {
  if (vary.is_null()) return;
  if (!vary.is_mapping()) {
    r.error(vary.loc, "vary",
            "expected a mapping of --set key paths to lists of values, got " + describe(vary));
    return;
  }
  for (std::size_t i = 0; i < vary.keys.size(); ++i) read_axis(r, vary.keys[i], vary.items[i], out);
}

// The grid's size, refused before anything expands it (a product overflows quickly: doubles).
void check_size(Reader& r, const Value& root, const SweepFile& s) {
  double points = 1;
  for (const auto& a : s.vary) points *= static_cast<double>(a.values.size());
  const double runs = points * static_cast<double>(s.replications);
  const auto text = [](double x) { return std::to_string(static_cast<unsigned long long>(x)); };
  if (points > static_cast<double>(kMaxSweepPoints))
    r.error(root.loc, "vary",
            "expected at most " + std::to_string(kMaxSweepPoints) + " points, got " +
                (points > 1e18 ? std::string("more than 1e18") : text(points)));
  else if (runs > static_cast<double>(kMaxSweepRuns))
    r.error(root.loc, "replications",
            "expected at most " + std::to_string(kMaxSweepRuns) +
                " runs (points x replications), got " + text(runs));
}

SweepFile read_root(Reader& r, const Value& root, const std::string& path) {
  SweepFile s;
  s.path = path;
  // A scenario given where a sweep file is expected: one message, not one per key.
  if (root.is_mapping() && !root.find("base") && (root.find("nodes") || root.find("payers"))) {
    r.error(root.loc, "",
            "expected a sweep file (base, replications, seeds, vary), got a scenario; a sweep "
            "file names its scenario with base:");
    return s;
  }
  if (!r.mapping(root, "", kSweepKeys)) return s;
  if (const Value* base = r.get(root, "", "base", true, "the base scenario's path")) {
    if (const auto text = r.id(*base, "base")) {
      const fs::path p(*text);
      s.base = p.is_absolute() ? p.string()
                               : (fs::path(path).parent_path() / p).lexically_normal().string();
      s.base_pos = pos_of(base->loc);
    }
  }
  if (const Value* n = r.get(root, "", "replications", false, "")) {
    if (const auto count = r.count(*n, "replications", 1)) {
      if (static_cast<std::size_t>(*count) > kMaxSweepReplications)
        r.error(n->loc, "replications",
                "expected a count from 1 to " + std::to_string(kMaxSweepReplications) + ", got '" +
                    n->text + "'");
      else
        s.replications = static_cast<std::size_t>(*count);
    }
  }
  if (const Value* seeds = r.get(root, "", "seeds", false, ""))
    if (const auto i = r.choice(*seeds, "seeds", kSeedChoices))
      s.seeds = *i == 0 ? SweepSeeds::kCommon : SweepSeeds::kIndependent;
  if (const Value* vary = r.get(root, "", "vary", false, "")) read_vary(r, *vary, s);
  check_size(r, root, s);
  return s;
}

Diagnostic make(const SweepFile& s, SweepPos p, std::string key_path, std::string message) {
  return Diagnostic{s.path, p.line, p.column, std::move(key_path), std::move(message)};
}

// A mistake of the path itself (not of the value) is reported at the key.
bool is_path_mistake(const Diagnostic& d) {
  return d.message.starts_with("unknown key") || d.message.starts_with("expected the id of") ||
         d.message.starts_with("expected an index") ||
         d.message.starts_with("expected a mapping or a list") ||
         d.message.starts_with("expected key.path=value");
}

// The axis a --set diagnostic is about: its path is the axis' path, inside it, or (a path
// mistake on the way) a prefix of it. Null when none.
const SweepAxis* axis_of(const SweepFile& s, const std::string& key_path) {
  for (const auto& a : s.vary)
    if (key_path == a.path || key_path.starts_with(a.path + ".") ||
        key_path.starts_with(a.path + "[") || a.path.starts_with(key_path + ".") ||
        a.path.starts_with(key_path + "["))
      return &a;
  return nullptr;
}

// The diagnostics of loading one point (value `at[a]` of each axis a), moved into the
// sweep file: at the key for a path mistake, at the value for a value mistake; a rule of
// the base the point breaks is said at the point's first value, naming the whole point.
void relocate(const SweepFile& s, const std::vector<std::size_t>& at, const ScenarioError& e,
              std::vector<Diagnostic>& out) {
  std::string point;
  for (std::size_t a = 0; a < s.vary.size(); ++a)
    point += (a ? ", " : "") + s.vary[a].path + "=" + s.vary[a].values[at[a]];
  for (const Diagnostic& d : e.diagnostics()) {
    Diagnostic moved;
    const SweepAxis* axis = d.file == kOverrideFile ? axis_of(s, d.key_path) : nullptr;
    if (axis && is_path_mistake(d)) {
      moved = make(s, axis->key_pos, d.key_path, d.message);
    } else if (axis) {
      moved = make(s, axis->value_pos[at[static_cast<std::size_t>(axis - s.vary.data())]],
                   d.key_path, d.message);
    } else {
      moved = make(s, s.vary.front().value_pos[at[0]], "vary",
                   "with " + point + ", the base scenario fails: " + d.to_string());
    }
    const bool seen = std::any_of(out.begin(), out.end(), [&](const Diagnostic& o) {
      return o.to_string() == moved.to_string();
    });
    if (!seen) out.push_back(std::move(moved));
  }
}

// People read errors top to bottom with the file open.
void sort_by_position(std::vector<Diagnostic>& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
}

}  // namespace

SweepFile read_sweep_file(const std::string& path) {
  std::string why;
  const auto text = read_text_file(path, &why);
  if (!text)
    throw ScenarioError({Diagnostic{path, 0, 0, "", "cannot read the sweep file: " + why}});
  std::vector<Diagnostic> diags;
  ParseBudget budget;
  const auto root = parse_yaml(*text, path, diags, budget);
  if (!root) throw ScenarioError(std::move(diags));
  Reader r(diags);
  SweepFile s = read_root(r, *root, path);
  sort_by_position(diags);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  return s;
}

core::Scenario check_sweep(const SweepFile& s) {
  core::Scenario base;
  try {
    base = load_file(s.base);
  } catch (const ScenarioError& e) {
    std::vector<Diagnostic> diags = {
        make(s, s.base_pos, "base", "expected a valid scenario, got one with errors (below)")};
    diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
    throw ScenarioError(std::move(diags));
  }
  // Every point, as its run will load it: values of different keys may only be valid
  // together (a shorter duration with a shorter warmup). An odometer over the value indices.
  std::vector<Diagnostic> diags;
  std::vector<std::size_t> at(s.vary.size(), 0);
  for (bool more = !s.vary.empty(); more;) {
    std::vector<std::string> overrides;
    for (std::size_t a = 0; a < s.vary.size(); ++a)
      overrides.push_back(s.vary[a].path + "=" + s.vary[a].values[at[a]]);
    try {
      load_file(s.base, overrides);
    } catch (const ScenarioError& e) {
      relocate(s, at, e, diags);
    }
    if (diags.size() >= kMaxSweepDiagnostics) break;
    more = false;
    for (std::size_t a = s.vary.size(); a-- > 0;) {
      if (++at[a] < s.vary[a].values.size()) {
        more = true;
        break;
      }
      at[a] = 0;
    }
  }
  sort_by_position(diags);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  return base;
}

std::string resolved_text(const std::string& scenario_path,
                          const std::vector<std::string>& overrides) {
  return to_resolved_yaml(load_file(scenario_path, overrides));
}

}  // namespace payquake::scenario
