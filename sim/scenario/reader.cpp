#include "scenario/reader.hpp"

#include <climits>

#include "scenario/limits.hpp"
#include "scenario/suggest.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

bool within(double v, Bound b) {
  switch (b) {
    case Bound::kAny:
      return true;
    case Bound::kNonNegative:
      return v >= 0;
    case Bound::kPositive:
      return v > 0;
  }
  return true;
}

std::string list_of(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

}  // namespace

bool is_safe_id(std::string_view text) {
  if (text.empty() || text.size() > kMaxIdLength) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(text[0])) return false;
  for (char c : text)
    if (!alnum(c) && c != '_' && c != '-') return false;
  return true;
}

std::string_view bound_text(Bound b) {
  switch (b) {
    case Bound::kAny:
      return "";
    case Bound::kNonNegative:
      return " >= 0";
    case Bound::kPositive:
      return " > 0";
  }
  return "";
}

void Reader::error(const Loc& at, const std::string& path, std::string message) {
  diags_.push_back(make_diagnostic(at, path, std::move(message)));
}

std::nullopt_t Reader::mismatch(const Value& v, const std::string& path,
                                std::string_view expected) {
  error(v.loc, path, "expected " + std::string(expected) + ", got " + describe(v));
  return std::nullopt;
}

std::optional<std::string> Reader::scalar(const Value& v, const std::string& path,
                                          std::string_view expected) {
  if (!v.is_scalar()) return mismatch(v, path, expected);
  return v.text;
}

bool Reader::mapping(const Value& v, const std::string& path, const KeySet& keys) {
  const std::vector<std::string>& allowed = keys.keys();
  if (!v.is_mapping()) {
    mismatch(v, path, "a mapping");
    return false;
  }
  for (std::size_t i = 0; i < v.keys.size(); ++i) {
    const Key& key = v.keys[i];
    const std::string key_path = join(path, key.text);
    const int first = v.index_of(key.text);
    if (first != static_cast<int>(i)) {
      error(key.loc, key_path,
            "expected each key once, got '" + key.text + "' again (first at line " +
                std::to_string(v.keys[static_cast<std::size_t>(first)].loc.line) + ")");
      continue;
    }
    bool known = false;
    for (const auto& a : allowed) known = known || a == key.text;
    if (known) continue;
    bool later = false;
    for (const auto& u : keys.later()) {
      if (u.key != key.text) continue;
      error(key.loc, key_path, "not supported yet (" + std::string(u.belongs_to) + ")");
      later = true;
    }
    if (later) continue;
    if (const auto near = nearest(key.text, allowed)) {
      error(key.loc, key_path, "unknown key '" + key.text + "', did you mean '" + *near + "'?");
    } else {
      error(key.loc, key_path,
            "unknown key '" + key.text + "', expected one of " + list_of(allowed));
    }
  }
  return true;
}

bool Reader::list(const Value& v, const std::string& path) {
  if (v.is_sequence()) return true;
  mismatch(v, path, "a list");
  return false;
}

const Value* Reader::get(const Value& m, const std::string& path, std::string_view key,
                         bool required, std::string_view expected) {
  if (const Value* v = m.find(key)) return v;
  if (required) {
    error(m.loc, join(path, key),
          "expected " + std::string(expected) + ", got nothing (the key is missing)");
  }
  return nullptr;
}

std::optional<double> Reader::duration(const Value& v, const std::string& path, Bound b) {
  const auto text = scalar(v, path, kDurationForm);
  if (!text) return std::nullopt;
  const auto d = parse_duration(*text);
  if (!d) return mismatch(v, path, kDurationForm);
  if (!within(*d, b)) return mismatch(v, path, "a duration" + std::string(bound_text(b)));
  return d;
}

std::optional<double> Reader::rate(const Value& v, const std::string& path, Bound b) {
  const auto text = scalar(v, path, kRateForm);
  if (!text) return std::nullopt;
  const auto r = parse_rate(*text);
  if (!r) return mismatch(v, path, kRateForm);
  if (!within(*r, b)) return mismatch(v, path, "a rate" + std::string(bound_text(b)));
  return r;
}

std::optional<double> Reader::money(const Value& v, const std::string& path, Bound b) {
  const auto text = scalar(v, path, kMoneyForm);
  if (!text) return std::nullopt;
  const auto m = parse_money(*text);
  if (!m) return mismatch(v, path, kMoneyForm);
  if (!within(*m, b)) return mismatch(v, path, "money" + std::string(bound_text(b)));
  return m;
}

std::optional<double> Reader::number(const Value& v, const std::string& path, Bound b) {
  const auto text = scalar(v, path, kNumberForm);
  if (!text) return std::nullopt;
  const auto n = parse_number(*text);
  if (!n) return mismatch(v, path, kNumberForm);
  if (!within(*n, b)) return mismatch(v, path, "a number" + std::string(bound_text(b)));
  return n;
}

