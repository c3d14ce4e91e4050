// Builds core::Scenario from the merged, overridden document tree: every field read and
// checked (build.cpp, build_nodes.cpp, build_payers.cpp, build_semantics.cpp, build_faults.cpp,
// build_drills.cpp), then the cross-references between them (check_graph.cpp). Every mistake
// is reported; reading goes on after one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/scenario.hpp"
#include "scenario/estimate.hpp"
#include "scenario/reader.hpp"

namespace payquake::scenario {

// The keys of the scenario's `load` and of a population's own (build_load.cpp).
extern const KeySet kLoadKeys;
extern const KeySet kPayerLoadKeys;

class Builder {
 public:
  Builder(const Value& root, std::vector<Diagnostic>& diags)
      : r_(diags), diags_(diags), root_(root) {}

  // The scenario; meaningful only when no diagnostic was added.
  core::Scenario build();

 private:
  // Where a node or a payer population was written, for checks that span several.
  struct NodeSource {
    const Value* value;
    std::string path;
    bool role_known;
  };
  struct PayerSource {
    const Value* value;
    std::string path;
    bool entry_known;    // entry names a gateway
    bool issuers_known;  // every issuer key names an issuer
  };

  void read_top();
  void read_sites(const Value& list);
  void read_links(const Value& list);
  void read_nodes(const Value& list);
  void read_node(const Value& v, const std::string& path);
  void read_node_links(const Value& v, const std::string& path, core::Node& n, bool role_known);
  void read_payers(const Value& list);
  void read_payer(const Value& v, const std::string& path, bool share_required, double& share_sum,
                  bool& share_ok);
  void read_payer_issuers(const Value& m, const std::string& path, core::Payers& p,
                          PayerSource& src);
  // A load mapping (the scenario's or a population's, checked against `keys`) into `out`;
  // false when it was reported.
  bool read_load(const Value& v, const std::string& path, const KeySet& keys, core::Load& out);
  bool read_load_source(const Value& v, const std::string& path, core::Load& base);
  bool read_preset(const Value& v, const std::string& path, core::Load& out);
  bool read_trace(const Value& rows, const std::string& path, core::Load& out);
  std::optional<bool> read_trace_header(const Value& header, const std::string& path);
  std::optional<std::pair<double, double>> read_trace_row(const Value& row,
                                                          const std::string& path, bool counts);
  bool read_stages(const Value& v, const std::string& path, std::vector<core::Stage>& out);
  void read_spikes(const Value& v, const std::string& path, std::vector<core::Spike>& out);

  // build_faults.cpp: `faults`, each target resolved against the sites, links and nodes.
  void read_faults(const Value& list);
  void read_fault(const Value& v, const std::string& path);
  // A fault's or an attack's `at` (before the scenario ends) and `duration` (> 0).
  void read_timeline_window(const Value& v, const std::string& path, double& at_s,
                            double& duration_s);
  // Each resolves the target `v` of fault `f` into f's target fields, or reports it.
  void node_target(const Value& v, const std::string& path, core::Fault& f);
  void link_target(const Value& v, const std::string& path, core::Fault& f);
  void store_target(const Value& v, const std::string& path, core::Fault& f);
  void partition_ends(const Value& v, const std::string& path, core::Fault& f);

  void policy_target(const Value& v, const std::string& path, core::Fault& f);
  bool switch_unread(const core::Node* n, std::string_view key) const;

  // build_fraud.cpp: `fraud`, a node's `fraud` and `signing`, a population's merchants,
  // devices and fraud rate, and `attacks`.
  void read_fraud(const Value& v);
  void read_node_fraud(const Value& v, const std::string& path, core::Node& n, bool role_known);
  void read_payer_fraud(const Value& v, const std::string& path, core::Payers& p);
  void read_attacks(const Value& list);
  // `id` is the attack's id as written or its default ("card_testing-1").
  void read_attack(const Value& v, const std::string& path, const std::string& id);
  void attack_entry(const Value& v, const std::string& path, core::Attack& a);
  void read_attack_targets(const Value& v, const std::string& path, core::Attack& a);

  // build_drills.cpp: `slo` and `expect`.
  void read_slo(const Value& v);
  void read_expect(const Value& v);
  void read_expectation(const Key& key, const Value& v, const std::string& path);

  // build_semantics.cpp: retry, reversal, idempotency, stand_in, accounts and client.
  void read_node_semantics(const Value& v, const std::string& path, core::Node& n, bool role_known);
  void read_client(const Value& v, const std::string& path, core::Client& c);
  // The value of node key `key` when it is present and applies to the node's role (or the
  // role is unknown); on a role it does not apply to it is reported, and nullptr returned.
  const Value* placed(const Value& v, const std::string& path, std::string_view key,
                      const core::Node& n, bool role_known);

  // check_graph.cpp. What the topology and the engine would refuse is refused here, with
  // a location, so that building them never fails for user input.
  bool check_next_targets();
  bool check_cycles();  // true when next has no cycle
  void check_bins();
  void check_reachability();
  void check_path_lengths();  // REQUIRES: next targets exist, no cycle
  void check_site_routes();

  // check_cost.cpp: the run's estimated memory and payments (estimate.hpp) within limits.
  // REQUIRES: no error so far (the estimate reads a whole scenario).
  void check_cost();
  // The value to blame for `item`, and its key path in `path`.
  const Value* cost_driver(const CostItem& item, std::string& path) const;

  // Reports `id` at `at` when already used in `seen` (ids of one kind must be unique).
  bool unique(std::map<std::string, Loc>& seen, const std::string& id, const Loc& at,
              const std::string& path, const std::string& kind);
  // The node with `id` and whether its role was readable; nullptr when there is none.
  const core::Node* find_node(const std::string& id, bool* role_known) const;
  // The id of an existing site, or nullopt after reporting `v`.
  std::optional<std::string> site_ref(const Value& v, const std::string& path);

  Reader r_;
  std::vector<Diagnostic>& diags_;  // r_'s: a fraud policy's reader reports into it too
  const Value& root_;
  core::Scenario s_;
  std::map<std::string, Loc> site_seen_;
  std::map<std::string, Loc> node_seen_;
  std::map<std::string, Loc> payer_seen_;
  std::map<std::string, Loc> fault_seen_;
  bool next_ok_ = true;  // no node's next broke a role rule
  // Every site / node written has a readable id. When not, a reference to an unknown id
  // may name the unreadable one, so it is not reported (the unreadable entry was).
  bool sites_complete_ = true;
  bool nodes_complete_ = true;
  bool links_complete_ = true;  // every link written was read with both of its sites
  bool duration_ok_ = false;    // the scenario's duration was read (faults must start before it)
  std::vector<NodeSource> node_src_;    // parallel to s_.nodes
  std::vector<PayerSource> payer_src_;  // parallel to s_.payers
  struct AttackSource {
    const Value* value;
    std::string path;
  };
  std::vector<AttackSource> attack_src_;  // parallel to s_.attacks
};

}  // namespace payquake::scenario
