// include: merging (the including file wins, mappings deeply, lists replaced), paths
// relative to the including file, and errors located in the file that has them.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace payquake::scenario
