#include "scenario/estimate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace payquake::scenario {
namespace {

// Bytes per unit, read from the code that allocates them (and measured where noted).
// A time-series window: metrics::WindowRow (392 bytes with its latency histogram, a few
// (outcome, code) counts on the heap, and two vectors of a double per node) and its row of
// timeseries.csv, held twice while written (~8 bytes a cell). metrics.om is streamed and
// report.html holds at most 5,000 points a series, so neither grows with the windows.
constexpr double kWindowBytes = 392 + 64 + 32;
constexpr double kWindowBytesPerNode = 16;
constexpr double kCsvBytesPerCell = 2 * 8;
constexpr double kFixedColumns = 11;  // time, arrivals, ... in_doubt
// An SLO window: metrics::SloWindow, in a vector that may hold twice its size.
constexpr double kSloWindowBytes = 2 * 56;
// SimGrid routes every pair of hosts of a site's full zone: measured 410 MB more for
// 2,000 replicas on one site than for one (~100 bytes a pair).
constexpr double kBytesPerHostPair = 100;
// Node x node tables: the platform's latencies and route states, the flow's partitions,
// route cuts, open pairs and pair latencies (8 + 1 + 1 + 4 + 1 + 1 + 8 bytes).
constexpr double kBytesPerNodePair = 24;
// An account in an unordered_map: 24 bytes of key and balances, a node and a bucket.
constexpr double kBytesPerAccount = 64;
// A nonce held by a signing gateway: a 16-byte nonce and its expiry in a hash set node and
// bucket, and its place in the expiry queue.
constexpr double kBytesPerNonce = 64;

// The arrivals of `load` over [0, duration): the piecewise linear rate integrated, and
// each spike adding (multiplier - 1) x the peak rate over its overlap with the run.
double expected_payments(const core::Load& load, double duration_s) {
  double t = 0;
  double rate = load.start_rate_per_s;
  double peak = rate;
  double total = 0;
  for (const auto& stage : load.stages) {
    if (t >= duration_s) break;
    const double d = std::min(stage.duration_s, duration_s - t);
    const double end_rate = stage.duration_s > 0
                                ? rate + (stage.target_per_s - rate) * (d / stage.duration_s)
                                : stage.target_per_s;  // a jump
    total += (rate + end_rate) / 2 * d;
    peak = std::max({peak, end_rate});
    t += stage.duration_s;
    rate = stage.target_per_s;
  }
  if (t < duration_s) total += rate * (duration_s - t);
  for (const auto& spike : load.spikes) {
    const double overlap = std::min(spike.duration_s, std::max(0.0, duration_s - spike.at_s));
    if (spike.multiplier > 1) total += (spike.multiplier - 1) * peak * overlap;
  }
  return total;
}

}  // namespace

// A high quantile (~p99) of `d`: how long one draw of a service time may take.
double high(const core::Distribution& d) {
  using K = core::Distribution::Kind;
  switch (d.kind) {
    case K::kConstant:
      return d.value;
    case K::kExponential:
      return 4.6 * d.mean;  // -ln(0.01)
    case K::kLognormal:
      return std::exp(d.mu + 2.33 * d.sigma);
    case K::kUniform:
      return d.max;
    case K::kNormal:
      return d.mean + 2.33 * d.stddev;
    case K::kZipf:
      return 0;
  }
  return 0;
}

// How long work may go on after the last arrival: the run drains it, and the time series
// and SLO windows cover the drain too. A generous bound from the settings that keep a
// payment's work alive: the client's presses, each hop's attempts and backoffs, reversals
// and stand-in advices resent at the reversal backoff (payments/flow_internal.hpp
// kMaxAdviceSends), service times slowed down by faults, and latency added by faults.
double drain_s(const core::Scenario& s) {
  constexpr double kAdviceSends = core::kMaxAdviceSends;
  double client = 0;
  for (const auto& p : s.payers) {
    client = std::max(client,
                      (p.client.timeout_s + high(p.client.retry_delay)) * (p.client.retries + 1));
  }
  double slowdown = 1;
  double added = 0;
  for (const auto& f : s.faults) {
    if (f.kind == core::Fault::Kind::kSlowdown) slowdown = std::max(slowdown, f.factor);
    if (f.kind == core::Fault::Kind::kCrash) slowdown = std::max(slowdown, f.restart_slowdown);
    added = std::max(added, f.add_s + f.jitter_s);
  }
  double hops = 0;
  for (const auto& n : s.nodes) {
    const double service = high(n.service_time) * slowdown + added;
    const double backoff =
        n.retry.backoff_s * std::pow(std::max(1.0, n.retry.multiplier), n.retry.attempts - 1);
    const double attempts = (n.timeout_s + backoff) * n.retry.attempts;
    const double reversals =
        n.reversal.backoff_s * std::max<double>(n.reversal.attempts, kAdviceSends);
    hops += std::max({service, attempts, reversals});
  }
  // The run never drains longer than its drain limit: whatever is open then is cut.
  const double bound = client + hops;
  return s.drain_limit_s > 0 ? std::min(bound, s.drain_limit_s) : bound;
}

