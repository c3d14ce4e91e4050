#include "scenario/tree.hpp"

#include <yaml-cpp/yaml.h>

namespace payquake::scenario {
namespace {

Loc loc_of(const YAML::Mark& m, const std::string& file, const Loc& fallback) {
  if (m.is_null()) return fallback;
  return {file, m.line + 1, m.column + 1};  // yaml-cpp marks are 0-based
}

Value convert(const YAML::Node& n, const std::string& file, const Loc& fallback) {
  Value v;
  v.loc = loc_of(n.Mark(), file, fallback);
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      v.kind = Value::Kind::kScalar;
      v.text = n.Scalar();
      break;
    case YAML::NodeType::Sequence:
      v.kind = Value::Kind::kSequence;
      for (const auto& item : n) v.items.push_back(convert(item, file, v.loc));
      break;
    case YAML::NodeType::Map:
      v.kind = Value::Kind::kMapping;
      for (const auto& kv : n) {
        Key key{kv.first.IsScalar() ? kv.first.Scalar() : std::string(),
                loc_of(kv.first.Mark(), file, v.loc)};
        v.items.push_back(convert(kv.second, file, key.loc));
        v.keys.push_back(std::move(key));
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      v.kind = Value::Kind::kNull;
      break;
  }
  return v;
}

}  // namespace

const Value* Value::find(std::string_view key) const {
  const int i = index_of(key);
  return i < 0 ? nullptr : &items[static_cast<std::size_t>(i)];
}

Value* Value::find(std::string_view key) {
  const int i = index_of(key);
  return i < 0 ? nullptr : &items[static_cast<std::size_t>(i)];
}

int Value::index_of(std::string_view key) const {
  if (kind != Kind::kMapping) return -1;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i].text == key) return static_cast<int>(i);
  return -1;
}

void Value::erase(int index) {
  keys.erase(keys.begin() + index);
  items.erase(items.begin() + index);
}

std::string describe(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return "nothing";
    case Value::Kind::kScalar:
      return "'" + v.text + "'";
    case Value::Kind::kSequence:
      return v.items.empty() ? "an empty list" : "a list";
    case Value::Kind::kMapping:
      return v.items.empty() ? "an empty mapping" : "a mapping";
  }
  return "?";
}

Diagnostic make_diagnostic(const Loc& at, std::string key_path, std::string message) {
  return Diagnostic{at.file, at.line, at.column, std::move(key_path), std::move(message)};
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string item_path(const std::string& path, std::size_t index, const Value& item) {
  const Value* id = item.find("id");
  if (id && id->is_scalar() && !id->text.empty()) return join(path, id->text);
  return path + "[" + std::to_string(index) + "]";
}

std::optional<Value> parse_yaml(const std::string& text, const std::string& file,
                                std::vector<Diagnostic>& diags) {
  try {
    const YAML::Node root = YAML::Load(text);
    return convert(root, file, Loc{file, 1, 1});
  } catch (const YAML::Exception& e) {
    diags.push_back(
        make_diagnostic(loc_of(e.mark, file, Loc{file, 0, 0}), "", "invalid YAML: " + e.msg));
    return std::nullopt;
  }
}

}  // namespace payquake::scenario
