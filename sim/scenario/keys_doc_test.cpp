// docs/scenario-format.md, the users' reference of the scenario format, kept in step with the
// loader: every key the loader accepts (accepted_keys(), read from the very KeySets the
// reader checks mappings against) is documented under the heading of its section, every key
// it refuses as "not supported yet" is listed as coming later, no key is documented that the
// loader does not accept, and the full example loads.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "scenario/keys.hpp"
#include "scenario/loader.hpp"
#include "scenario/tree.hpp"

namespace payquake::scenario {
namespace {

constexpr const char* kDocPath = PAYQUAKE_SOURCE_DIR "/docs/scenario-format.md";
constexpr std::string_view kDocName = "docs/scenario-format.md";
// Put on the line before the ```yaml fence of the complete example.
constexpr std::string_view kFullExampleMarker = "<!-- full example";
constexpr std::string_view kLaterHeading = "Coming later";
constexpr std::string_view kTopHeading = "Top level";

struct Heading {
  std::size_t line;  // 0-based index into Doc::lines
  int level;         // number of '#'
  std::string text;  // after the '#'s
};

// The reference as lines, with its headings; lines inside fenced code blocks are blanked, so
// a YAML example never counts as documentation of a key.
struct Doc {
  std::vector<std::string> lines;
  std::vector<Heading> headings;
  std::vector<std::string> yaml_blocks;  // the text of each ```yaml block
  std::string full_example;              // the ```yaml block after kFullExampleMarker

  // One past the last line of heading `h`'s own text (up to the next heading of any level).
  std::size_t own_end(std::size_t h) const {
    return h + 1 < headings.size() ? headings[h + 1].line : lines.size();
  }
  // One past the last line of heading `h`'s span, its subsections included.
  std::size_t span_end(std::size_t h) const {
    for (std::size_t k = h + 1; k < headings.size(); ++k)
      if (headings[k].level <= headings[h].level) return headings[k].line;
    return lines.size();
  }
  // The headings `h` is nested in, innermost first.
  std::vector<std::size_t> ancestors(std::size_t h) const {
    std::vector<std::size_t> out;
    int level = headings[h].level;
    for (std::size_t k = h; k-- > 0;) {
      if (headings[k].level >= level) continue;
      out.push_back(k);
      level = headings[k].level;
    }
    return out;
  }
};

Doc read_doc() {
  Doc doc;
  std::ifstream in(kDocPath);
  std::string line;
  bool in_fence = false;
  bool yaml = false;
  bool marked = false;  // the marker was seen and its block has not started yet
  bool full = false;    // inside the full example's block
  std::string block;
  while (std::getline(in, line)) {
    if (line.starts_with("```")) {
      if (!in_fence) {
        yaml = line.starts_with("```yaml");
        full = yaml && marked;
        marked = false;
        block.clear();
      } else if (yaml) {
        doc.yaml_blocks.push_back(block);
        if (full) doc.full_example = block;
      }
      in_fence = !in_fence;
      doc.lines.emplace_back();
      continue;
    }
    if (in_fence) {
      block += line + "\n";
      doc.lines.emplace_back();
      continue;
    }
    if (line.starts_with(kFullExampleMarker)) marked = true;
    if (line.starts_with("#")) {
      const std::size_t level = line.find_first_not_of('#');
      if (level != std::string::npos && line[level] == ' ')
        doc.headings.push_back({doc.lines.size(), static_cast<int>(level), line.substr(level + 1)});
    }
    doc.lines.push_back(line);
  }
  return doc;
}

// Built piece by piece: GCC 12 warns (-Wrestrict, falsely) on "literal" + string.
std::string code(std::string_view s) {
  std::string out(1, '`');
  out += s;
  out += '`';
  return out;
}

// Whether heading text `text` is the heading of `section`.
bool names_section(const std::string& text, const std::string& section) {
  if (section.empty()) return text.starts_with(kTopHeading);
  return text.find(code(section)) != std::string::npos;
}

// The key of a table row whose first cell starts with a key in backticks ("| `ttl` | ...",
// "| `ttl` (required) | ..."), or "" for any other line.
std::string row_key(const std::string& line) {
  if (!line.starts_with("|")) return "";
  const std::size_t open = line.find_first_not_of(" ", 1);
  if (open == std::string::npos || line[open] != '`') return "";
  const std::size_t close = line.find('`', open + 1);
  if (close == std::string::npos) return "";
  return line.substr(open + 1, close - open - 1);
}

bool has_row(const Doc& doc, std::size_t from, std::size_t to, const std::string& key) {
  for (std::size_t i = from; i < to; ++i)
    if (row_key(doc.lines[i]) == key) return true;
  return false;
}

std::vector<std::size_t> headings_of(const Doc& doc, const std::string& section) {
  std::vector<std::size_t> out;
  for (std::size_t h = 0; h < doc.headings.size(); ++h)
    if (names_section(doc.headings[h].text, section)) out.push_back(h);
  return out;
}

// A key of `section` is documented by a row in the span of a heading naming the section, or
// in the own text of a heading that span is nested in (keys every fault kind has are
// documented once, under `faults`).
bool documented(const Doc& doc, const std::string& section, const std::string& key) {
  for (std::size_t h : headings_of(doc, section)) {
    if (has_row(doc, doc.headings[h].line, doc.span_end(h), key)) return true;
    for (std::size_t a : doc.ancestors(h))
      if (has_row(doc, doc.headings[a].line, doc.own_end(a), key)) return true;
  }
  return false;
}

std::string where(const Doc& doc, std::size_t h) {
  return std::string(kDocName) + ":" + std::to_string(doc.headings[h].line + 1) + " (" +
         std::string(static_cast<std::size_t>(doc.headings[h].level), '#') + " " +
         doc.headings[h].text + ")";
}

std::string section_name(const std::string& section) {
  return section.empty() ? "the top level" : code(section);
}

std::string keys_of(const std::string& section) {
  std::string out;
  for (const auto& k : accepted_keys())
    if (k.section == section) out += (out.empty() ? "" : ", ") + k.key;
  return out;
}

class KeysDoc : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = read_doc();
    ASSERT_FALSE(doc_.lines.empty()) << kDocPath << " is missing or empty";
  }
  Doc doc_;
};