std::string format_count(double v) {
  if (!std::isfinite(v)) return "over 1e308";
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 1e6 ? "%.0f" : "%.2g", v);
  std::string out = buf;
  // "1.8e+09" reads better as "1.8e9".
  if (const auto e = out.find("e+"); e != std::string::npos) {
    std::size_t digits = e + 2;
    while (digits + 1 < out.size() && out[digits] == '0') ++digits;
    out = out.substr(0, e + 1) + out.substr(digits);
  }
  return out;
}

std::string format_bytes(double bytes) {
  static constexpr const char* kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (!std::isfinite(bytes)) return "over 1e308 bytes";
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3g %s", bytes, kUnits[unit]);
  return buf;
}

RunCost estimate_run(const core::Scenario& s) {
  RunCost cost;
  using Driver = CostItem::Driver;
  const double nodes = static_cast<double>(s.nodes.size());

  // The run covers the duration and then drains: the windows cover both.
  const double drain = drain_s(s);
  const double run = s.duration_s + drain;
  const std::string over = drain < 0.01 * s.duration_s
                               ? "duration"
                               : "(duration + up to " + format_count(drain) + " s of drain)";
  const double windows = std::ceil(run / s.window_s) + 1;
  const double columns = kFixedColumns + 2 * nodes;
  cost.items.push_back(
      {Driver::kWindows, 0,
       windows * (kWindowBytes + kWindowBytesPerNode * nodes + kCsvBytesPerCell * columns),
       over + " / window = " + format_count(windows) + " windows x " + format_count(columns) +
           " columns"});
  const double slo_windows = std::ceil(run / s.slo.window_s) + 1;
  cost.items.push_back({Driver::kSloWindows, 0, slo_windows * kSloWindowBytes,
                        over + " / slo.window = " + format_count(slo_windows) + " SLO windows"});

  for (std::size_t i = 0; i < s.sites.size(); ++i) {
    double hosts = 0;
    for (const auto& n : s.nodes)
      if (n.site == s.sites[i].id) hosts += n.replicas;
    cost.items.push_back({Driver::kSiteHosts, i, hosts * hosts * kBytesPerHostPair,
                          "routes between every two of the " + format_count(hosts) +
                              " replicas on site '" + s.sites[i].id + "'"});
  }
  cost.items.push_back({Driver::kNodePairs, 0, nodes * nodes * kBytesPerNodePair,
                        "tables of every pair of the " + format_count(nodes) + " nodes"});

  cost.payments = 0;
  for (const auto& p : s.payers)
    cost.payments += p.share * expected_payments(p.load ? *p.load : s.load, s.duration_s);
  const double legitimate = cost.payments;
  for (const auto& a : s.attacks) {
    const double inside = std::min(a.duration_s, std::max(0.0, s.duration_s - a.at_s));
    cost.attack_payments.push_back(a.rate_per_s * inside);
    cost.payments += cost.attack_payments.back();
  }
  // A gateway holds at most nonce_capacity nonces, and never more than requests arrive.
  for (std::size_t i = 0; i < s.nodes.size(); ++i) {
    const core::Node& n = s.nodes[i];
    if (!n.signing.enabled) continue;
    const double held = std::min(static_cast<double>(n.signing.nonce_capacity), cost.payments);
    cost.items.push_back({Driver::kNonces, i, held * kBytesPerNonce,
                          "nonce store of '" + n.id + "', up to " + format_count(held) +
                              " nonces"});
  }
  double cards = 0;
  std::size_t most = 0;
  std::int64_t most_cards = 0;
  for (std::size_t p = 0; p < s.payers.size(); ++p) {
    bool accounts = false;
    for (const auto& [issuer, share] : s.payers[p].issuers)
      if (const core::Node* n = s.find_node(issuer)) accounts = accounts || n->accounts.enabled;
    if (!accounts) continue;
    cards += static_cast<double>(s.payers[p].cards);
    if (s.payers[p].cards > most_cards) {
      most_cards = s.payers[p].cards;
      most = p;
    }
  }
  const double accounts = std::min(cards, legitimate);
  cost.items.push_back({Driver::kAccounts, most, accounts * kBytesPerAccount,
                        "accounts of up to " + format_count(accounts) +
                            " cards (one is opened when a card first pays)"});

  std::sort(cost.items.begin(), cost.items.end(),
            [](const CostItem& a, const CostItem& b) { return a.bytes > b.bytes; });
  for (const auto& item : cost.items) cost.bytes += item.bytes;
  return cost;
}

}  // namespace payquake::scenario
