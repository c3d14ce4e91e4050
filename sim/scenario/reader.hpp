// Typed reads from the document tree that report every mismatch as a located Diagnostic
// ("expected X, got Y") and carry on, so one pass finds all the mistakes in a file.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/keys.hpp"
#include "scenario/tree.hpp"

namespace payquake::scenario {

enum class Bound { kAny, kNonNegative, kPositive };

class Reader {
 public:
  explicit Reader(std::vector<Diagnostic>& diags) : diags_(diags) {}

  void error(const Loc& at, const std::string& path, std::string message);
  std::size_t error_count() const { return diags_.size(); }

  // True when `v` is a mapping (else reports it). Reports keys given twice, keys of `keys`
  // not supported yet, and keys not in `keys` (with the nearest allowed key). `keys` is a
  // KeySet declared at namespace scope (keys.hpp), never a list written at the call: that is
  // how the reference, docs/scenario-format.md, is held to every key the loader accepts.
  bool mapping(const Value& v, const std::string& path, const KeySet& keys);
  // Keys listed at the call are refused at compile time: declare a namespace-scope KeySet
  // (keys.hpp) and document its keys in docs/scenario-format.md.
  bool mapping(const Value& v, const std::string& path,
               std::initializer_list<const char*> keys) = delete;
  // True when `v` is a list (else reports it).
  bool list(const Value& v, const std::string& path);

  // The value of `key`, or nullptr. A missing required key is reported at the mapping:
  // "expected <expected>, got nothing (the key is missing)".
  const Value* get(const Value& m, const std::string& path, std::string_view key, bool required,
                   std::string_view expected);

  // Conversions of a present value; nullopt after reporting a mismatch.
  std::optional<double> duration(const Value& v, const std::string& path, Bound b);
  std::optional<double> rate(const Value& v, const std::string& path, Bound b);
  std::optional<double> money(const Value& v, const std::string& path, Bound b);
  std::optional<double> number(const Value& v, const std::string& path, Bound b);
  // A fraction in (0, 1], written as a percentage.
  std::optional<double> share(const Value& v, const std::string& path);
  // A fraction in [0, 1], written as a percentage (a probability: 0% is allowed).
  std::optional<double> percent(const Value& v, const std::string& path);
  // true or false, spelt so (YAML 1.1's yes/no/on/off read differently elsewhere).
  std::optional<bool> boolean(const Value& v, const std::string& path);
  std::optional<double> bandwidth(const Value& v, const std::string& path);
  // An integer >= min; `noun` names it in messages ("a count >= 1").
  std::optional<std::int64_t> count(const Value& v, const std::string& path, std::int64_t min,
                                    std::string_view noun = "a count");
  // A non-empty scalar (a reference to an id: when it names nothing, the caller says so).
  std::optional<std::string> id(const Value& v, const std::string& path);
  // An id that names something (a site, node, payer, fault, the scenario): kIdForm, so
  // that it is safe in a CSV cell, a file name, a key path and a fault target.
  std::optional<std::string> new_id(const Value& v, const std::string& path);
  // suggest.hpp's nearest() within a budget for the whole load: a scenario with thousands
  // of wrong references to thousands of ids would otherwise spend minutes on "did you
  // mean". Past the budget, no suggestion.
  std::optional<std::string> nearest(std::string_view word,
                                     const std::vector<std::string>& candidates);

  // The index of the scalar among `options`.
  std::optional<std::size_t> choice(const Value& v, const std::string& path,
                                    const std::vector<std::string>& options);

  // Field helpers: read `key` of mapping `m` into `out` when present. They return false
  // when the field was reported (bad value, or missing and required); `out` keeps its
  // default when the field is absent.
  bool duration_field(const Value& m, const std::string& path, std::string_view key, Bound b,
                      bool required, double& out);
  bool count_field(const Value& m, const std::string& path, std::string_view key, std::int64_t min,
                   bool required, std::int64_t& out);
  // A count read into an int: one beyond INT_MAX is reported (it is a typo anyway).
  bool count_field(const Value& m, const std::string& path, std::string_view key, std::int64_t min,
                   bool required, int& out);
  bool bool_field(const Value& m, const std::string& path, std::string_view key, bool required,
                  bool& out);

 private:
  // Reports "expected <expected>, got <v>" and returns nullopt.
  std::nullopt_t mismatch(const Value& v, const std::string& path, std::string_view expected);
  // The scalar text of `v`, or nullopt after reporting `expected`.
  std::optional<std::string> scalar(const Value& v, const std::string& path,
                                    std::string_view expected);

  std::vector<Diagnostic>& diags_;
  // Characters compared by nearest(), word length x candidate length: ~0.1 s of work.
  double suggestion_budget_ = 5e7;
};

std::string_view bound_text(Bound b);  // " > 0", " >= 0", ""

// What an id may look like (limits.hpp kMaxIdLength): [A-Za-z0-9][A-Za-z0-9_-]{0,63}.
inline constexpr std::string_view kIdForm =
    "an id of letters, digits, '_' and '-', starting with a letter or digit, at most 64 long";
bool is_safe_id(std::string_view text);

}  // namespace payquake::scenario
