#include "chaos/injector.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace payquake::chaos {
namespace {

using core::Fault;

int node_index(const core::Scenario& s, const std::string& id) {
  for (std::size_t i = 0; i < s.nodes.size(); ++i)
    if (s.nodes[i].id == id) return static_cast<int>(i);
  return -1;
}

// Everything the faults control, as it should be at one instant.
struct State {
  std::vector<std::vector<bool>> host_up;        // [node][replica]
  std::vector<std::vector<double>> slowdown;     // [node][replica]
  std::vector<std::vector<double>> error_rate;   // [node][replica]
  std::vector<std::vector<core::ResponseCode>> error_code;
  std::vector<bool> link_on;                     // Scenario::links
  std::vector<double> link_latency_s;
  std::vector<double> link_loss;                 // Scenario::links
  std::vector<double> link_jitter_s;
  std::map<std::pair<int, int>, double> loss;    // site pair (a < b) -> rate along its route
  std::map<std::pair<int, int>, double> jitter;  // site pair (a < b) -> seconds along its route
  std::set<std::pair<int, int>> partitions;      // node pairs (a < b)
  std::set<std::pair<int, int>> site_partitions;  // site pairs (a < b) with no direct link
  std::vector<bool> store_up;                    // per node
  std::vector<bool> nonce_store_up;              // per node (request signing)
  std::vector<bool> policy_up;                   // per node: its fraud policy's dependency
  std::vector<double> node_loss;                 // per node: messages to or from it
  std::vector<double> node_add_s;
  std::vector<double> node_jitter_s;
};

std::pair<int, int> ordered(int a, int b) { return a < b ? std::pair{a, b} : std::pair{b, a}; }

// The links a fault on "link:A/B" or "site:A" acts on.
std::vector<int> links_of(const core::Scenario& s, const Fault& f) {
  std::vector<int> out;
  for (std::size_t i = 0; i < s.links.size(); ++i) {
    const auto& l = s.links[i];
    const bool match = f.site.empty()
                           ? (l.a == f.between.first && l.b == f.between.second) ||
                                 (l.a == f.between.second && l.b == f.between.first)
                           : (l.a == f.site || l.b == f.site);
    if (match) out.push_back(static_cast<int>(i));
  }
  return out;
}

State state_at(const core::Scenario& s, const topology::Topology& topo, double t) {
  State st;
  for (const auto& n : s.nodes) {
    const auto r = static_cast<std::size_t>(n.replicas);
    st.host_up.emplace_back(r, true);
    st.slowdown.emplace_back(r, 1.0);
    st.error_rate.emplace_back(r, 0.0);
    st.error_code.emplace_back(r, core::ResponseCode::kSystemMalfunction);
  }
  st.link_on.assign(s.links.size(), true);
  st.link_loss.assign(s.links.size(), 0.0);
  st.link_jitter_s.assign(s.links.size(), 0.0);
  for (const auto& l : s.links) st.link_latency_s.push_back(l.latency_s);
  st.store_up.assign(s.nodes.size(), true);
  st.nonce_store_up.assign(s.nodes.size(), true);
  st.policy_up.assign(s.nodes.size(), true);
  st.node_loss.assign(s.nodes.size(), 0.0);
  st.node_add_s.assign(s.nodes.size(), 0.0);
  st.node_jitter_s.assign(s.nodes.size(), 0.0);

  const auto each_replica = [&](const Fault& f, auto&& fn) {
    const int n = node_index(s, f.node);
    if (n < 0) return;
    for (int r = 0; r < s.nodes[static_cast<std::size_t>(n)].replicas; ++r)
      if (f.replica < 0 || f.replica == r) fn(static_cast<std::size_t>(n), static_cast<std::size_t>(r));
  };

  for (const Fault& f : s.faults) {
    const bool active = t >= f.at_s && t < f.end_s();
    const bool warming = f.kind == Fault::Kind::kCrash && f.restart_warmup_s > 0 &&
                         t >= f.end_s() && t < f.end_s() + f.restart_warmup_s;
    if (warming)
      each_replica(f, [&](std::size_t n, std::size_t r) { st.slowdown[n][r] *= f.restart_slowdown; });
    if (!active) continue;
    switch (f.kind) {
      case Fault::Kind::kCrash:
        each_replica(f, [&](std::size_t n, std::size_t r) { st.host_up[n][r] = false; });
        break;
      case Fault::Kind::kSiteOutage:
        for (std::size_t n = 0; n < s.nodes.size(); ++n)
          if (s.nodes[n].site == f.site)
            for (auto&& up : st.host_up[n]) up = false;
        break;
      case Fault::Kind::kSlowdown:
        each_replica(f, [&](std::size_t n, std::size_t r) { st.slowdown[n][r] *= f.factor; });
        break;
      case Fault::Kind::kErrors:
        each_replica(f, [&](std::size_t n, std::size_t r) {
          // Overlapping brown-outs: a request escapes only if it escapes both.
          st.error_rate[n][r] = 1 - (1 - st.error_rate[n][r]) * (1 - f.rate);
          st.error_code[n][r] = f.code;
        });
        break;
      case Fault::Kind::kPartition:
        if (f.between_nodes) {
          st.partitions.insert(ordered(node_index(s, f.between.first), node_index(s, f.between.second)));
        } else {
          // Between sites: their direct links are cut on the platform (routes of other
          // sites through them are cut too, as a real cable cut would). Sites without a
          // link of their own lose only the traffic between the two of them.
          Fault direct = f;
          direct.site.clear();
          const auto links = links_of(s, direct);
          for (const int l : links) st.link_on[static_cast<std::size_t>(l)] = false;
          const int a = topo.site_index(f.between.first), b = topo.site_index(f.between.second);
          if (links.empty() && a >= 0 && b >= 0) st.site_partitions.insert(ordered(a, b));
        }
        break;
      case Fault::Kind::kLatency:
        if (!f.node.empty()) {
          const auto n = static_cast<std::size_t>(node_index(s, f.node));
          st.node_add_s[n] += f.add_s;
          st.node_jitter_s[n] += f.jitter_s;
          break;
        }
        for (const int l : links_of(s, f)) {
          st.link_latency_s[static_cast<std::size_t>(l)] += f.add_s;
          st.link_jitter_s[static_cast<std::size_t>(l)] += f.jitter_s;
        }
        break;
      case Fault::Kind::kLoss:
        if (!f.node.empty()) {
          double& rate = st.node_loss[static_cast<std::size_t>(node_index(s, f.node))];
          rate = 1 - (1 - rate) * (1 - f.rate);
          break;
        }
        for (const int l : links_of(s, f)) {
          double& rate = st.link_loss[static_cast<std::size_t>(l)];
          rate = 1 - (1 - rate) * (1 - f.rate);
        }
        break;
      case Fault::Kind::kStoreOutage: {
        const int n = node_index(s, f.node);
        auto& up = f.store == Fault::Store::kNonces ? st.nonce_store_up : st.store_up;
        if (n >= 0) up[static_cast<std::size_t>(n)] = false;
        break;
      }
      case Fault::Kind::kPolicyOutage: {
        const int n = node_index(s, f.node);
        if (n >= 0) st.policy_up[static_cast<std::size_t>(n)] = false;
        break;
      }
    }
  }
  // Loss and jitter act on every route that crosses a faulty link: fold them per site pair.
  for (int a = 0; a < topo.site_count(); ++a) {
    for (int b = a + 1; b < topo.site_count(); ++b) {
      if (!topo.reachable(a, b)) continue;
      double pass = 1.0, jitter = 0.0;
      for (const int l : topo.route(a, b).links) {
        pass *= 1 - st.link_loss[static_cast<std::size_t>(l)];
        jitter += st.link_jitter_s[static_cast<std::size_t>(l)];
      }
      if (pass < 1.0) st.loss[{a, b}] = 1 - pass;
      if (jitter > 0.0) st.jitter[{a, b}] = jitter;
    }
  }
  return st;
}

std::vector<double> change_dates(const core::Scenario& s) {
  std::vector<double> dates;
  for (const Fault& f : s.faults) {
    dates.push_back(f.at_s);
    dates.push_back(f.end_s());
    if (f.kind == Fault::Kind::kCrash && f.restart_warmup_s > 0)
      dates.push_back(f.end_s() + f.restart_warmup_s);
  }
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

// Applies the differences between two states: SimGrid objects through the platform,
// the rest through the flow. Hosts go down before anything else changes, so work lost
// in a crash is lost with the state it had.
void apply(const core::Scenario& s, const topology::Topology& topo, const State& from,
           const State& to, engine::Platform& platform, engine::FaultHooks& flow, double t) {
  for (std::size_t n = 0; n < to.host_up.size(); ++n) {
    for (std::size_t r = 0; r < to.host_up[n].size(); ++r) {
      const int node = static_cast<int>(n), replica = static_cast<int>(r);
      if (from.host_up[n][r] && !to.host_up[n][r]) {
        platform.set_host_on(node, replica, false);
        flow.crash(static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(r), t);
      } else if (!from.host_up[n][r] && to.host_up[n][r]) {
        platform.set_host_on(node, replica, true);
      }
      if (from.slowdown[n][r] != to.slowdown[n][r])
        platform.set_host_slowdown(node, replica, to.slowdown[n][r]);
      if (from.error_rate[n][r] != to.error_rate[n][r] || from.error_code[n][r] != to.error_code[n][r])
        flow.set_errors(static_cast<std::uint32_t>(n), replica, to.error_rate[n][r], to.error_code[n][r]);
    }
  }
  for (std::size_t l = 0; l < to.link_on.size(); ++l) {
    if (from.link_on[l] != to.link_on[l]) platform.set_link_on(static_cast<int>(l), to.link_on[l]);
    if (from.link_latency_s[l] != to.link_latency_s[l])
      platform.set_link_latency(static_cast<int>(l), to.link_latency_s[l]);
  }
  const auto value = [](const std::map<std::pair<int, int>, double>& m, std::pair<int, int> k) {
    const auto it = m.find(k);
    return it == m.end() ? 0.0 : it->second;
  };
  std::set<std::pair<int, int>> pairs;
  for (const auto* m : {&from.loss, &to.loss, &from.jitter, &to.jitter})
    for (const auto& [k, v] : *m) pairs.insert(k);
  for (const auto& k : pairs) {
    const auto a = static_cast<std::uint32_t>(k.first), b = static_cast<std::uint32_t>(k.second);
    if (value(from.loss, k) != value(to.loss, k)) flow.set_link_loss(a, b, value(to.loss, k));
    if (value(from.jitter, k) != value(to.jitter, k)) flow.set_link_jitter(a, b, value(to.jitter, k));
  }
  for (const auto& p : from.partitions)
    if (!to.partitions.count(p))
      flow.set_partition(static_cast<std::uint32_t>(p.first), static_cast<std::uint32_t>(p.second), false);
  for (const auto& p : to.partitions)
    if (!from.partitions.count(p))
      flow.set_partition(static_cast<std::uint32_t>(p.first), static_cast<std::uint32_t>(p.second), true);
  for (const auto& p : from.site_partitions)
    if (!to.site_partitions.count(p))
      flow.set_site_partition(static_cast<std::uint32_t>(p.first), static_cast<std::uint32_t>(p.second), false);
  for (const auto& p : to.site_partitions)
    if (!from.site_partitions.count(p))
      flow.set_site_partition(static_cast<std::uint32_t>(p.first), static_cast<std::uint32_t>(p.second), true);
  for (std::size_t n = 0; n < to.node_loss.size(); ++n) {
    if (from.node_loss[n] != to.node_loss[n] || from.node_add_s[n] != to.node_add_s[n] ||
        from.node_jitter_s[n] != to.node_jitter_s[n])
      flow.set_node_link(static_cast<std::uint32_t>(n), to.node_loss[n], to.node_add_s[n],
                         to.node_jitter_s[n]);
  }
  for (std::size_t n = 0; n < to.store_up.size(); ++n)
    if (from.store_up[n] != to.store_up[n])
      flow.set_store_available(static_cast<std::uint32_t>(n), to.store_up[n]);
  for (std::size_t n = 0; n < to.nonce_store_up.size(); ++n)
    if (from.nonce_store_up[n] != to.nonce_store_up[n])
      flow.set_nonce_store_available(static_cast<std::uint32_t>(n), to.nonce_store_up[n]);
  for (std::size_t n = 0; n < to.policy_up.size(); ++n)
    if (from.policy_up[n] != to.policy_up[n])
      flow.set_policy_available(static_cast<std::uint32_t>(n), to.policy_up[n]);
  flow.platform_changed(t);
  (void)s;
  (void)topo;
}

}  // namespace

std::vector<double> slowdown_factors(const core::Scenario& scenario) {
  const topology::Topology topo(scenario);
  std::vector<double> factors;
  for (const double t : change_dates(scenario)) {
    const State st = state_at(scenario, topo, t);
    for (const auto& replicas : st.slowdown)
      for (const double f : replicas)
        if (f != 1.0 && std::find(factors.begin(), factors.end(), f) == factors.end())
          factors.push_back(f);
  }
  return factors;
}

std::vector<engine::PlatformChange> plan(const core::Scenario& scenario,
                                         const topology::Topology& topology,
                                         engine::Platform& platform, engine::FaultHooks& flow) {
  std::vector<engine::PlatformChange> changes;
  // The state in force between changes; each change moves it to the state at its date.
  auto current = std::make_shared<State>(state_at(scenario, topology, -1.0));
  for (const double t : change_dates(scenario)) {
    changes.push_back(engine::PlatformChange{
        t, [&scenario, &topology, &platform, &flow, current, t](double now) {
          State next = state_at(scenario, topology, t);
          apply(scenario, topology, *current, next, platform, flow, now);
          *current = std::move(next);
        }});
  }
  return changes;
}

}  // namespace payquake::chaos
