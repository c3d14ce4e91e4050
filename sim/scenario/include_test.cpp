// include: merging (the including file wins, mappings deeply, lists replaced), paths
// relative to the including file, and errors located in the file that has them.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "scenario/limits.hpp"
#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::kReference;
using testing::TempDir;
using Errors = std::vector<std::string>;

// kReference's sections from `sites:` on, as a building block without name and duration.
std::string reference_body() { return kReference.substr(kReference.find("sites:")); }

Errors file_errors(const std::string& path) {
  Errors out;
  try {
    load_file(path);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
  }
  return out;
}

TEST(Include, IncludingFileWinsAndMappingsMergeDeeply) {
  TempDir td;
  td.write("models/base.yaml", reference_body() + "  arrival: uniform\n");
  const std::string main = td.write("main.yaml",
                                    "include: models/base.yaml\n"
                                    "name: main\n"
                                    "duration: 10m\n"
                                    "load:\n"
                                    "  start_rate: 500/s\n"
                                    "  stages: []\n");
  const core::Scenario s = load_file(main);
  EXPECT_EQ(s.name, "main");
  EXPECT_EQ(s.duration_s, 600.0);
  EXPECT_EQ(s.nodes.size(), 4u);
  EXPECT_EQ(s.load.start_rate_per_s, 500.0);                  // the including file wins
  EXPECT_EQ(s.load.arrival, core::ArrivalProcess::kUniform);  // kept from the included mapping
  EXPECT_TRUE(s.load.stages.empty());                         // a list replaces, never appends
  EXPECT_EQ(s.load.spikes.size(), 1u);
}

TEST(Include, InsideAListItem) {
  TempDir td;
  td.write("gw.yaml",
           "id: gw\nrole: gateway\nsite: east\nworkers: 64\nnext: [acq]\n"
           "service_time: {dist: constant, value: 1ms}\n");
  std::string text = kReference;
  const std::size_t from = text.find("  - id: gw");
  text.replace(from, text.find("  - id: acq") - from, "  - {include: gw.yaml, workers: 8}\n");
  const core::Scenario s = load_string(text, td.path("main.yaml"));
  EXPECT_EQ(s.nodes[0].id, "gw");
  EXPECT_EQ(s.nodes[0].workers, 8);
  EXPECT_EQ(s.nodes[0].service_time.value, 0.001);
}

TEST(Include, AListOfFilesMergesInOrder) {
  TempDir td;
  td.write("body.yaml", reference_body());
  td.write("fast.yaml", "seed: 5\nload: {start_rate: 10/s}\n");
  td.write("faster.yaml", "load: {start_rate: 20/s}\n");
  const core::Scenario s = load_string(
      "name: x\nduration: 1m\ninclude: [body.yaml, fast.yaml, faster.yaml]\n", td.path("m.yaml"));
  EXPECT_EQ(s.seed, 5u);
  EXPECT_EQ(s.load.start_rate_per_s, 20.0);  // a later file wins over an earlier one
  EXPECT_EQ(s.load.spikes.size(), 1u);
}

TEST(Include, PathsAreRelativeToTheIncludingFile) {
  TempDir td;
  td.write("common/sites.yaml", "sites:\n  - {id: east}\n  - {id: west}\n");
  std::string body = reference_body();
  body.erase(0, body.find("links:"));
  td.write("models/net.yaml", "include: ../common/sites.yaml\n" + body);
  const core::Scenario s =
      load_file(td.write("main.yaml", "name: x\nduration: 1m\ninclude: models/net.yaml\n"));
  ASSERT_EQ(s.sites.size(), 2u);
  EXPECT_EQ(s.sites[1].id, "west");
}

TEST(Include, LoadStringResolvesAgainstTheNamedFilesDirectory) {
  TempDir td;
  td.write("part.yaml", reference_body());
  const core::Scenario s =
      load_string("name: x\nduration: 1m\ninclude: part.yaml\n", td.path("virtual.yaml"));
  EXPECT_EQ(s.nodes.size(), 4u);
}

TEST(Include, ErrorIsLocatedInTheIncludedFile) {
  TempDir td;
  std::string body = reference_body();
  body.replace(body.find("workers: 64"), 11, "workers: 0");
  const std::string part = td.write("models/part.yaml", body);
  const std::string main =
      td.write("main.yaml", "name: x\nduration: 1m\ninclude: models/part.yaml\n");
  EXPECT_EQ(file_errors(main),
            Errors{part + ":14:14: nodes.gw.workers: expected a count >= 1, got '0'"});
}

TEST(Include, MissingFile) {
  TempDir td;
  const std::string main = td.write("main.yaml", kReference + "include: nope.yaml\n");
  EXPECT_EQ(file_errors(main), Errors{main + ":55:10: include: expected a readable file, got '" +
                                      td.path("nope.yaml") + "' (no such file)"});
  const std::string nested =
      td.write("nested.yaml", testing::reference_with("load:\n", "load:\n  include: nope.yaml\n"));
  EXPECT_EQ(file_errors(nested), Errors{nested +
                                        ":51:12: load.include: expected a readable file, "
                                        "got '" +
                                        td.path("nope.yaml") + "' (no such file)"});
}