// The test below would pass on an empty list: make sure the registry is really filled.
TEST(AcceptedKeys, ComeFromEveryReader) {
  const auto keys = accepted_keys();
  for (const AcceptedKey& k : std::vector<AcceptedKey>{
           {"", "duration"},
           {"", "include"},
           {"sites", "internal_latency"},
           {"links", "bandwidth"},
           {"nodes", "service_time"},
           {"nodes.retry", "budget"},
           {"nodes.idempotency", "on_store_failure"},
           {"nodes.accounts", "balance"},
           {"payers", "activity"},
           {"payers.client", "double_submit_delay"},
           {"load.spikes", "multiplier"},
           {"kind: crash", "restart"},
           {"kind: partition", "between"},
           {"faults.restart", "slowdown"},
           {"kind: errors", "code"},
           {"dist: lognormal", "sigma"},
           {"dist: zipf", "s"},
           {"slo", "stable_for"},
           {"expect", "recovery_time"},
           {"expect", "payments.*"},
           {"", "attacks"},
           {"fraud", "chargeback_fee"},
           {"nodes", "fraud"},
           {"nodes.signing", "nonce_capacity"},
           {"payers", "second_device"},
           {"kind: card_testing", "tries_per_card"},
           {"kind: replay", "capture"},
           {"kind: policy_outage", "target"},
           {"policy", "rules"},
       })
    EXPECT_NE(std::find(keys.begin(), keys.end(), k), keys.end()) << k.section << " " << k.key;
}

// A KeySet constructed while loading (a local, or a function's static) would be missing
// from accepted_keys() whenever nothing was loaded before: every KeySet must exist before.
TEST_F(KeysDoc, EveryKeySetIsDeclaredAtNamespaceScope) {
  const std::size_t before = registered_key_sets().size();
  try {
    load_string(doc_.full_example, "full-example.yaml");
  } catch (const ScenarioError&) {
    // FullExampleLoads reports it.
  }
  for (std::size_t i = before; i < registered_key_sets().size(); ++i)
    ADD_FAILURE() << "the KeySet of section '" << registered_key_sets()[i].section()
                  << "' was constructed while loading a scenario: declare it at namespace "
                     "scope in its file (sim/scenario/keys.hpp), so accepted_keys() and the "
                     "reference's test always see it.";
}

