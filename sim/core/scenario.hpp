// The validated scenario: a plain value with every unit resolved and every default
// filled in. sim/scenario builds it from YAML; everything downstream reads only this.
// Times are seconds, rates per second, money in minor units (cents).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/distribution.hpp"
#include "core/money.hpp"

namespace payquake::core {

struct Site {
  std::string id;
  double internal_latency_s = 0.0005;  // DESIGN.md section 4 default: 0.5 ms
};

struct SiteLink {
  std::string a;  // site ids
  std::string b;
  double latency_s = 0.0;
  double bandwidth_bps = 10e9;  // bits per second; default 10 Gbps
};

enum class Role { kGateway, kAcquirer, kNetwork, kIssuer };
enum class IoMode { kAsync, kBlocking };
enum class Routing { kFailover, kRoundRobin, kLeastOutstanding, kByBin };

const char* to_string(Role r);
const char* to_string(IoMode m);
const char* to_string(Routing r);

struct Node {
  std::string id;
  Role role = Role::kGateway;
  std::string site;
  int replicas = 1;
  int workers = 1;
  // Waiting room per replica; beyond it a request is rejected with code 96.
  // kUnlimitedQueue means no limit (queueing-theory validation needs it).
  std::int64_t queue = 1000;
  IoMode io = IoMode::kAsync;
  Distribution service_time = Distribution::constant(0.0);
  std::vector<std::string> next;  // downstream node ids (a network may leave it empty: all issuers)
  Routing routing = Routing::kFailover;  // networks default to kByBin
  double timeout_s = 10.0;               // per attempt to the next hop
  std::vector<std::string> bins;         // issuers only: BIN prefixes served
};

inline constexpr std::int64_t kUnlimitedQueue = -1;

struct Payers {
  std::string id;
  double share = 1.0;  // fraction of the total arrival rate, in (0, 1]
  std::int64_t cards = 1;
  Distribution activity = Distribution::zipf(0.0);  // zipf s=0 is uniform over cards
  std::vector<std::pair<std::string, double>> issuers;  // issuer id, fraction of cards (sums to 1)
  std::string entry;                                    // the gateway this population uses
  Distribution amount = Distribution::constant(10.0);   // major units, rounded to cents
};

enum class ArrivalProcess { kPoisson, kUniform };
const char* to_string(ArrivalProcess a);

struct Stage {
  double duration_s = 0.0;
  double target_per_s = 0.0;
};

struct Spike {
  double at_s = 0.0;
  double duration_s = 0.0;
  double multiplier = 1.0;
};

struct Load {
  ArrivalProcess arrival = ArrivalProcess::kPoisson;
  double start_rate_per_s = 0.0;
  // Piecewise linear from start_rate through each stage's target; after the last stage
  // the rate holds at the last target until the scenario's duration.
  std::vector<Stage> stages;
  std::vector<Spike> spikes;  // multiply the rate inside [at, at + duration)
};

struct Scenario {
  std::string name;
  std::string source_file;  // the top-level YAML file, for messages
  std::uint64_t seed = 1;
  double duration_s = 60.0;
  double warmup_s = 0.0;
  double window_s = 1.0;  // time-series and SLO window
  std::vector<Site> sites;
  std::vector<SiteLink> links;
  std::vector<Node> nodes;
  std::vector<Payers> payers;
  Load load;

  const Node* find_node(const std::string& id) const;
  const Site* find_site(const std::string& id) const;
};

}  // namespace payquake::core
