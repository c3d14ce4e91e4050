#include "study/figures.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace payquake::study {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::optional<double> number(const nlohmann::ordered_json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
  if (v.is_string()) {  // money: a decimal string
    const std::string& s = v.get_ref<const std::string&>();
    double d = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size()) return d;
  }
  return std::nullopt;
}

std::optional<double> worst_recovery(const nlohmann::ordered_json& summary) {
  const nlohmann::ordered_json* faults = at_path(summary, "faults");
  if (faults == nullptr || !faults->is_array() || faults->empty()) return std::nullopt;
  double worst = 0;
  for (const auto& f : *faults) {
    const auto it = f.find("time_to_recover_seconds");
    if (it == f.end() || !it->is_number()) return std::nullopt;  // never recovered, not judged
    worst = std::max(worst, it->get<double>());
  }
  return worst;
}

}  // namespace

const char* unit_name(Unit unit) {
  switch (unit) {
    case Unit::kFraction:
      return "fraction";
    case Unit::kSeconds:
      return "seconds";
    case Unit::kPerSecond:
      return "per_second";
    case Unit::kCount:
      return "count";
    case Unit::kMoney:
      return "money";
    case Unit::kNumber:
      return "number";
  }
  return "?";
}

const nlohmann::ordered_json* at_path(const nlohmann::ordered_json& summary,
                                      const std::string& path) {
  const nlohmann::ordered_json* node = &summary;
  std::size_t start = 0;
  while (node != nullptr && start <= path.size()) {
    const std::size_t dot = path.find('.', start);
    const std::string key =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (node->is_object()) {
      const auto it = node->find(key);
      node = it == node->end() ? nullptr : &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
      const bool ok = ec == std::errc() && end == key.data() + key.size() && index < node->size();
      node = ok ? &(*node)[index] : nullptr;
    } else {
      node = nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

std::vector<Figure> fraud_figures() {
  Figure total{"fraud total cost", "fraud.total_cost", Unit::kMoney};
  total.minimise = true;
  return {
      total,
      {"fraud loss", "fraud.loss", Unit::kMoney},
      {"chargeback fees", "fraud.chargeback_fees", Unit::kMoney},
      {"lost margin", "fraud.lost_margin", Unit::kMoney},
      {"fraud attempts", "fraud.attempts", Unit::kCount},
      {"fraud approved", "fraud.approved", Unit::kCount},
      {"fraud caught", "fraud.caught", Unit::kCount},
      {"catch rate", "fraud.catch_rate", Unit::kFraction},
      {"false declines", "fraud.false_declines", Unit::kCount},
      {"false decline amount", "fraud.false_decline_amount", Unit::kMoney},
      {"false decline rate", "fraud.false_decline_rate", Unit::kFraction},
      {"step-ups", "fraud.step_ups", Unit::kCount},
      {"step-ups abandoned", "fraud.step_up_abandoned", Unit::kCount},
      {"abandoned amount", "fraud.abandoned_amount", Unit::kMoney},
      {"fraud added latency mean", "fraud.added_latency_seconds.mean", Unit::kSeconds},
  };
}

bool has_fraud_data(const nlohmann::ordered_json& summary) {
  const nlohmann::ordered_json* fraud = at_path(summary, "fraud");
  if (fraud == nullptr || !fraud->is_object()) return false;
  for (const char* placed : {"by_policy", "by_attack"}) {
    const auto it = fraud->find(placed);
    if (it != fraud->end() && it->is_object() && !it->empty()) return true;
  }
  for (const Figure& f : fraud_figures()) {
    const std::optional<double> v = figure_value(summary, f);
    if (v && *v != 0) return true;
  }
  return false;
}

Figure path_figure(const std::string& path) {
  Unit unit = Unit::kNumber;
  if (path.find("seconds") != std::string::npos && !ends_with(path, "per_second"))
    unit = Unit::kSeconds;
  else if (ends_with(path, "per_second"))
    unit = Unit::kPerSecond;
  else if (ends_with(path, "_rate") || ends_with(path, "utilisation"))
    unit = Unit::kFraction;
  else if (ends_with(path, "amount") || ends_with(path, "loss") || ends_with(path, "_cost") ||
           ends_with(path, "_fees") || ends_with(path, "_margin"))
    unit = Unit::kMoney;
  return {path, path, unit, false};
}

std::vector<Figure> comparison_figures(const std::vector<const nlohmann::ordered_json*>& summaries,
                                       const std::vector<std::string>& extra_paths) {
  std::vector<Figure> f = {
      {"success rate", "measured.success_rate", Unit::kFraction},
      {"throughput", "measured.throughput_per_second", Unit::kPerSecond},
      {"latency mean", "latency_seconds.mean", Unit::kSeconds},
      {"latency p50", "latency_seconds.p50", Unit::kSeconds},
      {"latency p90", "latency_seconds.p90", Unit::kSeconds},
      {"latency p99", "latency_seconds.p99", Unit::kSeconds},
      {"latency p99.9", "latency_seconds.p999", Unit::kSeconds},
      {"payments failed", "payments.failed", Unit::kCount},
      {"retries", "attempts.retries", Unit::kCount},
      {"duplicates", "duplicates.count", Unit::kCount},
      {"duplicates amount", "duplicates.amount", Unit::kMoney},
      {"orphan holds", "duplicates.orphan_holds", Unit::kCount},
      {"in doubt", "duplicates.in_doubt.count", Unit::kCount},
      {"worst recovery", "faults[].time_to_recover_seconds", Unit::kSeconds, true},
  };
  if (std::any_of(summaries.begin(), summaries.end(),
                  [](const nlohmann::ordered_json* s) { return has_fraud_data(*s); }))
    for (Figure& fraud : fraud_figures()) f.push_back(std::move(fraud));
  // Nodes in the order the first summary lists them, then any only a later one has.
  std::vector<std::string> nodes;
  std::set<std::string> seen;
  for (const nlohmann::ordered_json* s : summaries) {
    const nlohmann::ordered_json* n = at_path(*s, "nodes");
    if (n == nullptr || !n->is_object()) continue;
    for (const auto& [id, _] : n->items())
      if (seen.insert(id).second) nodes.push_back(id);
  }
  for (const auto& id : nodes) {
    f.push_back({id + " utilisation", "nodes." + id + ".utilisation", Unit::kFraction});
    f.push_back({id + " rejected", "nodes." + id + ".rejected", Unit::kCount});
  }
  for (const auto& p : extra_paths) f.push_back(path_figure(p));
  return f;
}

std::optional<double> figure_value(const nlohmann::ordered_json& summary, const Figure& figure) {
  if (figure.worst_recovery) return worst_recovery(summary);
  const nlohmann::ordered_json* v = at_path(summary, figure.path);
  if (v == nullptr) return std::nullopt;
  return number(*v);
}

}  // namespace payquake::study
