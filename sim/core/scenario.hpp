// The validated scenario: a plain value with every unit resolved and every default
// filled in. sim/scenario builds it from YAML; everything downstream reads only this.
// Times are seconds, rates per second, money in minor units (cents).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/distribution.hpp"
#include "core/fraud_policy.hpp"
#include "core/money.hpp"
#include "core/payment.hpp"

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

enum class Jitter { kNone, kFull, kEqual };
const char* to_string(Jitter j);

// A hop's retry of a request to its next hop, after a timeout or a retriable code
// (91, 96). `attempts` counts every send, the first included: 1 means no retry.
// The k-th retry waits backoff * multiplier^(k-1), jittered: full = uniform in
// [0, delay], equal = delay/2 + uniform in [0, delay/2], none = delay.
struct RetryPolicy {
  int attempts = 1;
  double backoff_s = 0.2;
  double multiplier = 2.0;
  Jitter jitter = Jitter::kFull;
  // A retry budget (Finagle, Envoy, gRPC retry throttling): retries may be at most this
  // fraction of first requests. Each first request earns `budget` of a token, each retry
  // spends one, and the bucket holds at most kRetryBudgetTokens. Negative: no budget.
  double budget = -1.0;
};
inline constexpr double kRetryBudgetTokens = 10.0;

// A reversal (ISO 8583 0400) sent toward the issuer for an attempt that timed out, so
// the issuer releases a hold it may have placed. `attempts` counts every send.
struct ReversalPolicy {
  bool on_timeout = false;
  int attempts = 3;
  double backoff_s = 1.0;
};

enum class StoreFailure { kFailClosed, kFailOpen };
enum class ConcurrentKey { kConflict, kWait };
const char* to_string(StoreFailure f);
const char* to_string(ConcurrentKey c);

// The gateway's idempotency-key store (the Stripe design): the first definitive result
// of a key is stored and replayed to later requests with the same key until `ttl_s`.
struct Idempotency {
  bool enabled = false;
  double ttl_s = 86400.0;  // 24 h
  // A request whose key is still in flight: answered at once with a conflict (code 96,
  // nothing charged), or held until the first request's result is known.
  ConcurrentKey concurrent = ConcurrentKey::kConflict;
  // While the store is unavailable: reject (96) or process without the key check.
  StoreFailure on_store_failure = StoreFailure::kFailClosed;
};

// The network's stand-in processing (STIP): when the issuer does not answer in time, the
// network approves up to `max_amount` (declines 05 above it) and sends the issuer a 0120
// advice.
struct StandIn {
  bool enabled = false;
  Money max_amount{20000};
};

// How an approved authorization's hold ends (Visa/Mastercard card-not-present practice):
// the merchant captures most of them within hours to a day or two (the held amount is
// settled: spent); the rest are never captured and expire, and the cardholder gets the
// amount back. A reversal before then releases the hold at once.
struct Capture {
  double share = 0.95;  // of approved authorizations, captured by the merchant
  // From approval to capture, seconds: median 6 h, p99 2 days (capture at shipment or at
  // the end-of-day batch).
  Distribution after = Distribution::lognormal_from_median_p99(6.0 * 3600.0, 48.0 * 3600.0);
};

// The issuer's cardholder accounts. Without `balance`, funds are unlimited. An account
// exists from its card's first authorization at the issuer, opened with a balance drawn
// from (seed, issuer, card): cards that never pay cost nothing.
struct Accounts {
  bool enabled = false;
  Distribution balance = Distribution::constant(1000.0);  // major units, per card
  Capture capture;
  double hold_expiry_s = 7.0 * 86400.0;  // an uncaptured hold is released after this
};