TEST_F(KeysDoc, DocumentsEveryKeyTheLoaderAccepts) {
  std::vector<std::string> reported;  // sections without a heading, reported once each
  for (const AcceptedKey& k : accepted_keys()) {
    const auto headings = headings_of(doc_, k.section);
    if (headings.empty()) {
      if (std::find(reported.begin(), reported.end(), k.section) != reported.end()) continue;
      reported.push_back(k.section);
      ADD_FAILURE() << kDocName << " has no section for " << section_name(k.section)
                    << ", whose keys the loader accepts (" << keys_of(k.section)
                    << "): add a heading naming it, like\n  ### "
                    << (k.section.empty() ? std::string(kTopHeading) : code(k.section))
                    << ": <what it is>\nand under it a table with a row per key, each row "
                       "starting | `<key>` | (unit, default, meaning, constraints, example).";
      continue;
    }
    if (documented(doc_, k.section, k.key)) continue;
    ADD_FAILURE() << kDocName << " does not document key " << code(k.key) << " of "
                  << section_name(k.section)
                  << ", which the loader accepts: add a table row starting | " << code(k.key)
                  << " | under " << where(doc_, headings.front())
                  << ", with its unit, default, meaning, constraints and an example.";
  }
}

TEST_F(KeysDoc, DocumentsOnlyKeysTheLoaderAccepts) {
  // A key row under a section's heading must be a key of that section or of a section whose
  // heading is nested in it (the keys every fault kind has, under `faults`).
  const auto keys = accepted_keys();
  for (std::size_t h = 0; h < doc_.headings.size(); ++h) {
    std::vector<std::string> sections;  // named by h or by a heading nested in it
    for (std::size_t n = h; n < doc_.headings.size(); ++n) {
      if (n > h && doc_.headings[n].line >= doc_.span_end(h)) break;
      for (const auto& k : keys)
        if (names_section(doc_.headings[n].text, k.section)) sections.push_back(k.section);
    }
    if (sections.empty()) continue;
    for (std::size_t i = doc_.headings[h].line; i < doc_.own_end(h); ++i) {
      const std::string key = row_key(doc_.lines[i]);
      if (key.empty()) continue;
      bool accepted = false;
      for (const auto& k : keys)
        accepted = accepted || (k.key == key && std::find(sections.begin(), sections.end(),
                                                          k.section) != sections.end());
      EXPECT_TRUE(accepted) << kDocName << ":" << i + 1 << " documents key " << code(key)
                            << " under " << where(doc_, h)
                            << ", but the loader does not accept it there: remove the row, "
                               "or add the key to the section's KeySet in sim/scenario.";
    }
  }
}

TEST_F(KeysDoc, ListsEveryRefusedKeyAsComingLater) {
  std::size_t later = doc_.headings.size();
  for (std::size_t h = 0; h < doc_.headings.size(); ++h)
    if (doc_.headings[h].text.starts_with(kLaterHeading)) later = h;
  ASSERT_LT(later, doc_.headings.size())
      << kDocName << " has no heading starting '" << kLaterHeading << "'";
  std::string text;
  for (std::size_t i = doc_.headings[later].line; i < doc_.span_end(later); ++i)
    text += doc_.lines[i] + "\n";
  for (const AcceptedKey& k : refused_keys()) {
    EXPECT_NE(text.find(code(k.key)), std::string::npos)
        << kDocName << " does not list " << code(k.key) << " (of " << section_name(k.section)
        << "), which the loader refuses as not supported yet: name it under " << where(doc_, later)
        << ".";
  }
}

TEST_F(KeysDoc, FullExampleLoads) {
  ASSERT_FALSE(doc_.full_example.empty())
      << kDocName << " has no ```yaml block after a line starting '" << kFullExampleMarker << "'";
  try {
    const core::Scenario s = load_string(
        doc_.full_example, std::string(PAYQUAKE_SOURCE_DIR) + "/docs/full-example.yaml");
    EXPECT_FALSE(s.nodes.empty());
  } catch (const ScenarioError& e) {
    ADD_FAILURE() << "the full example of " << kDocName << " does not load:\n" << e.what();
  }
}

TEST_F(KeysDoc, EveryYamlBlockIsYaml) {
  ASSERT_GE(doc_.yaml_blocks.size(), 10u);
  for (const auto& block : doc_.yaml_blocks) {
    std::vector<Diagnostic> diags;
    parse_yaml(block, std::string(kDocName), diags);
    EXPECT_TRUE(diags.empty()) << block << "\n" << (diags.empty() ? "" : diags[0].to_string());
  }
}

}  // namespace
}  // namespace payquake::scenario
