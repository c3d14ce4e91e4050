#include "report/fraud_report.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace payquake::report {
namespace {

using nlohmann::ordered_json;

std::string money(core::Money m) { return core::to_string(m); }

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

ordered_json attack_json(const metrics::AttackFigures& a) {
  return ordered_json{
      {"kind", core::to_string(a.kind)}, {"attempts", a.attempts}, {"approved", a.approved},
      {"loss", money(a.loss)},           {"caught", a.caught},     {"declined", a.declined},
      {"invalid_card", a.invalid_card},  {"refused", a.refused}};
}

// A policy's file relative to the scenario's folder ("../models/fraud/x.yaml", or the
// scenario's own name for an inline policy): the same bytes wherever the run's files sit.
std::string policy_file(const core::Scenario& scenario, const std::string& file) {
  namespace fs = std::filesystem;
  if (scenario.source_file.empty() || file.empty()) return file;
  std::error_code ec;
  const fs::path base = fs::absolute(fs::path(scenario.source_file), ec).parent_path();
  const fs::path policy = fs::absolute(fs::path(file), ec);
  if (ec) return file;
  const fs::path relative = policy.lexically_normal().lexically_relative(base.lexically_normal());
  return relative.empty() ? file : relative.generic_string();
}

ordered_json policy_json(const core::Scenario& scenario, const metrics::PolicyFigures& p) {
  return ordered_json{{"file", policy_file(scenario, p.file)},
                      {"evaluated", p.evaluated},
                      {"declined", p.declined},
                      {"step_ups", p.step_ups},
                      {"unchecked", p.unchecked},
                      {"declined_outage", p.declined_outage}};
}

}  // namespace

ordered_json fraud_json(const core::Scenario& scenario, const metrics::FraudMetrics& f) {
  const auto& t = f.totals();
  const auto cost = f.cost();
  const auto& added = f.added_latency_s();
  ordered_json by_attack = ordered_json::object();
  for (const auto& a : f.by_attack()) by_attack[a.id] = attack_json(a);
  ordered_json by_policy = ordered_json::object();
  for (const auto& p : f.by_policy()) by_policy[p.id] = policy_json(scenario, p);
  return ordered_json{
      {"attempts", t.attempts},
      {"approved", t.approved},
      {"loss", money(t.loss)},
      {"caught", t.caught},
      {"step_ups", t.step_ups},
      {"step_up_abandoned", t.step_up_abandoned},
      {"abandoned_amount", money(t.abandoned_amount)},
      {"false_declines", t.false_declines},
      {"false_decline_amount", money(t.false_decline_amount)},
      {"chargebacks", t.approved},  // every approved fraudulent payment is charged back
      {"chargeback_fees", money(cost.chargeback_fees)},
      {"lost_margin", money(cost.false_decline_margin + cost.abandonment_margin)},
      {"total_cost", money(cost.total)},
      {"catch_rate", ratio(t.caught, t.attempts)},
      {"false_decline_rate", ratio(t.false_declines, t.legitimate)},
      // 0 with no policy: nothing was added to any payment.
      {"added_latency_seconds", {{"mean", added.mean()}, {"p99", added.quantile(0.99)}}},
      {"by_attack", by_attack},
      {"by_policy", by_policy},
  };
}

std::string fraud_text(const core::Scenario& scenario, const metrics::FraudMetrics& f) {
  if (!f.anything()) return "";
  const auto& t = f.totals();
  const auto cost = f.cost();
  std::string out;
  char line[512];
  // Without a policy nothing is caught or turned away: one line says so instead of a row of
  // zeros about customers no policy saw.
  const bool screened = std::any_of(scenario.nodes.begin(), scenario.nodes.end(),
                                    [](const core::Node& n) { return n.fraud.has_value(); });
  if (screened) {
    std::snprintf(line, sizeof line,
                  "  fraud        %llu fraudulent payments arrived (measured): %llu approved (loss "
                  "%s), %llu caught by a policy or a challenge (%.1f%%)\n",
                  static_cast<unsigned long long>(t.attempts),
                  static_cast<unsigned long long>(t.approved), money(t.loss).c_str(),
                  static_cast<unsigned long long>(t.caught), 100 * ratio(t.caught, t.attempts));
  } else {
    std::snprintf(line, sizeof line,
                  "  fraud        %llu fraudulent payments arrived (measured): %llu approved (loss "
                  "%s); no node runs a fraud policy\n",
                  static_cast<unsigned long long>(t.attempts),
                  static_cast<unsigned long long>(t.approved), money(t.loss).c_str());
  }
  out += line;
  if (screened) {
  std::snprintf(line, sizeof line,
                "  customers    %llu legitimate payments (measured): %llu declined by a policy "
                "(%.3f%%, %s of sales), %llu gave up at a challenge (%s); %llu challenges in "
                "all, fraud included\n",
                static_cast<unsigned long long>(t.legitimate),
                static_cast<unsigned long long>(t.false_declines),
                100 * ratio(t.false_declines, t.legitimate), money(t.false_decline_amount).c_str(),
                static_cast<unsigned long long>(t.step_up_abandoned),
                money(t.abandoned_amount).c_str(), static_cast<unsigned long long>(t.step_ups));
  out += line;
  }
  std::snprintf(line, sizeof line,
                "  fraud cost   %s = loss %s + chargeback fees %s (%llu x %s) + lost margin %s "
                "(%.0f%% of %s declined or abandoned)\n",
                money(cost.total).c_str(), money(cost.fraud_loss).c_str(),
                money(cost.chargeback_fees).c_str(), static_cast<unsigned long long>(t.approved),
                money(scenario.fraud.chargeback_fee).c_str(),
                money(cost.false_decline_margin + cost.abandonment_margin).c_str(),
                100 * scenario.fraud.margin,
                money(t.false_decline_amount + t.abandoned_amount).c_str());
  out += line;
  if (const auto& h = f.added_latency_s(); h.count() > 0) {
    std::snprintf(line, sizeof line,
                  "  fraud delay  mean %.1f ms, p99 %.1f ms per legitimate payment (policy "
                  "scoring and challenges)\n",
                  1e3 * h.mean(), 1e3 * h.quantile(0.99));
    out += line;
  }
  for (const auto& a : f.by_attack()) {
    std::snprintf(
        line, sizeof line,
        "  attack       %s (%s): %llu payments, %llu approved (loss %s), %llu caught, "
        "%llu declined, %llu invalid card (14), %llu refused (30)\n",
        a.id.c_str(), core::to_string(a.kind), static_cast<unsigned long long>(a.attempts),
        static_cast<unsigned long long>(a.approved), money(a.loss).c_str(),
        static_cast<unsigned long long>(a.caught), static_cast<unsigned long long>(a.declined),
        static_cast<unsigned long long>(a.invalid_card),
        static_cast<unsigned long long>(a.refused));
    out += line;
  }
  for (const auto& p : f.by_policy()) {
    std::snprintf(
        line, sizeof line,
        "  policy       %s (%s): %llu decisions, %llu declined, %llu step-ups; in its "
        "outage %llu unchecked, %llu declined\n",
        p.id.c_str(), p.file.empty() ? "inline" : policy_file(scenario, p.file).c_str(),
        static_cast<unsigned long long>(p.evaluated), static_cast<unsigned long long>(p.declined),
        static_cast<unsigned long long>(p.step_ups), static_cast<unsigned long long>(p.unchecked),
        static_cast<unsigned long long>(p.declined_outage));
    out += line;
  }
  return out;
}

}  // namespace payquake::report