// How a node learns that a replica of a next hop is gone (DESIGN.md section 2, "How
// failures are noticed"). kProbe: active health checks, one probe per `interval_s` to every
// replica of every next hop; a probe fails when the replica is down, the route to it is
// cut, or the probe (or its answer) is lost or would come back later than `timeout_s`.
// After `unhealthy_after` consecutive failures the replica is unhealthy, after
// `healthy_after` consecutive passes healthy again. kOracle: the router knows the
// platform's state at once (payquake before detection was modelled; a what-if baseline).
// Defaults: the DESIGN.md section 4 example, which is the shape of Envoy's documented
// examples (interval 5 s, timeout 1 s, 2-3 failures to mark unhealthy, 2 passes to return).
enum class Detection { kProbe, kOracle };
const char* to_string(Detection d);
struct HealthCheck {
  Detection mode = Detection::kProbe;
  double interval_s = 5.0;
  double timeout_s = 1.0;
  int unhealthy_after = 3;
  int healthy_after = 2;
};

// Passive outlier detection per replica of a next hop, as Envoy's consecutive_5xx: after
// `consecutive_errors` answers in a row that are 91/96 or timeouts, the replica is ejected
// for base_ejection x (its ejections so far), at most kMaxEjectionS; it returns at the
// first `interval_s` sweep after that. At most `max_ejected` of a next hop's replicas are
// out at once, and at least one may be (Envoy). Defaults are Envoy's: 5, 10 s, 30 s, 10%.
struct OutlierDetection {
  bool enabled = true;  // off by default under health_check mode oracle
  int consecutive_errors = 5;
  double interval_s = 10.0;
  double base_ejection_s = 30.0;
  double max_ejected = 0.10;
};
// Envoy's max_ejection_time default: an ejection never lasts longer than this (or than
// base_ejection, when that is longer).
inline constexpr double kMaxEjectionS = 300.0;

// The gateway's request signing (issue 10, the replay attack): every request carries a
// signature over its body, a timestamp and a nonce. The gateway refuses (code 30) a request
// whose timestamp is older than `window_s` or whose nonce its nonce store already holds.
// The store keeps each nonce for `window_s` (an older request fails the timestamp check
// anyway) and at most `nonce_capacity` of them: beyond that the oldest are forgotten, and
// a replay of a forgotten nonce still inside the window gets through. While the store is
// unavailable (fault store_outage on `<gateway>.nonces`) the gateway refuses every signed
// request (fail_closed) or checks only the timestamp (fail_open).
struct Signing {
  bool enabled = false;
  double window_s = 300.0;                // 5 minutes
  std::int64_t nonce_capacity = 10'000'000;
  StoreFailure on_store_failure = StoreFailure::kFailClosed;
};

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
  RetryPolicy retry;                     // gateway, acquirer, network
  ReversalPolicy reversal;               // gateway, acquirer, network
  Idempotency idempotency;               // gateway only
  StandIn stand_in;                      // network only
  Accounts accounts;                     // issuer only
  HealthCheck health_check;              // gateway, acquirer, network
  OutlierDetection outlier_detection;    // gateway, acquirer, network
  // A fraud policy run on every authorization this node serves (`fraud:`, a
  // models/fraud/*.yaml file or inline): gateways and issuers only.
  std::optional<FraudPolicy> fraud;
  Signing signing;                       // gateway only
};

inline constexpr std::int64_t kUnlimitedQueue = -1;

// The most nodes a request may pass from the entry gateway to the issuer (the ledger
// keeps the path of each charge in a fixed array of this many entries). Four-party
// flows use four.
inline constexpr int kMaxPathNodes = 8;

enum class KeyPolicy { kReuse, kNew, kNone };
const char* to_string(KeyPolicy k);

