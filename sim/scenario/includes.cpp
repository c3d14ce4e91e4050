#include "scenario/includes.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenario/keys.hpp"

namespace payquake::scenario {
namespace {

namespace fs = std::filesystem;

// `include` may stand in any mapping; it is documented once, with the top-level keys.
constexpr std::string_view kInclude = "include";
const KeySet kIncludeKey{"", {std::string(kInclude)}};

std::string canonical_name(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : p.string();
}

class Includer {
 public:
  explicit Includer(std::vector<Diagnostic>& diags) : diags_(diags) {}

  void push(const std::string& file) { stack_.push_back({file, canonical_name(file)}); }
  void pop() { stack_.pop_back(); }

  void resolve(Value& v, const std::string& path) {
    if (v.is_sequence()) {
      for (std::size_t i = 0; i < v.items.size(); ++i)
        resolve(v.items[i], item_path(path, i, v.items[i]));
      return;
    }
    if (!v.is_mapping()) return;
    const int at = v.index_of(kInclude);
    std::optional<Value> include;
    if (at >= 0) {
      include = std::move(v.items[static_cast<std::size_t>(at)]);
      v.erase(at);
    }
    for (std::size_t i = 0; i < v.items.size(); ++i)
      resolve(v.items[i], join(path, v.keys[i].text));
    if (!include) return;

    const std::string include_path = join(path, kInclude);
    std::vector<const Value*> names;
    if (include->is_sequence()) {
      for (const auto& item : include->items) names.push_back(&item);
    } else {
      names.push_back(&*include);
    }
    Value base;
    base.kind = Value::Kind::kMapping;
    for (const Value* name : names) {
      if (!name->is_scalar() || name->text.empty()) {
        diags_.push_back(make_diagnostic(name->loc, include_path,
                                         "expected a file path, got " + describe(*name)));
        continue;
      }
      if (auto content = load(*name, path)) base = merge(std::move(base), std::move(*content));
    }
    v = merge(std::move(base), std::move(v));
  }

 private:
  // The file named by `name` (an include in the mapping at `path`) as a resolved mapping, or
  // nullopt after reporting why not.
  std::optional<Value> load(const Value& name, const std::string& path) {
    const std::string include_path = join(path, kInclude);
    const fs::path dir = fs::path(name.loc.file).parent_path();
    const std::string file = (dir / name.text).lexically_normal().string();
    const std::string canonical = canonical_name(file);
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].canonical != canonical) continue;
      std::string chain;
      for (std::size_t j = i; j < stack_.size(); ++j) chain += stack_[j].shown + " -> ";
      diags_.push_back(make_diagnostic(name.loc, include_path,
                                       "expected no include cycle, got " + chain + file));
      return std::nullopt;
    }
    std::string why;
    const auto text = read_text_file(file, &why);
    if (!text) {
      diags_.push_back(make_diagnostic(
          name.loc, include_path, "expected a readable file, got '" + file + "' (" + why + ")"));
      return std::nullopt;
    }
    auto root = parse_yaml(*text, file, diags_);
    if (!root) return std::nullopt;
    if (root->is_null()) {
      root->kind = Value::Kind::kMapping;  // an empty file adds nothing
      return root;
    }
    if (!root->is_mapping()) {
      diags_.push_back(
          make_diagnostic(root->loc, include_path,
                          "expected a mapping in the included file, got " + describe(*root)));
      return std::nullopt;
    }
    push(file);
    resolve(*root, path);
    pop();
    return root;
  }

  struct Frame {
    std::string shown;
    std::string canonical;
  };

  std::vector<Diagnostic>& diags_;
  std::vector<Frame> stack_;
};

}  // namespace

std::optional<std::string> read_text_file(const std::string& path, std::string* why) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    *why = "no such file";
    return std::nullopt;
  }
  if (fs::is_directory(path, ec)) {
    *why = "a directory, not a file";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "cannot be opened";
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Value merge(Value base, Value overlay) {
  if (!base.is_mapping() || !overlay.is_mapping()) return overlay;
  for (std::size_t i = 0; i < overlay.keys.size(); ++i) {
    Value* existing = base.find(overlay.keys[i].text);
    if (existing) {
      const int at = base.index_of(overlay.keys[i].text);
      base.keys[static_cast<std::size_t>(at)] = overlay.keys[i];
      *existing = merge(std::move(*existing), std::move(overlay.items[i]));
    } else {
      base.keys.push_back(std::move(overlay.keys[i]));
      base.items.push_back(std::move(overlay.items[i]));
    }
  }
  base.loc = overlay.loc;
  return base;
}

void resolve_includes(Value& root, const std::string& file, std::vector<Diagnostic>& diags) {
  Includer includer(diags);
  includer.push(file);
  includer.resolve(root, "");
}

}  // namespace payquake::scenario
