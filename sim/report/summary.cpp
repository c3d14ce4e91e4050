#include "report/summary.hpp"

#include <cstdio>
#include <sstream>

namespace payquake::report {
namespace {

using nlohmann::ordered_json;

ordered_json percentiles(const metrics::LogHistogram& h) {
  return ordered_json{{"mean", h.mean()},          {"p50", h.quantile(0.50)},
                      {"p90", h.quantile(0.90)},   {"p99", h.quantile(0.99)},
                      {"p999", h.quantile(0.999)}, {"max", h.max()}};
}

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// CSV numbers: shortest round-trip form, so files are exact and stable.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

ordered_json summary_json(const core::Scenario& scenario, const metrics::RunMetrics& metrics,
                          const RunInfo& info) {
  using core::Outcome;
  const double measured_s = metrics.measured_seconds();
  ordered_json by_code = ordered_json::object();
  for (const auto code :
       {core::ResponseCode::kApproved, core::ResponseCode::kDoNotHonour,
        core::ResponseCode::kInsufficientFunds, core::ResponseCode::kSuspectedFraud,
        core::ResponseCode::kIssuerInoperative, core::ResponseCode::kSystemMalfunction})
    by_code[core::code_string(code)] = metrics.by_code(code);

  ordered_json nodes = ordered_json::object();
  for (std::size_t i = 0; i < metrics.nodes().size(); ++i) {
    const auto& n = metrics.nodes()[i];
    nodes[n.id] = ordered_json{
        {"role", core::to_string(scenario.nodes[i].role)},
        {"utilisation", metrics.utilisation(i)},
        {"served", n.served},
        {"rejected", n.rejected},
        {"timeouts", n.timeouts},
        {"late_answers", n.late_answers},
        {"ejections", n.ejections},
        {"marked_unhealthy", n.marked_unhealthy},
        {"queue_length", {{"mean", metrics.mean_queue_length(i)}, {"max", n.max_queue}}},
        {"queue_wait_seconds",
         {{"mean", n.queue_wait_s.mean()}, {"p99", n.queue_wait_s.quantile(0.99)}}},
        {"service_seconds", {{"mean", n.service_s.mean()}, {"p99", n.service_s.quantile(0.99)}}},
    };
  }

  const auto& sem = metrics.semantics();
  ordered_json by_cause = ordered_json::object();
  for (int c = 0; c < static_cast<int>(core::DuplicateCause::kCount); ++c)
    by_cause[core::to_string(static_cast<core::DuplicateCause>(c))] = sem.by_cause[static_cast<std::size_t>(c)];

  return ordered_json{
      {"scenario", scenario.name},
      {"seed", info.seed},
      {"version", kVersion},
      {"partial", info.partial},
      {"simulated_seconds", info.simulated_seconds},
      {"wall_seconds", info.wall_seconds},
      {"measured_interval_seconds", {{"from", scenario.warmup_s}, {"to", scenario.duration_s}}},
      {"payments",
       {{"total", metrics.arrivals()},
        {"approved", metrics.by_outcome(Outcome::kApproved)},
        {"declined", metrics.by_outcome(Outcome::kDeclined)},
        {"failed", metrics.by_outcome(Outcome::kFailed)},
        {"abandoned", metrics.by_outcome(Outcome::kAbandoned)},
        {"success_rate", ratio(metrics.measured_succeeded(), metrics.measured_payments())},
        {"throughput_per_second",
         measured_s > 0 ? static_cast<double>(metrics.measured_approved()) / measured_s : 0.0},
        {"by_code", by_code}}},
      {"latency_seconds", percentiles(metrics.latency_s())},
      {"attempts",
       {{"total", sem.authorizations},
        {"retries", sem.client_retries + sem.hop_retries},
        {"client_retries", sem.client_retries},
        {"hop_retries", sem.hop_retries},
        {"double_submits", sem.double_submits},
        {"reversals", sem.reversals},
        {"reversals_lost", sem.reversals_lost},
        {"stand_in_approvals", sem.stand_in_approvals},
        {"stand_in_declines", sem.stand_in_declines},
        {"advices", sem.advices},
        {"advices_lost", sem.advices_lost},
        {"payer_late_answers", sem.payer_late_answers},
        // Every request sent by every hop, by ISO 8583 message type.
        {"messages",
         {{core::mti(core::Message::kAuthorization, false), sem.messages[0]},
          {core::mti(core::Message::kReversal, false), sem.messages[1]},
          {core::mti(core::Message::kAdvice, false), sem.messages[2]}}}}},
      {"idempotency",
       {{"replays", sem.key_replays},
        {"conflicts", sem.key_conflicts},
        {"waits", sem.key_waits},
        {"store_unavailable", sem.key_store_unavailable}}},
      {"duplicates",
       {{"count", sem.duplicates},
        {"amount", core::to_string(core::Money{sem.duplicate_amount_minor})},
        {"orphan_holds", sem.orphan_holds},
        {"by_cause", by_cause},
        {"in_doubt",
         {{"count", sem.in_doubt},
          {"resolved_after_seconds",
           {{"mean", sem.in_doubt_resolution_s.mean()},
            {"max", sem.in_doubt_resolution_s.max()}}}}}}},
      {"conservation",
       {{"ok", info.conserved()},
        {"delta_minor_units", info.accounts_final_minor - info.accounts_opening_minor},
        {"accounts_total", core::to_string(core::Money{info.accounts_final_minor})}}},
      {"nodes", nodes},
      {"engine",
       {{"mode", info.engine_mode},
        {"events", info.events},
        {"peak_payments_in_flight", info.peak_payments_in_flight}}},
  };
}

std::string timeseries_csv(const core::Scenario& scenario, const metrics::RunMetrics& metrics) {
  std::ostringstream out;
  out << "time,arrivals,completions,success_rate,latency_p50_seconds,latency_p99_seconds,"
         "retries,reversals,stand_in_approvals,duplicates,in_doubt";
  for (const auto& n : metrics.nodes()) out << ',' << n.id << "_utilisation," << n.id << "_queue_length";
  out << '\n';
  for (const auto& w : metrics.windows()) {
    out << number(w.start_s) << ',' << w.arrivals << ',' << w.completions << ',';
    if (w.completions > 0) out << number(ratio(w.succeeded, w.completions));
    out << ',' << number(w.latency_p50_s) << ',' << number(w.latency_p99_s) << ',' << w.retries
        << ',' << w.reversals << ',' << w.stand_in_approvals << ',' << w.duplicates << ','
        << w.in_doubt;
    for (std::size_t i = 0; i < w.node_utilisation.size(); ++i)
      out << ',' << number(w.node_utilisation[i]) << ',' << number(w.node_queue_length[i]);
    out << '\n';
  }
  return out.str();
}

std::string human_summary(const core::Scenario& scenario, const metrics::RunMetrics& metrics,
                          const RunInfo& info, const std::string& out_dir) {
  using core::Outcome;
  char line[256];
  std::ostringstream out;
  out << "payquake " << kVersion << " - " << scenario.name << " (seed " << info.seed << ")"
      << (info.partial ? "  [PARTIAL: interrupted]" : "") << "\n";
  std::snprintf(line, sizeof line, "  simulated %.1f s in %.2f s wall (%s engine)\n",
                info.simulated_seconds, info.wall_seconds, info.engine_mode.c_str());
  out << line;
  std::snprintf(line, sizeof line,
                "  payments     %llu: %llu approved, %llu declined, %llu failed, %llu abandoned\n",
                static_cast<unsigned long long>(metrics.arrivals()),
                static_cast<unsigned long long>(metrics.by_outcome(Outcome::kApproved)),
                static_cast<unsigned long long>(metrics.by_outcome(Outcome::kDeclined)),
                static_cast<unsigned long long>(metrics.by_outcome(Outcome::kFailed)),
                static_cast<unsigned long long>(metrics.by_outcome(Outcome::kAbandoned)));
  out << line;
  const double measured_s = metrics.measured_seconds();
  std::snprintf(line, sizeof line, "  success rate %.3f%%   throughput %.1f approved/s (after %.0f s warm-up)\n",
                100 * ratio(metrics.measured_succeeded(), metrics.measured_payments()),
                measured_s > 0 ? static_cast<double>(metrics.measured_approved()) / measured_s : 0.0,
                scenario.warmup_s);
  out << line;
  const auto& l = metrics.latency_s();
  std::snprintf(line, sizeof line,
                "  latency      p50 %.1f ms   p90 %.1f ms   p99 %.1f ms   p99.9 %.1f ms   max %.1f ms\n",
                1e3 * l.quantile(0.5), 1e3 * l.quantile(0.9), 1e3 * l.quantile(0.99),
                1e3 * l.quantile(0.999), 1e3 * l.max());
  out << line;
  const auto& sem = metrics.semantics();
  std::snprintf(line, sizeof line,
                "  attempts     %llu authorizations: %llu client retries, %llu hop retries, "
                "%llu double submits, %llu reversals (%llu lost), %llu stand-in approvals\n",
                static_cast<unsigned long long>(sem.authorizations),
                static_cast<unsigned long long>(sem.client_retries),
                static_cast<unsigned long long>(sem.hop_retries),
                static_cast<unsigned long long>(sem.double_submits),
                static_cast<unsigned long long>(sem.reversals),
                static_cast<unsigned long long>(sem.reversals_lost),
                static_cast<unsigned long long>(sem.stand_in_approvals));
  out << line;
  out << "  duplicates   " << sem.duplicates << " payments charged twice or more ("
      << core::to_string(core::Money{sem.duplicate_amount_minor}) << ")";
  bool any = false;
  for (int c = 0; c < static_cast<int>(core::DuplicateCause::kCount); ++c) {
    const auto n = sem.by_cause[static_cast<std::size_t>(c)];
    if (n == 0) continue;
    out << (any ? ", " : ": ") << core::to_string(static_cast<core::DuplicateCause>(c)) << ' ' << n;
    any = true;
  }
  out << "; " << sem.orphan_holds << " orphan holds, " << sem.in_doubt << " in doubt\n";
  out << "  conservation " << (info.conserved() ? "ok" : "VIOLATED") << " (accounts total "
      << core::to_string(core::Money{info.accounts_final_minor}) << ", delta "
      << info.accounts_final_minor - info.accounts_opening_minor << " minor units)\n";
  std::size_t busiest = 0;
  for (std::size_t i = 1; i < metrics.nodes().size(); ++i)
    if (metrics.utilisation(i) > metrics.utilisation(busiest)) busiest = i;
  if (!metrics.nodes().empty()) {
    const auto& n = metrics.nodes()[busiest];
    std::snprintf(line, sizeof line,
                  "  busiest node %s: utilisation %.1f%%, mean queue %.2f, p99 queue wait %.1f ms, "
                  "%llu rejected\n",
                  n.id.c_str(), 100 * metrics.utilisation(busiest), metrics.mean_queue_length(busiest),
                  1e3 * n.queue_wait_s.quantile(0.99), static_cast<unsigned long long>(n.rejected));
    out << line;
  }
  out << "  results in   " << out_dir
      << "/ (summary.json, timeseries.csv, faults.csv, scenario.resolved.yaml)\n";
  return out.str();
}

}  // namespace payquake::report
