#include "scenario/keys.hpp"

#include <algorithm>

namespace payquake::scenario {
namespace {

// A function's static, so it is ready before the first KeySet of any file is constructed.
std::vector<KeySet>& registry() {
  static std::vector<KeySet> sets;
  return sets;
}

}  // namespace

KeySet::KeySet(std::string section, std::vector<std::string> keys, std::vector<Unsupported> later)
    : section_(std::move(section)), keys_(std::move(keys)), later_(std::move(later)) {
  registry().push_back(*this);  // a copy: the copy constructor registers nothing
}

KeySet KeySet::any_of(const std::vector<const KeySet*>& sets,
                      const std::vector<std::string>& first) {
  KeySet all;
  for (const auto& key : first)
    for (const KeySet* set : sets)
      if (set->contains(key) && !all.contains(key)) all.keys_.push_back(key);
  for (const KeySet* set : sets) {
    for (const auto& key : set->keys_)
      if (!all.contains(key)) all.keys_.push_back(key);
    all.later_.insert(all.later_.end(), set->later_.begin(), set->later_.end());
  }
  return all;
}

bool KeySet::contains(std::string_view key) const {
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

const std::vector<KeySet>& registered_key_sets() { return registry(); }

}  // namespace payquake::scenario
