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
  if (cost.bytes > kMaxRunBytes) {
    const CostItem& top = cost.items.front();
    std::string path;
    const Value* at = cost_driver(top, path);
    r_.error(at->loc, path,
             "expected a run needing at most " + format_bytes(kMaxRunBytes) +
                 " of memory, got one needing ~" + format_bytes(cost.bytes) + ", ~" +
                 format_bytes(top.bytes) + " of it for the " + top.detail);
  }
  if (cost.payments > kMaxPayments) {
    const Value* load = root_.find("load");
    r_.error(load->loc, "load",
             "expected at most " + format_count(kMaxPayments) +
                 " payments in a run (the arrival rate over the duration), got ~" +
                 format_count(cost.payments));
  }
}

}  // namespace payquake::scenario