// The payer's side of checkout: how long a customer waits, and whether and how they
// press pay again.
struct Client {
  double timeout_s = 30.0;
  int retries = 0;  // presses of "pay" after the first, on a timeout or an error
  Distribution retry_delay = Distribution::uniform(1.0, 5.0);  // seconds
  // reuse: a retry carries the first request's key; new: a fresh key per press; none: no key.
  KeyPolicy idempotency_key = KeyPolicy::kReuse;
  double double_submit = 0.0;  // probability of an accidental second submit
  // How soon after the first the accidental second submit leaves.
  Distribution double_submit_delay = Distribution::uniform(0.05, 0.5);
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

struct Payers {
  std::string id;
  double share = 1.0;  // fraction of the total arrival rate, in (0, 1]
  std::int64_t cards = 1;
  Distribution activity = Distribution::zipf(0.0);  // zipf s=0 is uniform over cards
  std::vector<std::pair<std::string, double>> issuers;  // issuer id, fraction of cards (sums to 1)
  std::string entry;                                    // the gateway this population uses
  Distribution amount = Distribution::constant(10.0);   // major units, rounded to cents
  Client client;
  // The population's own load shape (`payers[].load`), multiplied by `share` like the
  // scenario's; empty: the scenario's `load`.
  std::optional<Load> load;
  // Where it shops: merchant ids 1..merchants (shared by every population), by Zipf(1)
  // popularity. Each card pays from its own device, and sometimes (`second_device`) from a
  // second one.
  std::int64_t merchants = 1000;
  double second_device = 0.2;
  // The share of its payments that are fraud (a stolen card used by someone else: the
  // same amounts and merchants, a device the card never used). Empty: Fraud::base_rate.
  std::optional<double> fraud_rate;
};

// An attack on the timeline (`attacks:`): payments sent to gateway `entry` from `at_s` for
// `duration_s` at `rate_per_s`, every one labelled with the attack (ground truth), drawn
// from the attack's own streams and keys so that adding an attack changes no legitimate
// payment's draws.
struct Attack {
  enum class Kind { kCardTesting, kBinAttack, kAccountTakeover, kFlood, kReplay };
  Kind kind = Kind::kCardTesting;
  std::string id;     // as written, or "<kind>-<n>" (n from 1, in file order)
  std::string entry;  // a gateway
  double at_s = 0.0;
  double duration_s = 0.0;
  double rate_per_s = 0.0;
  Distribution amount = Distribution::uniform(0.5, 2.0);  // major units
  // card_testing, account_takeover: whose cards (a population id; default: the first).
  // bin_attack: whose BIN range is enumerated is `issuer`'s.
  std::string payers;
  std::string issuer;          // bin_attack: an issuer id (default: the first issuer)
  std::int64_t cards = 10000;  // card_testing: stolen card numbers on the bot's list
  double valid = 0.02;         // bin_attack: share of enumerated numbers that exist
  std::int64_t devices = 20;   // card_testing, bin_attack: the bots' devices
  // card_testing: a card that declines is dropped; one that approves is tried up to
  // `tries_per_card` times (on different merchants) before the bot moves on. When more than
  // `pause_above` of its last 100 answers were declines, the bot pauses for `pause_s`.
  std::int64_t tries_per_card = 3;
  double pause_above = 0.5;
  double pause_s = 60.0;
  // replay: how far back the captured requests go (the attacker replays one of the entry
  // gateway's legitimate requests from the last `capture_s`).
  double capture_s = 600.0;
};
const char* to_string(Attack::Kind k);

// Scenario-wide fraud economics and the base rate of fraud in legitimate traffic.
// Defaults: card fraud runs at about 5 basis points of value (ECB, Nilson), mostly card
// not present; a chargeback costs the merchant about 15.00 in fees; 25% margin.
struct Fraud {
  double base_rate = 0.0005;         // share of each population's payments that are fraud
  Money chargeback_fee{1500};        // per approved fraudulent payment (it is charged back)
  double margin = 0.25;              // of a lost legitimate sale's amount
};

// A fault on the timeline (DESIGN.md section 4, `faults:`). Every fault has a kind, a
// start and a duration; the target fields used depend on the kind.
struct Fault {
  enum class Kind {
    kCrash, kPartition, kLatency, kLoss, kSlowdown, kErrors, kStoreOutage, kSiteOutage,
    kPolicyOutage,  // the fraud policy of `node` cannot reach its dependency (target "gw.fraud")
  };
  Kind kind = Kind::kCrash;
  std::string id;      // optional: names the fault for --set faults.<id>.at=...
  std::string target;  // as written: "iss-a", "iss-a[0]", "link:us-east/us-west", "gw.idempotency", a site id
  double at_s = 0.0;
  double duration_s = 0.0;

