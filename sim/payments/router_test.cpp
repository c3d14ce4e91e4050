// payments::Router on its own: each policy's choice of next hop and of replica, what the
// health checks and ejections exclude, and fail-fast when nothing is left.
#include "payments/router.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace payquake::payments {
namespace {

using core::Routing;

struct FakeStation {
  bool up = true;
  std::uint32_t outstanding = 0;
};

// Node 0: a sender with next hops 1 and 2 under `policy`; nodes 1 and 2 have `replicas`
// replicas each (station 0 is node 0's; node 1's start at 1, node 2's follow); node 2 also
// owns BIN 0, node 1 BIN 1.
struct Fixture {
  explicit Fixture(Routing policy, std::uint32_t replicas = 2)
      : stations(1 + 2 * replicas),
        router(
            {Router::Node{policy, {1, 2}, 0, 1}, Router::Node{Routing::kFailover, {}, 1, replicas},
             Router::Node{Routing::kFailover, {}, 1 + replicas, replicas}},
            {2, 1}, 1 + 2 * replicas) {}
  std::uint32_t next() { return router.next_node(0, 0, stations); }
  std::uint32_t replica(std::uint32_t node, Routing routing) {
    return router.replica(0, node, routing, stations);
  }
  // Node 0's health checks believe station s dead (or alive again).
  void believe(std::uint32_t s, bool alive) {
    router.set_alive(router.watch_index(0, s), alive);
    router.set_usable(router.watch_index(0, s), alive);
  }
  std::vector<FakeStation> stations;
  Router router;
};

TEST(Router, FailoverTakesTheFirstNextHopThatAnswers) {
  Fixture f(Routing::kFailover);
  EXPECT_EQ(f.next(), 1u);
  EXPECT_EQ(f.next(), 1u);
  f.believe(1, false);  // one replica of node 1 dead: node 1 still answers
  EXPECT_EQ(f.next(), 1u);
  f.believe(2, false);
  EXPECT_EQ(f.next(), 2u);
  f.believe(1, true);
  EXPECT_EQ(f.next(), 1u);  // back to the first as soon as it answers again
}

TEST(Router, RoundRobinAlternatesAndSkipsADeadNextHop) {
  Fixture f(Routing::kRoundRobin);
  EXPECT_EQ(f.next(), 1u);
  EXPECT_EQ(f.next(), 2u);
  EXPECT_EQ(f.next(), 1u);
  f.believe(3, false);
  f.believe(4, false);  // node 2 has no replica left
  EXPECT_EQ(f.next(), 1u);
  EXPECT_EQ(f.next(), 1u);
}

TEST(Router, LeastOutstandingPicksTheLeastLoadedNextHopAndReplica) {
  Fixture f(Routing::kLeastOutstanding);
  f.stations[1].outstanding = 3;  // node 1: 3 + 0
  f.stations[3].outstanding = 1;  // node 2: 1 + 1
  f.stations[4].outstanding = 1;
  EXPECT_EQ(f.next(), 2u);
  f.stations[4].outstanding = 2;
  EXPECT_EQ(f.next(), 1u);  // 3 against 3: the first wins ties
  EXPECT_EQ(f.replica(1, Routing::kLeastOutstanding), 2u);
  EXPECT_EQ(f.replica(2, Routing::kLeastOutstanding), 3u);
}

TEST(Router, ByBinGoesToTheCardsIssuer) {
  Fixture f(Routing::kByBin);
  EXPECT_EQ(f.router.next_node(0, 0, f.stations), 2u);
  EXPECT_EQ(f.router.next_node(0, 1, f.stations), 1u);
  f.believe(3, false);
  f.believe(4, false);
  EXPECT_EQ(f.router.next_node(0, 0, f.stations), Router::kNone);  // no other issuer has the BIN
}

TEST(Router, FailsFastWhenNoNextHopIsLeft) {
  for (const Routing policy :
       {Routing::kFailover, Routing::kRoundRobin, Routing::kLeastOutstanding}) {
    Fixture f(policy);
    for (std::uint32_t s = 1; s <= 4; ++s) f.believe(s, false);
    EXPECT_EQ(f.next(), Router::kNone) << core::to_string(policy);
  }
}

TEST(Router, RoundRobinOverReplicasSkipsDownAndEjectedOnes) {
  Fixture f(Routing::kRoundRobin, 3);  // node 1: stations 1, 2, 3
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 1u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 2u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 3u);
  f.router.set_usable(f.router.watch_index(0, 2), false);  // ejected, still alive
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 1u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 3u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 1u);
}

TEST(Router, PanicRoutingWhenEveryReplicaIsEjected) {
  Fixture f(Routing::kRoundRobin);
  f.router.set_usable(f.router.watch_index(0, 1), false);
  f.router.set_usable(f.router.watch_index(0, 2), false);
  // Ejections never empty the pool: both alive replicas are used again.
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 1u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 2u);
  // Believed dead by the checks: the ones that are up are tried.
  f.believe(1, false);
  f.believe(2, false);
  f.stations[1].up = false;
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 2u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 2u);
}

TEST(Router, ThePayerSeesWhichReplicasAreUpAndIgnoresHealthBeliefs) {
  Fixture f(Routing::kRoundRobin);
  f.believe(1, false);  // node 0's belief does not apply to the payer
  EXPECT_EQ(f.router.replica(Router::kPayer, 1, Routing::kRoundRobin, f.stations), 1u);
  f.stations[2].up = false;
  EXPECT_EQ(f.router.replica(Router::kPayer, 1, Routing::kRoundRobin, f.stations), 1u);
  EXPECT_EQ(f.router.replica(Router::kPayer, 1, Routing::kRoundRobin, f.stations), 1u);
}

TEST(Router, WithEveryReplicaDownOneIsChosenAnyway) {
  Fixture f(Routing::kRoundRobin);
  f.stations[1].up = f.stations[2].up = false;
  f.believe(1, false);
  f.believe(2, false);
  // Its request is lost; the requester's timeout tells. Round robin still rotates.
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 1u);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 2u);
  EXPECT_EQ(f.replica(1, Routing::kLeastOutstanding), 1u);
}

TEST(Router, ASingleReplicaIsAlwaysChosen) {
  Fixture f(Routing::kRoundRobin, 1);
  f.stations[1].up = false;
  f.believe(1, false);
  EXPECT_EQ(f.replica(1, Routing::kRoundRobin), 1u);
}

}  // namespace
}  // namespace payquake::payments
