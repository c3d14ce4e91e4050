// The scenario document as a plain tree whose every node remembers the file, line and
// column it came from. yaml-cpp marks carry no file name, and includes mix files in one
// document, so the loader converts to this tree first and never looks back at yaml-cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Parses YAML `text`; marks name `file`. A syntax error is appended to `diags` and gives
// nullopt. An empty document is a null Value.
std::optional<Value> parse_yaml(const std::string& text, const std::string& file,
                                std::vector<Diagnostic>& diags);

}  // namespace payquake::scenario
