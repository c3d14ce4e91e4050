// docs/scenario-format.md as a user meets it: its complete example, copied into a file,
// passes `payquake validate`, and every help page points to it. (The page is held to the
// loader's keys by sim/scenario/keys_doc_test.cpp.)
#include <gtest/gtest.h>

#include <sstream>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

// The ```yaml block after the line starting "<!-- full example" ("" when there is none).
std::string full_example(const std::string& markdown) {
  std::istringstream in(markdown);
  std::string line;
  std::string block;
  bool marked = false;
  bool inside = false;
  while (std::getline(in, line)) {
    if (inside) {
      if (line.starts_with("```")) return block;
      block += line + "\n";
    } else if (line.starts_with("<!-- full example")) {
      marked = true;
    } else if (marked && line.starts_with("```yaml")) {
      inside = true;
    }
  }
  return "";
}

TEST(Docs, FullExampleOfTheScenarioFormatValidates) {
  const std::string doc = read_file(source_dir() + "/docs/scenario-format.md");
  ASSERT_FALSE(doc.empty()) << "docs/scenario-format.md is missing";
  const std::string yaml = full_example(doc);
  ASSERT_FALSE(yaml.empty()) << "docs/scenario-format.md has no ```yaml block after a line "
                                "starting '<!-- full example'";
  const std::string path = write_file(temp_dir("docs"), "example.yaml", yaml);
  const auto r = run_payquake({"validate", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, path + ": ok\n") << r.err;
}

// Users have the repository, not the design notes: help points to the reference.
TEST(Docs, EveryHelpPagePointsToTheFormatReference) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"run", "--help"}, {"validate", "--help"}}) {
    const auto r = run_payquake(args);
    EXPECT_EQ(r.exit_code, 0) << args.front();
    EXPECT_NE(r.out.find("docs/scenario-format.md"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("DESIGN"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace payquake::testing