  // Resolved target. crash, slowdown, errors, store_outage, policy_outage: `node` (and `replica`, -1 for
  // all replicas). partition: `between` two sites or two nodes. latency, loss: the link
  // between sites `between` (or every link of site `site`, or, with `node` set, every
  // message to or from that node's replicas). site_outage: `site`.
  std::string node;
  int replica = -1;
  std::pair<std::string, std::string> between;
  bool between_nodes = false;  // partition between two nodes rather than two sites
  std::string site;

  double restart_warmup_s = 0.0;  // crash: service is slower for this long after restart
  double restart_slowdown = 2.0;  // ... by this factor
  double add_s = 0.0;             // latency: added one-way latency
  double jitter_s = 0.0;          // latency: plus uniform [0, jitter] per message
  double rate = 0.0;              // loss: fraction of messages lost; errors: fraction answered `code`
  double factor = 1.0;            // slowdown: service time multiplied by
  // store_outage: which store of the gateway (target "gw.idempotency" or "gw.nonces").
  enum class Store { kIdempotency, kNonces };
  Store store = Store::kIdempotency;
  ResponseCode code = ResponseCode::kSystemMalfunction;  // errors

  double end_s() const { return at_s + duration_s; }
};
const char* to_string(Fault::Kind k);

// The service level judged per window; drives detection and time to recover.
struct Slo {
  double window_s = 10.0;
  double success_rate = 0.995;  // definitive answers (approved or declined) among completions
  double latency_p99_s = 2.0;
  double stable_for_s = 30.0;
};

// One hypothesis of `expect:`: "metric op value", e.g. duplicates "== 0".
struct Expectation {
  enum class Op { kEq, kLe, kGe, kLt, kGt };
  std::string metric;  // a name (duplicates, recovery_time, success_rate, latency_p99, ...)
                       // or a dotted path into summary.json
  Op op = Op::kEq;
  double value = 0.0;  // in base units: seconds, fractions, counts, major money units
  std::string text;    // as written: "duplicates == 0"
};
const char* to_string(Expectation::Op op);

struct Scenario {
  std::string name;
  std::string source_file;  // the top-level YAML file, for messages
  std::uint64_t seed = 1;
  double duration_s = 60.0;
  double warmup_s = 0.0;
  double window_s = 1.0;  // time-series and SLO window
  // How long in-flight work may drain after the last arrival before the run is cut
  // (payments then open are reported unfinished). The loader fills it in:
  // default_drain_limit_s() unless the scenario sets `drain_limit`.
  double drain_limit_s = 0.0;
  std::vector<Site> sites;
  std::vector<SiteLink> links;
  std::vector<Node> nodes;
  std::vector<Payers> payers;
  Load load;
  std::vector<Fault> faults;
  std::vector<Attack> attacks;
  Fraud fraud;
  Slo slo;
  std::vector<Expectation> expectations;

  const Node* find_node(const std::string& id) const;
  const Site* find_site(const std::string& id) const;
};

// A stand-in advice (0120) is resent at its network's reversal backoff until the issuer
// books it, at most this many times (about four minutes at the default 1 s backoff).
inline constexpr int kMaxAdviceSends = 250;

// The default drain limit: a margin of 10 minutes plus twice the longest life a payment's
// work can have by its timeouts: the payer's presses ((retries + 1) x client timeout, plus
// the retry delays' means) and the longest hop chain (attempts x (timeout + backoff), or a
// stand-in network's advice resends, kMaxAdviceSends x backoff). A run normally drains in seconds; the limit only ends pathological drains
// (a service time of weeks) with the open payments counted.
double default_drain_limit_s(const Scenario& s);

}  // namespace payquake::core
