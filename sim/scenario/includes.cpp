#include "scenario/includes.hpp"

#include <filesystem>
#include <fstream>

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

// True when `path` is `root` or lies below it (both canonical).
bool inside(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p)
    if (p == path.end() || *p != *r) return false;
  return true;
}

bool in_kernel_filesystem(const fs::path& canonical) {
  return inside(canonical, "/proc") || inside(canonical, "/sys");
}

// What kind of thing that is not a regular file `st` is, for messages.
std::string not_a_file(const fs::file_status& st) {
  switch (st.type()) {
    case fs::file_type::directory:
      return "a directory, not a file";
    case fs::file_type::fifo:
      return "a FIFO, not a regular file";
    case fs::file_type::block:
    case fs::file_type::character:
      return "a device, not a file";
    case fs::file_type::socket:
      return "a socket, not a file";
    default:
      return "not a regular file";
  }
}

// The folders includes may read from (includes.hpp): the top scenario's folder and the
// models/ folder of the nearest folder above it that has one.
std::vector<fs::path> include_roots(const std::string& top_file) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(fs::path(top_file), ec).parent_path(), ec);
  std::vector<fs::path> roots{dir};
  for (fs::path p = dir;; p = p.parent_path()) {
    if (fs::is_directory(p / "models", ec)) {
      roots.push_back(fs::weakly_canonical(p / "models", ec));
      break;
    }
    if (p == p.parent_path()) break;
  }
  return roots;
}

// Why reading `file` (resolved to `canonical`) is not allowed under `roots` (includes.hpp), or
// nullopt. A missing file is left to the read, which says so.
std::optional<std::string> refused_by(const std::vector<fs::path>& roots, const std::string& file,
                                      const std::string& canonical) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (ec || !fs::exists(st)) return std::nullopt;
  bool allowed = false;
  for (const auto& root : roots) allowed = allowed || inside(canonical, root);
  if (!allowed || in_kernel_filesystem(canonical)) {
    std::string listed;
    for (const auto& root : roots) listed += (listed.empty() ? "" : " or ") + root.string();
    return "expected a file inside " + listed + ", got '" + file + "'" +
           (canonical != file ? " (which is " + canonical + ")" : "");
  }
  if (!fs::is_regular_file(st))
    return "expected a regular file, got '" + file + "' (" + not_a_file(st) + ")";
  return std::nullopt;
}

class Includer {
 public:
  Includer(const std::string& top_file, std::vector<Diagnostic>& diags, ParseBudget& budget)
      : diags_(diags), budget_(budget), roots_(include_roots(top_file)) {}

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
    if (static_cast<int>(stack_.size()) > kMaxIncludeDepth) {
      diags_.push_back(make_diagnostic(name.loc, include_path,
                                       "expected includes nested at most " +
                                           std::to_string(kMaxIncludeDepth) +
                                           " files deep, got a deeper chain"));
      return std::nullopt;
    }
    if (++includes_ > kMaxIncludes) {
      if (includes_ == kMaxIncludes + 1) {  // once: the rest are the same mistake
        diags_.push_back(make_diagnostic(
            name.loc, include_path,
            "expected at most " + std::to_string(kMaxIncludes) + " includes in all, got more"));
      }
      return std::nullopt;
    }
    const fs::path dir = fs::path(name.loc.file).parent_path();
    const std::string file = (dir / name.text).lexically_normal().string();
    const std::string canonical = canonical_name(file);
    if (const auto why = refused(file, canonical)) {
      diags_.push_back(make_diagnostic(name.loc, include_path, *why));
      return std::nullopt;
    }
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
    auto root = parse_yaml(*text, file, diags_, budget_);
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

  std::optional<std::string> refused(const std::string& file, const std::string& canonical) {
    return refused_by(roots_, file, canonical);
  }

  struct Frame {
    std::string shown;
    std::string canonical;
  };

  std::vector<Diagnostic>& diags_;
  ParseBudget& budget_;
  std::vector<fs::path> roots_;
  int includes_ = 0;
  std::vector<Frame> stack_;
};

}  // namespace

std::optional<std::string> read_text_file(const std::string& path, std::string* why) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    *why = "no such file";
    return std::nullopt;
  }
  // A pipe is what `payquake validate <(generate)` reads; the size limit bounds it.
  if (!fs::is_regular_file(st) && !fs::is_fifo(st)) {
    *why = not_a_file(st);
    return std::nullopt;
  }
  if (fs::is_regular_file(st) && in_kernel_filesystem(fs::weakly_canonical(path, ec))) {
    *why = "a file of the kernel (/proc, /sys), not a scenario";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = "cannot be opened";
    return std::nullopt;
  }
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) {
    *why = "larger than " + std::to_string(kMaxFileBytes) + " bytes, the limit for a scenario file";
    return std::nullopt;
  }
  return text;
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

std::optional<std::string> refused_reference(const std::string& top_file,
                                             const std::string& file) {
  return refused_by(include_roots(top_file), file, canonical_name(file));
}

std::optional<std::string> models_folder(const std::string& top_file) {
  const auto roots = include_roots(top_file);
  if (roots.size() < 2) return std::nullopt;
  return roots.back().string();
}

void resolve_includes(Value& root, const std::string& file, std::vector<Diagnostic>& diags,
                      ParseBudget& budget) {
  Includer includer(file, diags, budget);
  includer.push(file);
  includer.resolve(root, "");
}

}  // namespace payquake::scenario
