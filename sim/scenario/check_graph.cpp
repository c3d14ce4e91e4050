// Checks across nodes and payers: next names real nodes, next has no cycle, a BIN has one
// issuer, every issuer a population pays at is reachable from its entry, no path is longer
// than the ledger records, and links join every two sites that have nodes.
#include <numeric>
#include <set>

#include "scenario/build.hpp"
#include "scenario/suggest.hpp"

namespace payquake::scenario {
namespace {

std::string element(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::size_t node_index(const core::Scenario& s, const std::string& id) {
  for (std::size_t i = 0; i < s.nodes.size(); ++i)
    if (s.nodes[i].id == id) return i;
  return s.nodes.size();
}

// The nodes a request at `n` may be sent to: its next, or every issuer for a network
// without next (it routes by BIN). An issuer answers: it has none (its next, if any, was
// reported), so the implicit edges to issuers close no cycle.
std::vector<std::size_t> successors(const core::Scenario& s, const core::Node& n) {
  std::vector<std::size_t> out;
  if (n.role == core::Role::kIssuer) return out;
  if (n.role == core::Role::kNetwork && n.next.empty()) {
    for (std::size_t i = 0; i < s.nodes.size(); ++i)
      if (s.nodes[i].role == core::Role::kIssuer) out.push_back(i);
  }
  for (const auto& id : n.next) out.push_back(node_index(s, id));
  return out;
}

// The longest chain of nodes from `u` following successors, memoised in `longest` (0 =
// not yet known) with the next node of that chain in `via`. REQUIRES: no cycle.
int longest_chain(const core::Scenario& s, std::size_t u, std::vector<int>& longest,
                  std::vector<std::size_t>& via) {
  if (longest[u] > 0) return longest[u];
  int best = 0;
  for (const std::size_t v : successors(s, s.nodes[u])) {
    const int len = longest_chain(s, v, longest, via);
    if (len > best) {
      best = len;
      via[u] = v;
    }
  }
  return longest[u] = best + 1;
}

// Sites joined by links, as a union-find over site indices.
class SiteGroups {
 public:
  explicit SiteGroups(const core::Scenario& s) : s_(s), parent_(s.sites.size()) {
    std::iota(parent_.begin(), parent_.end(), std::size_t{0});
    for (const auto& link : s.links) {
      const std::size_t a = index(link.a);
      const std::size_t b = index(link.b);
      if (a < parent_.size() && b < parent_.size()) parent_[root(a)] = root(b);
    }
  }
  bool joined(const std::string& a, const std::string& b) {
    const std::size_t i = index(a);
    const std::size_t j = index(b);
    return i < parent_.size() && j < parent_.size() && root(i) == root(j);
  }

 private:
  std::size_t index(const std::string& id) const {
    for (std::size_t i = 0; i < s_.sites.size(); ++i)
      if (s_.sites[i].id == id) return i;
    return s_.sites.size();
  }
  std::size_t root(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }

  const core::Scenario& s_;
  std::vector<std::size_t> parent_;
};

}  // namespace

bool Builder::check_next_targets() {
  if (!nodes_complete_) return false;
  std::vector<std::string> ids;
  for (const auto& n : s_.nodes) ids.push_back(n.id);
  bool ok = true;
  for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
    const Value* next = node_src_[i].value->find("next");
    if (!next) continue;
    if (!next->is_sequence() || next->items.size() != s_.nodes[i].next.size()) {
      ok = false;  // reported while reading the node
      continue;
    }
    for (std::size_t k = 0; k < next->items.size(); ++k) {
      const std::string& target = s_.nodes[i].next[k];
      if (s_.find_node(target)) continue;
      const auto near = r_.nearest(target, ids);
      r_.error(next->items[k].loc, element(join(node_src_[i].path, "next"), k),
               "expected the id of a node, got '" + target + "'" +
                   (near ? " (did you mean '" + *near + "'?)" : " (no node has that id)"));
      ok = false;
    }
  }
  return ok;
}

bool Builder::check_cycles() {
  bool acyclic = true;
  enum class Mark { kNew, kOnPath, kDone };
  std::vector<Mark> mark(s_.nodes.size(), Mark::kNew);
  std::vector<std::size_t> on_path;
  auto index_of = [&](const std::string& id) {
    for (std::size_t i = 0; i < s_.nodes.size(); ++i)
      if (s_.nodes[i].id == id) return i;
    return s_.nodes.size();
  };
  // Depth-first; an edge back to a node on the current path closes a cycle, reported at
  // that edge's entry in next.
  auto visit = [&](auto&& self, std::size_t u) -> void {
    mark[u] = Mark::kOnPath;
    on_path.push_back(u);
    const auto& next = s_.nodes[u].next;
    for (std::size_t k = 0; k < next.size(); ++k) {
      const std::size_t v = index_of(next[k]);
      if (mark[v] == Mark::kNew) {
        self(self, v);
      } else if (mark[v] == Mark::kOnPath) {
        std::string chain;
        bool in_cycle = false;
        for (std::size_t w : on_path) {
          in_cycle = in_cycle || w == v;
          if (in_cycle) chain += s_.nodes[w].id + " -> ";
        }
        const Value& entry = node_src_[u].value->find("next")->items[k];
        r_.error(entry.loc, element(join(node_src_[u].path, "next"), k),
                 "expected no cycle through next, got " + chain + s_.nodes[v].id);
        acyclic = false;
      }
    }
    on_path.pop_back();
    mark[u] = Mark::kDone;
  };
  for (std::size_t i = 0; i < s_.nodes.size(); ++i)
    if (mark[i] == Mark::kNew) visit(visit, i);
  return acyclic;
}

void Builder::check_bins() {
  std::map<std::string, std::string> served_by;
  for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
    if (!node_src_[i].role_known || s_.nodes[i].role != core::Role::kIssuer) continue;
    const Value* bins = node_src_[i].value->find("bins");
    if (!bins || !bins->is_sequence()) continue;
    for (std::size_t k = 0; k < bins->items.size(); ++k) {
      const Value& bin = bins->items[k];
      if (!bin.is_scalar()) continue;
      const auto [it, inserted] = served_by.emplace(bin.text, s_.nodes[i].id);
      if (inserted) continue;
      r_.error(bin.loc, element(join(node_src_[i].path, "bins"), k),
               "expected a BIN served by one issuer, got '" + bin.text + "' (also served by " +
                   it->second + ")");
    }
  }
}

