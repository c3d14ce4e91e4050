// The scenario document as a plain tree whose every node remembers the file, line and
// column it came from. yaml-cpp marks carry no file name, and includes mix files in one
// document, so the loader converts to this tree first and never looks back at yaml-cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/limits.hpp"
#include "scenario/loader.hpp"

namespace payquake::scenario {

struct Loc {
  std::string file;
  int line = 0;  // 1-based; 0 = unknown
  int column = 0;
};

struct Key {
  std::string text;
  Loc loc;
};

struct Value {
  enum class Kind { kNull, kScalar, kSequence, kMapping };

  Kind kind = Kind::kNull;
  Loc loc;
  std::string text;          // kScalar: the text as written (never interpreted by YAML)
  std::vector<Key> keys;     // kMapping: keys in document order, parallel to items
  std::vector<Value> items;  // kSequence: the elements; kMapping: the values

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_mapping() const { return kind == Kind::kMapping; }

  // kMapping only: the value for `key`, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // kMapping only: the key's index, or -1.
  int index_of(std::string_view key) const;
  void erase(int index);
};

// How a value reads in "got Y": 'text', a list, a mapping, nothing.
std::string describe(const Value& v);

// A Diagnostic at `at`.
Diagnostic make_diagnostic(const Loc& at, std::string key_path, std::string message);

// "path.key" (or "key" at the top).
std::string join(const std::string& path, std::string_view key);
// The key path of element `index` of the list at `path`: "nodes.gw" when it has an id,
// "sites[0]" otherwise.
std::string item_path(const std::string& path, std::size_t index, const Value& item);

// What is left to spend while converting the documents of one load: every file and
// --set value of a load draws on one budget, so an include bomb is bounded like an alias bomb.
struct ParseBudget {
  std::size_t values_left = kMaxValues;
};

// Parses YAML `text`; marks name `file`. A syntax error, a recursive alias, nesting deeper
// than kMaxNesting or a document beyond the budget is appended to `diags` and gives
// nullopt. Text that is not UTF-8 or holds control characters is reported too, and the
// offending bytes are written as \xNN in the tree, so no later message repeats them.
// An empty document is a null Value.
std::optional<Value> parse_yaml(const std::string& text, const std::string& file,
                                std::vector<Diagnostic>& diags, ParseBudget& budget);
std::optional<Value> parse_yaml(const std::string& text, const std::string& file,
                                std::vector<Diagnostic>& diags);

// How every message about such text begins.
inline constexpr std::string_view kBadTextMessage =
    "expected UTF-8 text without control characters";

// Why `text` is unsafe to read or print (not UTF-8, or a control character), naming the
// first offence: "a control character (\x0a) at character 4"; nullopt when it is fine.
std::optional<std::string> text_problem(std::string_view text);
// `text` with every invalid byte and control character written as \xNN.
std::string printable(std::string_view text);

}  // namespace payquake::scenario
