#include "scenario/build.hpp"

#include <algorithm>

#include "scenario/limits.hpp"
#include "scenario/suggest.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

// The sections' keys (keys.hpp): each is documented in docs/scenario-format.md.
const KeySet kTopKeys{"",
                      {"name", "seed", "duration", "warmup", "window", "drain_limit", "sites", "links",
                       "nodes", "payers", "load", "faults", "slo", "expect", "fraud", "attacks"}};
const KeySet kSiteKeys{"sites", {"id", "internal_latency"}};
const KeySet kLinkKeys{"links", {"between", "latency", "bandwidth"}};

// Sites are SimGrid zones beside the engine's own (engine/platform.cpp): the root zone
// "payquake" and the control host's zone "control". Two zones of one name clash.
const std::vector<std::string> kReservedSiteIds{"control", "payquake"};

// "line 3", or "a.yaml:3" when the earlier definition is in another file.
std::string where(const Loc& first, const Loc& here) {
  if (first.file == here.file) return "line " + std::to_string(first.line);
  return first.file + ":" + std::to_string(first.line);
}

}  // namespace

core::Scenario Builder::build() {
  if (!root_.is_mapping()) {  // nothing below a non-mapping can be read
    r_.error(root_.loc, "", "expected a mapping of scenario keys, got " + describe(root_));
    return s_;
  }
  read_top();
  // The graph checks see only nodes whose fields were readable; a next naming an unknown
  // node makes cycles and reachability meaningless, so those are skipped then.
  const bool targets_ok = check_next_targets();
  const bool acyclic = targets_ok && check_cycles();
  check_bins();
  if (targets_ok) check_reachability();
  if (acyclic) check_path_lengths();
  check_site_routes();
  // Derived from the timeouts and retries just read (and overridden), unless given.
  if (s_.drain_limit_s <= 0) s_.drain_limit_s = core::default_drain_limit_s(s_);
  if (r_.error_count() == 0) check_cost();
  return s_;
}

void Builder::read_top() {
  r_.mapping(root_, "", kTopKeys);
  if (const Value* name = r_.get(root_, "", "name", true, "a name")) {
    if (const auto text = r_.new_id(*name, "name")) s_.name = *text;
  }
  std::int64_t seed = static_cast<std::int64_t>(s_.seed);
  if (const Value* v = r_.get(root_, "", "seed", false, ""))
    if (const auto c = r_.count(*v, "seed", 0, "a seed")) seed = *c;
  s_.seed = static_cast<std::uint64_t>(seed);
  duration_ok_ = r_.duration_field(root_, "", "duration", Bound::kPositive, true, s_.duration_s);
  const bool warmup_ok =
      r_.duration_field(root_, "", "warmup", Bound::kNonNegative, false, s_.warmup_s);
  r_.duration_field(root_, "", "window", Bound::kPositive, false, s_.window_s);
  r_.duration_field(root_, "", "drain_limit", Bound::kPositive, false, s_.drain_limit_s);
  if (duration_ok_ && warmup_ok && s_.warmup_s >= s_.duration_s) {
    const Value* warmup = root_.find("warmup");
    r_.error(warmup->loc, "warmup",
             "expected a warmup shorter than duration (" + root_.find("duration")->text +
                 "), got " + describe(*warmup));
  }

  const Value* sites = r_.get(root_, "", "sites", true, "a list of sites");
  if (sites) read_sites(*sites);
  sites_complete_ = sites_complete_ && sites && sites->is_sequence();
  if (const Value* v = r_.get(root_, "", "links", false, "")) read_links(*v);
  links_complete_ = links_complete_ && sites_complete_;
  const Value* nodes = r_.get(root_, "", "nodes", true, "a list of nodes");
  if (nodes) read_nodes(*nodes);
  nodes_complete_ = nodes_complete_ && nodes && nodes->is_sequence();
  if (const Value* v = r_.get(root_, "", "payers", true, "a list of payer populations"))
    read_payers(*v);
  if (const Value* v = r_.get(root_, "", "load", true, "a load mapping"))
    read_load(*v, "load", kLoadKeys, s_.load);
  if (const Value* v = r_.get(root_, "", "fraud", false, "")) read_fraud(*v);
  // After the nodes and payers, which attacks name.
  if (const Value* v = r_.get(root_, "", "attacks", false, "")) read_attacks(*v);
  // After the sites, links and nodes, which fault targets name.
  if (const Value* v = r_.get(root_, "", "faults", false, "")) read_faults(*v);
  if (const Value* v = r_.get(root_, "", "slo", false, "")) read_slo(*v);
  if (const Value* v = r_.get(root_, "", "expect", false, "")) read_expect(*v);
}

bool Builder::unique(std::map<std::string, Loc>& seen, const std::string& id, const Loc& at,
                     const std::string& path, const std::string& kind) {
  const auto [it, inserted] = seen.emplace(id, at);
  if (inserted) return true;
  r_.error(at, path,
           "expected a unique " + kind + " id, got '" + id + "' again (first at " +
               where(it->second, at) + ")");
  return false;
}