void Builder::check_reachability() {
  if (!next_ok_) return;  // a forwarding node without next was reported; do not pile on
  for (const auto& src : node_src_)
    if (!src.role_known) return;  // the paths through a node of unknown role are unknown
  for (std::size_t p = 0; p < s_.payers.size(); ++p) {
    const PayerSource& src = payer_src_[p];
    if (!src.entry_known || !src.issuers_known) continue;
    // Issuers are reached only through a network: by its next, or all of them when the
    // network's next is empty (it routes by BIN to every issuer).
    std::set<std::string> seen{s_.payers[p].entry};
    std::vector<std::string> todo{s_.payers[p].entry};
    std::set<std::string> issuers;
    while (!todo.empty()) {
      const core::Node* n = s_.find_node(todo.back());
      todo.pop_back();
      if (n->role == core::Role::kNetwork && n->next.empty()) {
        for (const auto& other : s_.nodes)
          if (other.role == core::Role::kIssuer) issuers.insert(other.id);
      }
      for (const auto& next : n->next) {
        if (n->role == core::Role::kNetwork) issuers.insert(next);
        if (seen.insert(next).second) todo.push_back(next);
      }
    }
    const Value* map = src.value->find("issuers");
    for (std::size_t k = 0; k < map->keys.size(); ++k) {
      const Key& key = map->keys[k];
      if (issuers.count(key.text)) continue;
      r_.error(key.loc, join(join(src.path, "issuers"), key.text),
               "expected an issuer reachable from entry '" + s_.payers[p].entry +
                   "' through next and a network, got '" + key.text + "'");
    }
  }
}

void Builder::check_path_lengths() {
  std::vector<int> longest(s_.nodes.size(), 0);
  std::vector<std::size_t> via(s_.nodes.size(), s_.nodes.size());
  for (std::size_t p = 0; p < s_.payers.size(); ++p) {
    if (!payer_src_[p].entry_known) continue;
    const std::size_t entry = node_index(s_, s_.payers[p].entry);
    const int nodes = longest_chain(s_, entry, longest, via);
    if (nodes <= core::kMaxPathNodes) continue;
    std::string chain;
    for (std::size_t u = entry; u < s_.nodes.size(); u = via[u])
      chain += (chain.empty() ? "" : " -> ") + s_.nodes[u].id;
    const Value* at = payer_src_[p].value->find("entry");
    r_.error(at->loc, join(payer_src_[p].path, "entry"),
             "expected paths from the entry through at most " +
                 std::to_string(core::kMaxPathNodes) + " nodes (what the ledger records), got " +
                 std::to_string(nodes) + ": " + chain);
  }
}

void Builder::check_site_routes() {
  if (!sites_complete_ || !links_complete_) return;  // an unreadable link may join them
  // The engine works out the latency between every two nodes (engine/platform.cpp
  // read_routes), and any node may have to answer any other (a network without next
  // reaches every issuer): every site with a node must be joined to the others.
  SiteGroups groups(s_);
  const core::Node* first = nullptr;
  for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
    const core::Node& n = s_.nodes[i];
    if (n.site.empty()) continue;  // its site was reported
    if (!first) {
      first = &n;
      continue;
    }
    if (groups.joined(first->site, n.site)) continue;
    const Value* site = node_src_[i].value->find("site");
    r_.error(site->loc, join(node_src_[i].path, "site"),
             "expected a site joined by links to '" + first->site + "' (where node '" + first->id +
                 "' is; every two nodes must be able to exchange messages), got '" + n.site +
                 "' (no path of links joins the two sites)");
  }
}

}  // namespace payquake::scenario
