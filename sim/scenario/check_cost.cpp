// The up-front cost check: a scenario whose run would need more memory than kMaxRunBytes,
// or start more payments than kMaxPayments, is refused at the key that drives the cost.
#include "scenario/build.hpp"
#include "scenario/estimate.hpp"
#include "scenario/limits.hpp"

namespace payquake::scenario {

const Value* Builder::cost_driver(const CostItem& item, std::string& path) const {
  using Driver = CostItem::Driver;
  const Value* duration = root_.find("duration");
  switch (item.driver) {
    case Driver::kWindows:
      path = root_.find("window") ? "window" : "duration";
      return root_.find("window") ? root_.find("window") : duration;
    case Driver::kSloWindows: {
      const Value* slo = root_.find("slo");
      const Value* window = slo && slo->is_mapping() ? slo->find("window") : nullptr;
      path = window ? "slo.window" : "duration";
      return window ? window : duration;
    }
    case Driver::kSiteHosts: {
      // The node of the site with the most replicas: its replicas key, or the node.
      std::size_t best = s_.nodes.size();
      for (std::size_t i = 0; i < s_.nodes.size(); ++i) {
        if (s_.nodes[i].site != s_.sites[item.index].id) continue;
        if (best == s_.nodes.size() || s_.nodes[i].replicas > s_.nodes[best].replicas) best = i;
      }
      if (best == s_.nodes.size()) break;
      const Value* replicas = node_src_[best].value->find("replicas");
      path = replicas ? join(node_src_[best].path, "replicas") : node_src_[best].path;
      return replicas ? replicas : node_src_[best].value;
    }
    case Driver::kNodePairs:
      path = "nodes";
      return root_.find("nodes");
    case Driver::kNonces: {
      const Value* signing = node_src_[item.index].value->find("signing");
      const Value* capacity =
          signing && signing->is_mapping() ? signing->find("nonce_capacity") : nullptr;
      path = join(node_src_[item.index].path, capacity ? "signing.nonce_capacity" : "signing");
      return capacity ? capacity : signing;
    }
    case Driver::kAccounts:
      if (item.index >= payer_src_.size()) break;
      path = join(payer_src_[item.index].path, "cards");
      return payer_src_[item.index].value->find("cards");
  }
  path.clear();
  return &root_;
}

void Builder::check_cost() {
  const RunCost cost = estimate_run(s_);
  // Written as !(x <= limit): an infinite rate (a preset scaled by 1e308) makes the estimate
  // NaN (inf - inf), which no comparison calls too large.
  if (!(cost.bytes <= kMaxRunBytes)) {
    const CostItem& top = cost.items.front();
    std::string path;
    const Value* at = cost_driver(top, path);
    r_.error(at->loc, path,
             "expected a run needing at most " + format_bytes(kMaxRunBytes) +
                 " of memory, got one needing ~" + format_bytes(cost.bytes) + ", ~" +
                 format_bytes(top.bytes) + " of it for the " + top.detail);
  }
  if (!(cost.payments <= kMaxPayments)) {
    // Blamed on the load, or on the attack that brings the most when it brings more.
    double attacks = 0;
    std::size_t top = 0;
    for (std::size_t i = 0; i < cost.attack_payments.size(); ++i) {
      attacks += cost.attack_payments[i];
      if (cost.attack_payments[i] > cost.attack_payments[top]) top = i;
    }
    const bool attack = attacks > 0 && cost.attack_payments[top] > cost.payments - attacks;
    const Value* at = attack ? attack_src_[top].value->find("rate") : root_.find("load");
    r_.error(at->loc, attack ? join(attack_src_[top].path, "rate") : "load",
             "expected at most " + format_count(kMaxPayments) +
                 " payments in a run (the arrival rate over the duration), got ~" +
                 format_count(cost.payments) +
                 (attack ? ", ~" + format_count(cost.attack_payments[top]) + " of them this attack's"
                         : ""));
  }
}

}  // namespace payquake::scenario