const core::Node* Builder::find_node(const std::string& id, bool* role_known) const {
  for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
    if (s_.nodes[i].id != id) continue;
    *role_known = node_src_[i].role_known;
    return &s_.nodes[i];
  }
  return nullptr;
}

std::optional<std::string> Builder::site_ref(const Value& v, const std::string& path) {
  const auto id = r_.id(v, path);
  if (!id || s_.find_site(*id)) return id;
  if (!sites_complete_) return std::nullopt;
  std::vector<std::string> ids;
  std::string listed;
  for (const auto& site : s_.sites) {
    ids.push_back(site.id);
    listed += (listed.empty() ? "" : ", ") + site.id;
  }
  const auto near = r_.nearest(*id, ids);
  r_.error(v.loc, path,
           "expected a site id (one of " + listed + "), got '" + *id + "'" +
               (near ? " (did you mean '" + *near + "'?)" : ""));
  return std::nullopt;
}

void Builder::read_sites(const Value& list) {
  if (!r_.list(list, "sites")) return;
  if (list.items.size() > kMaxSites) {
    r_.error(list.loc, "sites",
             "expected at most " + std::to_string(kMaxSites) + " sites, got " +
                 std::to_string(list.items.size()));
    sites_complete_ = false;
    return;
  }
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const Value& v = list.items[i];
    const std::string path = item_path("sites", i, v);
    if (!r_.mapping(v, path, kSiteKeys)) {
      sites_complete_ = false;
      continue;
    }
    core::Site site;
    r_.duration_field(v, path, "internal_latency", Bound::kNonNegative, false,
                      site.internal_latency_s);
    const Value* id = r_.get(v, path, "id", true, "an id");
    const auto text = id ? r_.new_id(*id, join(path, "id")) : std::nullopt;
    sites_complete_ = sites_complete_ && text.has_value();
    if (text && std::find(kReservedSiteIds.begin(), kReservedSiteIds.end(), *text) !=
                    kReservedSiteIds.end()) {
      r_.error(id->loc, join(path, "id"),
               "expected a site id other than 'control' and 'payquake' (the engine's own "
               "zones), got '" +
                   *text + "'");
      sites_complete_ = false;  // references to it were meant for this site: not reported
      continue;
    }
    if (!text || !unique(site_seen_, *text, id->loc, join(path, "id"), "site")) continue;
    site.id = *text;
    s_.sites.push_back(std::move(site));
  }
}

void Builder::read_links(const Value& list) {
  if (!r_.list(list, "links")) {
    links_complete_ = false;
    return;
  }
  std::size_t whole = 0;  // links read with both sites: a fault may name an unreadable one
  std::map<std::pair<std::string, std::string>, Loc> pairs;  // one link per pair of sites
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    const Value& v = list.items[i];
    const std::string path = "links[" + std::to_string(i) + "]";
    if (!r_.mapping(v, path, kLinkKeys)) continue;
    core::SiteLink link;
    r_.duration_field(v, path, "latency", Bound::kNonNegative, true, link.latency_s);
    if (const Value* bw = r_.get(v, path, "bandwidth", false, ""))
      if (const auto b = r_.bandwidth(*bw, join(path, "bandwidth"))) link.bandwidth_bps = *b;
    const Value* between = r_.get(v, path, "between", true, "a list of two site ids");
    if (!between) continue;
    const std::string between_path = join(path, "between");
    if (!between->is_sequence() || between->items.size() != 2) {
      r_.error(between->loc, between_path,
               "expected a list of two site ids, got " + describe(*between));
      continue;
    }
    std::string ends[2];
    for (std::size_t k = 0; k < 2; ++k) {
      const Value& end = between->items[k];
      const std::string end_path = between_path + "[" + std::to_string(k) + "]";
      const auto id = site_ref(end, end_path);
      if (!id) continue;
      ends[k] = *id;
    }
    if (!ends[0].empty() && ends[0] == ends[1]) {
      r_.error(between->loc, between_path,
               "expected two different sites, got '" + ends[0] + "' twice");
      continue;  // it joins nothing: routes across it are not judged
    }
    if (!ends[0].empty() && !ends[1].empty() && ends[0] != ends[1]) {
      // A fault names a link by its sites, and SimGrid refuses a second link of one name.
      const auto key = std::minmax(ends[0], ends[1]);
      const auto [it, first] = pairs.emplace(key, between->loc);
      if (!first) {
        r_.error(between->loc, between_path,
                 "expected one link between two sites, got a second between '" + ends[0] +
                     "' and '" + ends[1] + "' (first at " + where(it->second, between->loc) + ")");
        ++whole;  // its sites were read: faults naming them are judged against the first
        continue;
      }
    }
    link.a = ends[0];
    link.b = ends[1];
    s_.links.push_back(std::move(link));
    if (!ends[0].empty() && !ends[1].empty()) ++whole;
  }
  links_complete_ = whole == list.items.size();
}

}  // namespace payquake::scenario
