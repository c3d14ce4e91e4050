// What the topology and the engine would refuse is refused by the loader, located: a
// second link between two sites, a reserved site name, sites no links join, paths longer
// than the ledger records. (Issue 7 section 3: validate says what run will do.)
#include <gtest/gtest.h>

#include "scenario/loader.hpp"
#include "scenario/test_util.hpp"

namespace payquake::scenario {
namespace {

using testing::errors_of;
using testing::kReference;
using testing::numbered;
using testing::reference_with;
using Errors = std::vector<std::string>;

TEST(Graph, ASecondLinkBetweenTwoSites) {
  EXPECT_EQ(
      errors_of(reference_with("nodes:\n", "  - {between: [west, east], latency: 1ms}\nnodes:\n")),
      Errors{"t.yaml:13:15: links[1].between: expected one link between two sites, got a "
             "second between 'west' and 'east' (first at line 10)"});
}

TEST(Graph, ReservedSiteIds) {
  for (const std::string id : {"control", "payquake"}) {
    SCOPED_TRACE(id);
    std::string text = kReference;
    for (std::size_t at; (at = text.find("west")) != std::string::npos;) text.replace(at, 4, id);
    EXPECT_EQ(errors_of(text), Errors{"t.yaml:8:9: sites." + id +
                                      ".id: expected a site id other than 'control' and "
                                      "'payquake' (the engine's own zones), got '" +
                                      id + "'"});
  }
}

TEST(Graph, SitesWithNodesMustBeJoinedByLinks) {
  // No link at all: net and iss on west cannot be reached from east.
  const std::string text = reference_with(
      "links:\n  - between: [east, west]\n    latency: 35ms\n    bandwidth: 10Gbps\n", "");
  EXPECT_EQ(errors_of(text),
            (Errors{"t.yaml:28:11: nodes.net.site: expected a site joined by links to 'east' "
                    "(where node 'gw' is; every two nodes must be able to exchange messages), "
                    "got 'west' (no path of links joins the two sites)",
                    "t.yaml:34:11: nodes.iss.site: expected a site joined by links to 'east' "
                    "(where node 'gw' is; every two nodes must be able to exchange messages), "
                    "got 'west' (no path of links joins the two sites)"}));
  // An issuer nobody sends to, on a site of its own, is refused too: the engine computes
  // the route between every two nodes.
  std::string lonely = reference_with("  - id: west\n", "  - id: west\n  - id: north\n");
  lonely.insert(lonely.find("payers:"),
                "  - {id: far, role: issuer, site: north, bins: [\"4222\"], workers: 1, "
                "service_time: {dist: constant, value: 1ms}}\n");
  EXPECT_EQ(errors_of(lonely),
            Errors{"t.yaml:44:35: nodes.far.site: expected a site joined by links to 'east' "
                   "(where node 'gw' is; every two nodes must be able to exchange messages), got "
                   "'north' (no path of links joins the two sites)"});
}

TEST(Graph, APathLongerThanTheLedgerRecords) {
  // gw -> a1 -> ... -> a7 -> net -> iss passes 10 nodes; the ledger records 8.
  std::string acquirers;
  for (int i = 1; i <= 7; ++i) {
    acquirers += numbered("  - {id: a", i,
                          ", role: acquirer, site: east, workers: 1, service_time: {dist: "
                          "constant, value: 1ms}, next: [");
    acquirers += i < 7 ? numbered("a", i + 1) : std::string("net");
    acquirers += "]}\n";
  }
  std::string text = reference_with("    next: [acq]", "    next: [a1]");
  text.insert(text.find("  - id: acq\n"), acquirers);
  EXPECT_EQ(errors_of(text),
            Errors{"t.yaml:55:12: payers.shoppers.entry: expected paths from the entry through "
                   "at most 8 nodes (what the ledger records), got 10: gw -> a1 -> a2 -> a3 -> "
                   "a4 -> a5 -> a6 -> a7 -> net -> iss"});
}

}  // namespace
}  // namespace payquake::scenario
