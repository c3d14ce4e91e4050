#include "scenario/tree.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

namespace payquake::scenario {
namespace {

Loc loc_of(const YAML::Mark& m, const std::string& file, const Loc& fallback) {
  if (m.is_null()) return fallback;
  return {file, m.line + 1, m.column + 1};  // yaml-cpp marks are 0-based
}

// One step of UTF-8 decoding at text[i]: the code point and its length in bytes, or a
// length of 0 for an invalid sequence (overlong, surrogate, beyond U+10FFFF, truncated).
struct Decoded {
  char32_t code = 0;
  std::size_t length = 0;
};

Decoded decode(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  char32_t code = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    return {};
  }
  if (i + length > text.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
  return {code, length};
}

// C0 controls (newline and tab included: no scenario value spans lines), DEL, C1 controls.
bool is_control(char32_t c) { return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F); }

std::string hex_byte(unsigned char b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("\\x") + kDigits[b >> 4] + kDigits[b & 0xF];
}

// Thrown inside the conversion when a limit is hit: the document is not used at all.
struct Refused {
  Diagnostic diagnostic;
};

// yaml-cpp's node graph to a Value tree, spending `budget`. Aliases are shared nodes in
// yaml-cpp, so an alias of an enclosing node is a cycle and an alias bomb is a small graph
// with an enormous tree: both are caught here, before anything is expanded.
class Converter {
 public:
  Converter(const std::string& file, std::vector<Diagnostic>& diags, ParseBudget& budget)
      : file_(file), diags_(diags), budget_(budget) {}

  Value convert(const YAML::Node& n, const Loc& fallback) {
    Value v;
    v.loc = loc_of(n.Mark(), file_, fallback);
    if (budget_.values_left == 0) {
      refuse(v.loc, "expected at most " + std::to_string(kMaxValues) +
                        " values in the scenario with its aliases and includes expanded, got "
                        "more (an alias or include bomb?)");
    }
    --budget_.values_left;
    switch (n.Type()) {
      case YAML::NodeType::Scalar:
        v.kind = Value::Kind::kScalar;
        v.text = checked(n.Scalar(), v.loc);
        break;
      case YAML::NodeType::Sequence:
        v.kind = Value::Kind::kSequence;
        enter(n, v.loc);
        for (const auto& item : n) {
          // Built piece by piece: GCC 12 warns (-Wrestrict, falsely) on "literal" + string.
          std::string segment(1, '[');
          segment += std::to_string(v.items.size());
          segment += ']';
          path_.push_back(std::move(segment));
          v.items.push_back(convert(item, v.loc));
          path_.pop_back();
        }
        ancestors_.pop_back();
        break;
      case YAML::NodeType::Map:
        v.kind = Value::Kind::kMapping;
        enter(n, v.loc);
        for (const auto& kv : n) {
          Key key{std::string(), loc_of(kv.first.Mark(), file_, v.loc)};
          if (kv.first.IsScalar()) key.text = checked(kv.first.Scalar(), key.loc);
          path_.push_back(key.text);
          v.items.push_back(convert(kv.second, key.loc));
          path_.pop_back();
          v.keys.push_back(std::move(key));
        }
        ancestors_.pop_back();
        break;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        v.kind = Value::Kind::kNull;
        break;
    }
    return v;
  }

 private:
  // Descends into the list or mapping `n`, refusing a cycle or nesting too deep.
  void enter(const YAML::Node& n, const Loc& at) {
    for (const auto& a : ancestors_)
      if (a.is(n)) refuse(at, "expected no recursive alias, got an alias of a node inside itself");
    if (static_cast<int>(ancestors_.size()) >= kMaxNesting) {
      refuse(at, "expected lists and mappings nested at most " + std::to_string(kMaxNesting) +
                     " deep, got deeper");
    }
    ancestors_.push_back(n);
  }

  // `text`, or after reporting why it is unsafe, its printable form.
  std::string checked(const std::string& text, const Loc& at) {
    const auto problem = text_problem(text);
    if (!problem) return text;
    diags_.push_back(
        make_diagnostic(at, key_path(), std::string(kBadTextMessage) + ", got " + *problem));
    return printable(text);
  }

  std::string key_path() const {
    std::string out;
    for (const auto& p : path_) out += p.starts_with('[') || out.empty() ? p : "." + p;
    return printable(out);
  }

  [[noreturn]] void refuse(const Loc& at, std::string message) {
    throw Refused{make_diagnostic(at, key_path(), std::move(message))};
  }

  const std::string& file_;
  std::vector<Diagnostic>& diags_;
  ParseBudget& budget_;
  std::vector<YAML::Node> ancestors_;
  std::vector<std::string> path_;
};

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
    case Value::Kind::kScalar: {
      // A message quotes a value, never a whole file: a long scalar is cut (at a character
      // boundary: the text is UTF-8 by now) and its length given.
      constexpr std::size_t kMaxQuoted = 80;
      if (v.text.size() <= kMaxQuoted) return "'" + v.text + "'";
      std::size_t cut = kMaxQuoted;
      while (cut > 0 && (static_cast<unsigned char>(v.text[cut]) & 0xC0) == 0x80) --cut;
      // Built by appending: GCC 12 warns (-Wrestrict, a false positive) on "'" + string&&.
      std::string quoted(1, '\'');
      quoted.append(v.text, 0, cut).append("...' (").append(std::to_string(v.text.size()));
      return quoted.append(" bytes)");
    }
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

std::optional<std::string> text_problem(std::string_view text) {
  std::size_t character = 1;
  for (std::size_t i = 0; i < text.size(); ++character) {
    const Decoded d = decode(text, i);
    if (d.length == 0) {
      return "a byte that is not UTF-8 (" + hex_byte(static_cast<unsigned char>(text[i])) +
             ") at character " + std::to_string(character);
    }
    if (is_control(d.code)) {
      std::string bytes;
      for (std::size_t k = 0; k < d.length; ++k)
        bytes += hex_byte(static_cast<unsigned char>(text[i + k]));
      return "a control character (" + bytes + ") at character " + std::to_string(character);
    }
    i += d.length;
  }
  return std::nullopt;
}

std::string printable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const Decoded d = decode(text, i);
    const std::size_t length = d.length == 0 ? 1 : d.length;
    if (d.length == 0 || is_control(d.code)) {
      for (std::size_t k = 0; k < length; ++k)
        out += hex_byte(static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::optional<Value> parse_yaml(const std::string& text, const std::string& file,
                                std::vector<Diagnostic>& diags, ParseBudget& budget) {
  try {
    const YAML::Node root = YAML::Load(text);
    return Converter(file, diags, budget).convert(root, Loc{file, 1, 1});
  } catch (const Refused& r) {
    diags.push_back(r.diagnostic);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard against deep flow nesting; its message is "bad file".
    diags.push_back(make_diagnostic(loc_of(e.mark, file, Loc{file, 0, 0}), "",
                                    "invalid YAML: nested too deeply (at most " +
                                        std::to_string(kMaxNesting) + " levels are read)"));
  } catch (const YAML::Exception& e) {
    diags.push_back(make_diagnostic(loc_of(e.mark, file, Loc{file, 0, 0}), "",
                                    "invalid YAML: " + printable(e.msg)));
  }
  return std::nullopt;
}

std::optional<Value> parse_yaml(const std::string& text, const std::string& file,
                                std::vector<Diagnostic>& diags) {
  ParseBudget budget;
  return parse_yaml(text, file, diags, budget);
}

}  // namespace payquake::scenario