TEST(Include, Cycle) {
  TempDir td;
  const std::string a = td.write("a.yaml", kReference + "include: b.yaml\n");
  const std::string b = td.write("b.yaml", "include: a.yaml\n");
  EXPECT_EQ(file_errors(a), Errors{b + ":1:10: include: expected no include cycle, got " + a +
                                   " -> " + b + " -> " + a});
}

TEST(Include, IncludedFileMustBeAMappingOfValidYaml) {
  TempDir td;
  const std::string list = td.write("list.yaml", "- a\n");
  EXPECT_EQ(file_errors(td.write("m1.yaml", kReference + "include: list.yaml\n")),
            Errors{list + ":1:1: include: expected a mapping in the included file, got a list"});
  const std::string bad = td.write("bad.yaml", "seed: 3\nsites: [east\n");
  EXPECT_EQ(file_errors(td.write("m2.yaml", kReference + "include: bad.yaml\n")),
            Errors{bad + ":3:1: invalid YAML: end of sequence flow not found"});
}

// The first diagnostic about `include`, or "".
std::string include_error(const std::string& main) {
  for (const auto& e : file_errors(main))
    if (e.find(" include: ") != std::string::npos) return e;
  return "";
}

TEST(Include, OnlyFilesInsideTheScenariosFolderOrModels) {
  TempDir td;
  td.write("repo/models/net.yaml", reference_body());
  td.write("outside.yaml", reference_body());
  // The repository's models/ folder (the nearest folder above with one) is allowed.
  EXPECT_EQ(load_file(td.write("repo/scenarios/a.yaml",
                               "name: x\nduration: 1m\ninclude: ../models/net.yaml\n"))
                .nodes.size(),
            4u);
  const std::string roots = "expected a file inside " + td.path("repo/scenarios") + " or " +
                            td.path("repo/models") + ", got '";
  const std::string escape =
      td.write("repo/scenarios/b.yaml", "name: x\nduration: 1m\ninclude: ../../outside.yaml\n");
  EXPECT_EQ(include_error(escape),
            escape + ":3:10: include: " + roots + td.path("outside.yaml") + "'");
  const std::string absolute =
      td.write("repo/scenarios/c.yaml", "name: x\nduration: 1m\ninclude: /etc/passwd\n");
  EXPECT_EQ(include_error(absolute), absolute + ":3:10: include: " + roots + "/etc/passwd'");
  // A symlink inside the folder that leads outside it is judged by where it leads.
  std::filesystem::create_symlink(td.path("outside.yaml"), td.path("repo/scenarios/link.yaml"));
  const std::string link =
      td.write("repo/scenarios/d.yaml", "name: x\nduration: 1m\ninclude: link.yaml\n");
  EXPECT_EQ(include_error(link), link + ":3:10: include: " + roots +
                                     td.path("repo/scenarios/link.yaml") + "' (which is " +
                                     td.path("outside.yaml") + ")");
}

TEST(Include, OnlyRegularFilesOfBoundedSize) {
  TempDir td;
  td.write("dir/x.yaml", "seed: 1\n");
  const std::string dir = td.write("a.yaml", kReference + "include: dir\n");
  EXPECT_EQ(include_error(dir), dir + ":55:10: include: expected a regular file, got '" +
                                    td.path("dir") + "' (a directory, not a file)");
  ASSERT_EQ(::mkfifo(td.path("fifo.yaml").c_str(), 0600), 0);
  const std::string fifo = td.write("b.yaml", kReference + "include: fifo.yaml\n");
  EXPECT_EQ(include_error(fifo), fifo + ":55:10: include: expected a regular file, got '" +
                                     td.path("fifo.yaml") + "' (a FIFO, not a regular file)");
  td.write("huge.yaml", "# " + std::string(kMaxFileBytes, 'x') + "\n");
  const std::string huge = td.write("c.yaml", kReference + "include: huge.yaml\n");
  EXPECT_EQ(include_error(huge), huge + ":55:10: include: expected a readable file, got '" +
                                     td.path("huge.yaml") +
                                     "' (larger than 1048576 bytes, the limit for a scenario "
                                     "file)");
}

TEST(Include, TheTopFileIsBoundedToo) {
  EXPECT_EQ(file_errors("/proc/self/environ"),
            Errors{"/proc/self/environ: cannot read the scenario: a file of the kernel (/proc, "
                   "/sys), not a scenario"});
  EXPECT_EQ(file_errors("/dev/zero"),
            Errors{"/dev/zero: cannot read the scenario: a device, not a file"});
}

}  // namespace
}  // namespace payquake::scenario