std::optional<double> Reader::share(const Value& v, const std::string& path) {
  const auto text = scalar(v, path, kPercentForm);
  if (!text) return std::nullopt;
  const auto p = parse_percent(*text);
  if (!p) return mismatch(v, path, kPercentForm);
  if (!(*p > 0 && *p <= 1)) return mismatch(v, path, "a percentage > 0% and <= 100%");
  return p;
}

std::optional<double> Reader::percent(const Value& v, const std::string& path) {
  const auto text = scalar(v, path, kPercentForm);
  if (!text) return std::nullopt;
  const auto p = parse_percent(*text);
  if (!p) return mismatch(v, path, kPercentForm);
  if (!(*p >= 0 && *p <= 1)) return mismatch(v, path, "a percentage >= 0% and <= 100%");
  return p;
}

std::optional<bool> Reader::boolean(const Value& v, const std::string& path) {
  if (v.is_scalar() && v.text == "true") return true;
  if (v.is_scalar() && v.text == "false") return false;
  return mismatch(v, path, "true or false");
}

std::optional<double> Reader::bandwidth(const Value& v, const std::string& path) {
  const auto text = scalar(v, path, kBandwidthForm);
  if (!text) return std::nullopt;
  const auto bw = parse_bandwidth(*text);
  if (!bw) return mismatch(v, path, kBandwidthForm);
  if (!(*bw > 0)) return mismatch(v, path, "a bandwidth > 0");
  return bw;
}

std::optional<std::int64_t> Reader::count(const Value& v, const std::string& path, std::int64_t min,
                                          std::string_view noun) {
  const auto text = scalar(v, path, kCountForm);
  if (!text) return std::nullopt;
  const auto c = parse_count(*text);
  if (!c) return mismatch(v, path, kCountForm);
  if (*c < min) return mismatch(v, path, std::string(noun) + " >= " + std::to_string(min));
  return c;
}

std::optional<std::string> Reader::id(const Value& v, const std::string& path) {
  const auto text = scalar(v, path, "an id");
  if (!text) return std::nullopt;
  if (text->empty()) return mismatch(v, path, "an id");
  return text;
}

std::optional<std::string> Reader::new_id(const Value& v, const std::string& path) {
  const auto text = scalar(v, path, kIdForm);
  if (!text) return std::nullopt;
  if (!is_safe_id(*text)) return mismatch(v, path, kIdForm);
  return text;
}

std::optional<std::string> Reader::nearest(std::string_view word,
                                           const std::vector<std::string>& candidates) {
  double cost = 0;
  for (const auto& c : candidates) cost += static_cast<double>((word.size() + 1) * (c.size() + 1));
  if (cost > suggestion_budget_) return std::nullopt;
  suggestion_budget_ -= cost;
  return scenario::nearest(word, candidates);
}

std::optional<std::size_t> Reader::choice(const Value& v, const std::string& path,
                                          const std::vector<std::string>& options) {
  const std::string expected = "one of " + list_of(options);
  const auto text = scalar(v, path, expected);
  if (!text) return std::nullopt;
  for (std::size_t i = 0; i < options.size(); ++i)
    if (options[i] == *text) return i;
  std::string message = "expected " + expected + ", got " + describe(v);
  if (const auto near = nearest(*text, options)) message += " (did you mean '" + *near + "'?)";
  error(v.loc, path, std::move(message));
  return std::nullopt;
}

bool Reader::duration_field(const Value& m, const std::string& path, std::string_view key, Bound b,
                            bool required, double& out) {
  const Value* v = get(m, path, key, required, kDurationForm);
  if (!v) return !required;
  const auto d = duration(*v, join(path, key), b);
  if (d) out = *d;
  return d.has_value();
}

bool Reader::count_field(const Value& m, const std::string& path, std::string_view key,
                         std::int64_t min, bool required, std::int64_t& out) {
  const Value* v = get(m, path, key, required, "a count >= " + std::to_string(min));
  if (!v) return !required;
  const auto c = count(*v, join(path, key), min);
  if (c) out = *c;
  return c.has_value();
}

bool Reader::count_field(const Value& m, const std::string& path, std::string_view key,
                         std::int64_t min, bool required, int& out) {
  std::int64_t c = out;
  if (!count_field(m, path, key, min, required, c)) return false;
  if (c > INT_MAX) {
    const Value* v = m.find(key);
    mismatch(*v, join(path, key), "a count <= 2147483647");
    return false;
  }
  out = static_cast<int>(c);
  return true;
}

bool Reader::bool_field(const Value& m, const std::string& path, std::string_view key,
                        bool required, bool& out) {
  const Value* v = get(m, path, key, required, "true or false");
  if (!v) return !required;
  const auto b = boolean(*v, join(path, key));
  if (b) out = *b;
  return b.has_value();
}

}  // namespace payquake::scenario
