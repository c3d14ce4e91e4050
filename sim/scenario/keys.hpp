// The keys the loader accepts, section by section. Each mapping the reader checks is declared
// once as a KeySet, and that same object is what Reader::mapping checks the mapping against,
// so accepted_keys() lists every key the loader takes and docs/scenario-format.md is tested
// against it (keys_doc_test.cpp): a key cannot be accepted without being documented.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace payquake::scenario {

// A key of a later feature: rejected with "not supported yet (<belongs_to>)", never ignored.
struct Unsupported {
  std::string_view key;
  std::string_view belongs_to;
};

// The keys one kind of mapping may have. Declare it at namespace scope:
//   const KeySet kRetryKeys{"nodes.retry", {"attempts", "backoff", ...}};
// Constructed so, it is registered (copied into a registry): accepted_keys() lists its keys under
// `section`, and the reference must document them under a heading that names the section
// (`nodes.retry`). `section` is the key path with list items left out ("nodes.retry",
// "load.stages"); a variant chosen by a key is named by it ("kind: crash", "dist: lognormal"); ""
// is the top level.
class KeySet {
 public:
  KeySet(std::string section, std::vector<std::string> keys, std::vector<Unsupported> later = {});

  // Every key of `sets`, each once: those named in `first` in that order, then the others
  // in the order of `sets`. Not registered (it documents nothing new). For a mapping whose
  // variant is unknown (a fault of an unknown kind): no key of any variant is reported
  // unknown, so its one mistake gives one message.
  static KeySet any_of(const std::vector<const KeySet*>& sets,
                       const std::vector<std::string>& first = {});

  const std::string& section() const { return section_; }
  const std::vector<std::string>& keys() const { return keys_; }
  const std::vector<Unsupported>& later() const { return later_; }
  bool contains(std::string_view key) const;

 private:
  KeySet() = default;

  std::string section_;
  std::vector<std::string> keys_;
  std::vector<Unsupported> later_;
};

struct AcceptedKey {
  std::string section;  // as KeySet::section
  std::string key;
  bool operator==(const AcceptedKey&) const = default;
};

// Every KeySet constructed so far (copies), in the order of construction.
const std::vector<KeySet>& registered_key_sets();

// Every key of every registered KeySet: the mappings' keys, `include` (listed at the top
// level; it may stand in any mapping), the metric names of `expect` and its summary.json
// paths (written "payments.*"). Defined in loader.cpp, whose object file pulls in every
// reader's, so no registration is missed when linking the static library.
std::vector<AcceptedKey> accepted_keys();

// The keys the loader refuses with "not supported yet" (none at present).
std::vector<AcceptedKey> refused_keys();

}  // namespace payquake::scenario
