#include "scenario/load_sources.hpp"

#include <algorithm>
#include <filesystem>

#include "scenario/includes.hpp"
#include "scenario/suggest.hpp"

namespace payquake::scenario {
namespace {

namespace fs = std::filesystem;

class LoadSources {
 public:
  LoadSources(const std::string& top_file, std::vector<Diagnostic>& diags, ParseBudget& budget)
      : top_(top_file), diags_(diags), budget_(budget) {}

  void resolve(Value& load, const std::string& path) {
    if (!load.is_mapping()) return;  // the builder says what a load must be
    if (Value* preset = load.find("preset"); preset && preset->is_scalar())
      if (auto v = read_preset(*preset, join(path, "preset"))) *preset = std::move(*v);
    if (Value* trace = load.find("trace"); trace && trace->is_scalar())
      if (auto v = read_trace(*trace, join(path, "trace"))) *trace = std::move(*v);
  }

 private:
  void error(const Loc& at, const std::string& path, std::string message) {
    diags_.push_back(make_diagnostic(at, path, std::move(message)));
  }

  // The text of the file `file`, named by `name`, after the include rules allow it.
  std::optional<std::string> read(const Value& name, const std::string& path,
                                  const std::string& file) {
    if (const auto why = refused_reference(top_, file)) {
      error(name.loc, path, *why);
      return std::nullopt;
    }
    std::string why;
    auto text = read_text_file(file, &why);
    if (!text) error(name.loc, path, "expected a readable file, got '" + file + "' (" + why + ")");
    return text;
  }

  // A path relative to the file where `name` is written.
  static std::string beside(const Value& name) {
    return (fs::path(name.loc.file).parent_path() / name.text).lexically_normal().string();
  }

  std::optional<Value> read_preset(const Value& name, const std::string& path) {
    if (name.text.empty()) {
      error(name.loc, path, "expected a preset name like black_friday, got nothing");
      return std::nullopt;
    }
    std::string file;
    if (name.text.ends_with(".yaml") || name.text.find('/') != std::string::npos) {
      file = beside(name);
    } else {
      const auto models = models_folder(top_);
      if (!models) {
        error(name.loc, path,
              "expected a models/ folder above " + top_ +
                  " holding load/" + name.text + ".yaml, got none (or give the preset's path)");
        return std::nullopt;
      }
      const std::vector<std::string> known = presets(*models + "/load");
      if (std::find(known.begin(), known.end(), name.text) == known.end()) {
        const auto near = nearest(name.text, known);
        std::string listed;
        for (const auto& k : known) listed += (listed.empty() ? "" : ", ") + k;
        error(name.loc, path,
              "expected a preset of " + *models + "/load, got '" + name.text + "'" +
                  (near ? " (did you mean '" + *near + "'?)" : " (presets: " + listed + ")"));
        return std::nullopt;
      }
      file = *models + "/load/" + name.text + ".yaml";
    }
    const auto text = read(name, path, file);
    if (!text) return std::nullopt;
    auto root = parse_yaml(*text, file, diags_, budget_);
    if (!root) return std::nullopt;
    if (!root->is_mapping()) {
      error(root->loc, path, "expected a mapping in the preset file, got " + describe(*root));
      return std::nullopt;
    }
    return root;
  }

  // The names of the presets in `dir`: its NAME.yaml files.
  static std::vector<std::string> presets(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".yaml") out.push_back(it->path().stem().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<Value> read_trace(const Value& name, const std::string& path) {
    if (name.text.empty()) {
      error(name.loc, path, "expected a CSV file path like trace.csv, got nothing");
      return std::nullopt;
    }
    const std::string file = beside(name);
    const auto text = read(name, path, file);
    if (!text) return std::nullopt;
    Value rows;
    rows.kind = Value::Kind::kSequence;
    rows.loc = Loc{file, 1, 1};
    int line = 0;
    for (std::size_t at = 0; at < text->size();) {
      std::size_t end = text->find('\n', at);
      if (end == std::string::npos) end = text->size();
      std::string_view row(text->data() + at, end - at);
      at = end + 1;
      ++line;
      if (row.ends_with('\r')) row.remove_suffix(1);
      if (row.empty() || row.front() == '#') continue;
      if (const auto why = text_problem(row)) {
        error(Loc{file, line, 0}, path, std::string(kBadTextMessage) + ", got " + *why);
        return std::nullopt;
      }
      if (rows.items.size() == kMaxTraceRows + 1) {  // + 1: the header
        error(Loc{file, line, 1}, path,
              "expected at most " + std::to_string(kMaxTraceRows) + " rows in a trace, got more");
        return std::nullopt;
      }
      if (!spend(Loc{file, line, 1}, path)) return std::nullopt;
      Value cells;
      cells.kind = Value::Kind::kSequence;
      cells.loc = Loc{file, line, 1};
      for (std::size_t c = 0;;) {
        const std::size_t comma = std::min(row.find(',', c), row.size());
        Value cell;
        cell.kind = Value::Kind::kScalar;
        std::string_view text_of = row.substr(c, comma - c);
        std::size_t lead = 0;
        while (lead < text_of.size() && text_of[lead] == ' ') ++lead;
        text_of.remove_prefix(lead);
        while (!text_of.empty() && text_of.back() == ' ') text_of.remove_suffix(1);
        cell.text = std::string(text_of);
        cell.loc = Loc{file, line, static_cast<int>(c + lead + 1)};
        if (!spend(cell.loc, path)) return std::nullopt;
        cells.items.push_back(std::move(cell));
        if (comma == row.size()) break;
        c = comma + 1;
      }
      rows.items.push_back(std::move(cells));
    }
    return rows;
  }

  bool spend(const Loc& at, const std::string& path) {
    if (budget_.values_left == 0) {
      error(at, path,
            "expected at most " + std::to_string(kMaxValues) +
                " values in the scenario with its includes and trace, got more");
      return false;
    }
    --budget_.values_left;
    return true;
  }

  std::string top_;
  std::vector<Diagnostic>& diags_;
  ParseBudget& budget_;
};

}  // namespace

void resolve_load_sources(Value& root, const std::string& top_file,
                          std::vector<Diagnostic>& diags, ParseBudget& budget) {
  if (!root.is_mapping()) return;
  LoadSources sources(top_file, diags, budget);
  if (Value* load = root.find("load")) sources.resolve(*load, "load");
  Value* payers = root.find("payers");
  if (!payers || !payers->is_sequence()) return;
  for (std::size_t i = 0; i < payers->items.size(); ++i) {
    Value& p = payers->items[i];
    if (!p.is_mapping()) continue;
    if (Value* load = p.find("load")) sources.resolve(*load, join(item_path("payers", i, p), "load"));
  }
}

}  // namespace payquake::scenario
