// Shared by the scenario tests: a valid reference scenario, a way to vary one line of it,
// and a scratch directory for include files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace payquake::scenario::testing {

// Two sites, gw (gateway) -> acq (acquirer) -> net (network) -> iss (issuer, BIN 4111),
// one payer population. One field per line, so a test can change a line and know where
// its error will be reported.
extern const std::string kReference;

// kReference with the first occurrence of `from` replaced by `to` (`from` must occur).
std::string reference_with(std::string_view from, std::string_view to);

// The diagnostics of loading `text` as "t.yaml", each as to_string(); empty when it loads.
std::vector<std::string> errors_of(const std::string& text,
                                   const std::vector<std::string>& overrides = {});

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to dir/relative (creating folders) and returns the full path.
  std::string write(const std::string& relative, const std::string& text) const;
  std::string path(const std::string& relative) const;

 private:
  std::filesystem::path dir_;
};

// prefix, i, suffix: "n7" for numbered("n", 7), built by appending (GCC 12 warns, falsely,
// on "literal" + string).
inline std::string numbered(std::string prefix, int i, std::string_view suffix = "") {
  prefix += std::to_string(i);
  prefix += suffix;
  return prefix;
}

}  // namespace payquake::scenario::testing
