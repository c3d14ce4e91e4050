#include "engine/platform.hpp"

#include <simgrid/s4u.hpp>
#include <algorithm>
#include <stdexcept>

namespace sg4 = simgrid::s4u;

namespace payquake::engine {
namespace {

// Hosts compute nothing in SimGrid terms (service time is drawn from the scenario's
// distribution), so their speed is a nominal 1 Gflop/s.
constexpr double kHostSpeedFlops = 1e9;
// Intra-site links carry tiny authorization messages: bandwidth never limits them.
constexpr double kSiteBandwidthBps = 10e9;

std::string replica_name(const core::Node& node, int replica) {
  return node.id + "[" + std::to_string(replica) + "]";
}

}  // namespace

Platform::Platform(const core::Scenario& scenario, const topology::Topology& topology,
                   const std::vector<double>& slowdowns) {
  // SimGrid's informational logs would interleave with payquake's own output.
  std::vector<std::string> args = {"payquake", "--log=root.thresh:warning",
                                   "--cfg=network/model:CM02"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  engine_ = std::make_unique<sg4::Engine>(&argc, argv.data());
  // Power state 0 is nominal; a slowdown by f is a power state running at speed / f.
  std::vector<double> speeds = {kHostSpeedFlops};
  pstate_slowdown_ = {1.0};
  for (const double f : slowdowns) {
    if (f == 1.0 || std::find(pstate_slowdown_.begin(), pstate_slowdown_.end(), f) != pstate_slowdown_.end())
      continue;
    pstate_slowdown_.push_back(f);
    speeds.push_back(kHostSpeedFlops / f);
  }
  build(scenario, topology, speeds);
  node_count_ = hosts_.size();
  for (const auto& replicas : hosts_) {
    first_station_.push_back(host_up_.size());
    for (std::size_t r = 0; r < replicas.size(); ++r) {
      host_up_.push_back(1);
      slowdown_.push_back(1.0);
    }
  }
  read_routes();
}

Platform::~Platform() = default;

sg4::Host* Platform::host(int node, int replica) const {
  return hosts_[static_cast<std::size_t>(node)][static_cast<std::size_t>(replica)];
}

void Platform::build(const core::Scenario& scenario, const topology::Topology& topology,
                     const std::vector<double>& speeds) {
  auto* root = sg4::create_full_zone("payquake");
  const int sites = topology.site_count();

  // A zone per site: every pair of hosts talks over the site's internal link, and the
  // site's router reaches its hosts over a zero-latency uplink, so a cross-site message
  // costs exactly the configured inter-site latency.
  std::vector<sg4::NetZone*> zones;
  std::vector<simgrid::kernel::routing::NetPoint*> routers;
  std::vector<std::vector<sg4::Host*>> site_hosts(static_cast<std::size_t>(sites));
  hosts_.resize(scenario.nodes.size());
  for (int s = 0; s < sites; ++s) {
    const core::Site& site = topology.site(s);
    auto* zone = sg4::create_full_zone(site.id);
    zone->set_parent(root);
    for (std::size_t n = 0; n < scenario.nodes.size(); ++n) {
      const core::Node& node = scenario.nodes[n];
      if (node.site != site.id) continue;
      for (int r = 0; r < node.replicas; ++r) {
        auto* h = zone->create_host(replica_name(node, r), speeds)->seal();
        hosts_[n].push_back(h);
        site_hosts[static_cast<std::size_t>(s)].push_back(h);
      }
    }
    auto* internal = zone->create_link(site.id + "/internal", kSiteBandwidthBps)
                         ->set_latency(site.internal_latency_s)
                         ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                         ->seal();
    auto* uplink = zone->create_link(site.id + "/uplink", kSiteBandwidthBps)
                       ->set_latency(0)
                       ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
                       ->seal();
    auto* router = zone->create_router(site.id + "/router");
    const auto& hs = site_hosts[static_cast<std::size_t>(s)];
    for (std::size_t i = 0; i < hs.size(); ++i) {
      zone->add_route(hs[i]->get_netpoint(), router, nullptr, nullptr,
                      {sg4::LinkInRoute(uplink)}, true);
      for (std::size_t j = i + 1; j < hs.size(); ++j)
        zone->add_route(hs[i]->get_netpoint(), hs[j]->get_netpoint(), nullptr, nullptr,
                        {sg4::LinkInRoute(internal)}, true);
    }
    zone->seal();
    zones.push_back(zone);
    routers.push_back(router);
  }

  auto& links = links_;
  for (const auto& l : scenario.links) {
    links.push_back(root->create_link(l.a + "<->" + l.b, l.bandwidth_bps)
                        ->set_latency(l.latency_s)
                        ->seal());
    base_link_latency_.push_back(l.latency_s);
  }
  for (int a = 0; a < sites; ++a) {
    for (int b = a + 1; b < sites; ++b) {
      if (!topology.reachable(a, b)) continue;
      std::vector<sg4::LinkInRoute> route;
      for (int l : topology.route(a, b).links)
        route.emplace_back(links[static_cast<std::size_t>(l)]);
      root->add_route(zones[static_cast<std::size_t>(a)]->get_netpoint(),
                      zones[static_cast<std::size_t>(b)]->get_netpoint(),
                      routers[static_cast<std::size_t>(a)], routers[static_cast<std::size_t>(b)],
                      route, true);
    }
  }

  auto* control = sg4::create_full_zone("control");
  control->set_parent(root);
  control_host_ = control->create_host("payquake-control", kHostSpeedFlops)->seal();
  control->seal();
  root->seal();
}

void Platform::read_routes() {
  hop_latency_.assign(node_count_ * node_count_, 0.0);
  route_up_.assign(node_count_ * node_count_, 1);
  for (std::size_t a = 0; a < node_count_; ++a) {
    for (std::size_t b = 0; b < node_count_; ++b) {
      if (a == b) continue;
      std::vector<sg4::Link*> route;
      double latency = 0;  // route_to adds to it
      hosts_[a][0]->route_to(hosts_[b][0], route, &latency);
      hop_latency_[a * node_count_ + b] = latency;
      for (const auto* link : route)
        if (!link->is_on()) route_up_[a * node_count_ + b] = 0;
    }
  }
}

void Platform::set_host_on(int node, int replica, bool on) {
  sg4::Host* h = host(node, replica);
  if (on) {
    h->turn_on();
  } else {
    h->turn_off();
  }
  host_up_[station(node, replica)] = h->is_on() ? 1 : 0;
}

void Platform::set_host_slowdown(int node, int replica, double factor) {
  const auto it = std::find(pstate_slowdown_.begin(), pstate_slowdown_.end(), factor);
  if (it == pstate_slowdown_.end())
    throw std::logic_error("no power state for slowdown " + std::to_string(factor));
  sg4::Host* h = host(node, replica);
  h->set_pstate(static_cast<unsigned long>(it - pstate_slowdown_.begin()));
  // Read back from SimGrid: the speed it will use is the truth.
  slowdown_[station(node, replica)] = kHostSpeedFlops / h->get_speed();
}

void Platform::set_link_on(int link, bool on) {
  sg4::Link* l = links_[static_cast<std::size_t>(link)];
  if (on) {
    l->turn_on();
  } else {
    l->turn_off();
  }
  read_routes();
}

void Platform::set_link_latency(int link, double latency_s) {
  links_[static_cast<std::size_t>(link)]->set_latency(latency_s);
  read_routes();
}

}  // namespace payquake::engine
