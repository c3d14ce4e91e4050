// Checks across nodes and payers: next names real nodes, next has no cycle, a BIN has one
// issuer, and every issuer a population pays at is reachable from its entry.
#include <set>

#include "scenario/build.hpp"
#include "scenario/suggest.hpp"

namespace payquake::scenario {
namespace {

std::string element(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

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
      const auto near = nearest(target, ids);
      r_.error(next->items[k].loc, element(join(node_src_[i].path, "next"), k),
               "expected the id of a node, got '" + target + "'" +
                   (near ? " (did you mean '" + *near + "'?)" : " (no node has that id)"));
      ok = false;
    }
  }
  return ok;
}

void Builder::check_cycles() {
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
      }
    }
    on_path.pop_back();
    mark[u] = Mark::kDone;
  };
  for (std::size_t i = 0; i < s_.nodes.size(); ++i)
    if (mark[i] == Mark::kNew) visit(visit, i);
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

}  // namespace payquake::scenario
