#include "scenario/overrides.hpp"

#include <algorithm>
#include <charconv>

#include "scenario/suggest.hpp"

namespace payquake::scenario {
namespace {

const Loc kOverrideLoc{kOverrideFile, 0, 0};

void relocate(Value& v) {
  v.loc = kOverrideLoc;
  for (auto& k : v.keys) k.loc = kOverrideLoc;
  for (auto& item : v.items) relocate(item);
}

struct Segment {
  std::string key;           // may be empty when the segment is only an index
  std::vector<int> indices;  // "[1]" suffixes
};

// "load.stages[1].target" as segments; nullopt when malformed.
std::optional<std::vector<Segment>> split_path(const std::string& path) {
  std::vector<Segment> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    Segment seg;
    const std::size_t bracket = part.find('[');
    seg.key = part.substr(0, bracket);
    for (std::size_t i = bracket; i != std::string::npos && i < part.size();) {
      const std::size_t close = part.find(']', i);
      if (part[i] != '[' || close == std::string::npos) return std::nullopt;
      int index = 0;
      const auto [end, ec] = std::from_chars(part.data() + i + 1, part.data() + close, index);
      if (ec != std::errc() || end != part.data() + close || index < 0) return std::nullopt;
      seg.indices.push_back(index);
      i = close + 1;
    }
    if (seg.key.empty() && seg.indices.empty()) return std::nullopt;
    out.push_back(std::move(seg));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

// The id each item of the list at `path` answers to: its `id`, or for an attack written
// without one its default "<kind>-<n>" (the loader's, build_fraud.cpp: n counts the attacks
// of that kind from 1), so `--set attacks.flood-1.rate=...` reaches it. "" for none.
std::vector<std::string> item_ids(const Value& list, const std::string& path) {
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, int>> of_kind;
  for (const auto& item : list.items) {
    const Value* id = item.is_mapping() ? item.find("id") : nullptr;
    const Value* kind = item.is_mapping() ? item.find("kind") : nullptr;
    std::string own = id && id->is_scalar() ? id->text : "";
    if (path == "attacks" && kind && kind->is_scalar()) {
      int n = 1;
      auto it = std::find_if(of_kind.begin(), of_kind.end(),
                             [&](const auto& k) { return k.first == kind->text; });
      if (it == of_kind.end()) {
        of_kind.emplace_back(kind->text, 1);
      } else {
        n = ++it->second;
      }
      if (!id) own = kind->text + "-" + std::to_string(n);
    }
    ids.push_back(std::move(own));
  }
  return ids;
}

std::string listed_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids)
    if (!id.empty()) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "none" : out;
}

bool all_digits(const std::string& text) {
  constexpr std::size_t kMaxDigits = 9;  // stays within an int
  if (text.empty() || text.size() > kMaxDigits) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class Applier {
 public:
  Applier(Value& root, std::vector<Diagnostic>& diags, ParseBudget& budget)
      : root_(root), diags_(diags), budget_(budget) {}

  void apply(const std::string& text) {
    if (const auto problem = text_problem(text)) {
      fail("", "expected key.path=value in UTF-8 without control characters, got " + *problem);
      return;
    }
    const std::size_t eq = text.find('=');
    const auto segments = eq == std::string::npos ? std::nullopt : split_path(text.substr(0, eq));
    if (!segments) {
      fail("", "expected key.path=value, got '" + text + "'");
      return;
    }
    if (segments->size() > static_cast<std::size_t>(kMaxNesting)) {
      fail("", "expected a key path at most " + std::to_string(kMaxNesting) + " keys long, got " +
                   std::to_string(segments->size()));
      return;
    }
    std::vector<Diagnostic> found;
    auto value = parse_yaml(text.substr(eq + 1), kOverrideFile, found, budget_);
    if (!value) {
      // A syntax error says less than the value itself; a limit says what was exceeded.
      if (found.empty() || found.front().message.starts_with("invalid YAML"))
        fail(text.substr(0, eq), "expected a YAML value, got '" + text.substr(eq + 1) + "'");
      for (auto& d : found)
        if (!d.message.starts_with("invalid YAML")) fail(text.substr(0, eq), d.message);
      return;
    }
    relocate(*value);
    if (Value* target = locate(*segments)) *target = std::move(*value);
  }

 private:
  // The value the path names, created when it is a missing mapping key; nullptr after
  // reporting a path that leads nowhere.
  Value* locate(const std::vector<Segment>& segments) {
    Value* cur = &root_;
    std::string path;
    for (const auto& seg : segments) {
      if (!seg.key.empty()) {
        cur = step(*cur, path, seg.key);
        if (!cur) return nullptr;
        path = join(path, seg.key);
      }
      for (int index : seg.indices) {
        const std::string here = path + "[" + std::to_string(index) + "]";
        if (!cur->is_sequence() || static_cast<std::size_t>(index) >= cur->items.size()) {
          fail(here, "expected an index into a list, got " + describe(*cur) +
                         (cur->is_sequence() ? " of " + std::to_string(cur->items.size()) + " items"
                                             : ""));
          return nullptr;
        }
        cur = &cur->items[static_cast<std::size_t>(index)];
        path = here;
      }
    }
    return cur;
  }

  Value* step(Value& cur, const std::string& path, const std::string& key) {
    if (cur.is_sequence()) {
      const auto ids = item_ids(cur, path);
      for (std::size_t i = 0; i < ids.size(); ++i)
        if (ids[i] == key) return &cur.items[i];
      // A list of items without ids (a policy's rules) is indexed: "rules.0" as "rules[0]".
      if (all_digits(key)) {
        const auto index = static_cast<std::size_t>(std::stoi(key));
        if (index < cur.items.size()) return &cur.items[index];
        fail(join(path, key), "expected an index into a list, got " + key + " (the list has " +
                                  std::to_string(cur.items.size()) + " items)");
        return nullptr;
      }
      std::string message = "expected the id of an item of " +
                            (path.empty() ? std::string("the list") : path) + " (" +
                            listed_ids(ids) + "), got '" + key + "'";
      // An id is at most kMaxIdLength long: a longer word is no typo of one (and bounds the work).
      if (key.size() <= kMaxIdLength)
        if (const auto near = nearest(key, ids)) message += ", did you mean '" + *near + "'?";
      fail(join(path, key), std::move(message));
      return nullptr;
    }
    if (cur.is_null()) cur.kind = Value::Kind::kMapping;  // an absent section is created
    if (!cur.is_mapping()) {
      fail(join(path, key), "expected a mapping or a list at " + (path.empty() ? "the top" : path) +
                                ", got " + describe(cur));
      return nullptr;
    }
    if (Value* found = cur.find(key)) return found;
    cur.keys.push_back(Key{key, kOverrideLoc});
    Value created;
    created.loc = kOverrideLoc;
    cur.items.push_back(std::move(created));
    return &cur.items.back();
  }

  void fail(const std::string& path, std::string message) {
    diags_.push_back(make_diagnostic(kOverrideLoc, path, std::move(message)));
  }

  Value& root_;
  std::vector<Diagnostic>& diags_;
  ParseBudget& budget_;
};

}  // namespace

void apply_overrides(Value& root, const std::vector<std::string>& overrides,
                     std::vector<Diagnostic>& diags, ParseBudget& budget) {
  Applier applier(root, diags, budget);
  for (const auto& text : overrides) applier.apply(text);
}

}  // namespace payquake::scenario
