#include "report/summary.hpp"

#include <cstdio>
#include <sstream>

#include "metrics/capacity.hpp"
#include "report/fraud_report.hpp"

namespace payquake::report {
namespace {

using nlohmann::ordered_json;

// Percentiles of nothing are not 0 s: null when no payment was measured.
ordered_json percentiles(const metrics::LogHistogram& h) {
  if (h.count() == 0)
    return ordered_json{{"mean", nullptr}, {"p50", nullptr}, {"p90", nullptr},
                        {"p99", nullptr},  {"p999", nullptr}, {"max", nullptr}};
  return ordered_json{{"mean", h.mean()},          {"p50", h.quantile(0.50)},
                      {"p90", h.quantile(0.90)},   {"p99", h.quantile(0.99)},
                      {"p999", h.quantile(0.999)}, {"max", h.max()}};
}

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

// A share of nothing is not 0%: null in JSON.
ordered_json share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? ordered_json(nullptr) : ordered_json(ratio(part, whole));
}

double per_second(std::uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

constexpr core::ResponseCode kCodes[] = {
    core::ResponseCode::kApproved,          core::ResponseCode::kDoNotHonour,
    core::ResponseCode::kInvalidCard,       core::ResponseCode::kFormatError,
    core::ResponseCode::kInsufficientFunds, core::ResponseCode::kSuspectedFraud,
    core::ResponseCode::kAuthenticationRequired,
    core::ResponseCode::kIssuerInoperative, core::ResponseCode::kSystemMalfunction};

// Figures over the measured interval: arrivals after the warm-up, up to the end of the
// arrivals or, for an interrupted run, to where it stopped.
ordered_json measured_json(const metrics::RunMetrics& m) {
  using core::Outcome;
  const std::uint64_t finals = m.measured_payments();
  return ordered_json{
      {"from_seconds", m.measured_from()},
      {"to_seconds", m.measured_to()},
      {"payments", m.measured_arrivals()},
      {"approved", m.measured_by_outcome(Outcome::kApproved)},
      {"declined", m.measured_by_outcome(Outcome::kDeclined)},
      {"failed", m.measured_by_outcome(Outcome::kFailed)},
      {"abandoned", m.measured_by_outcome(Outcome::kAbandoned)},
      {"unfinished", m.measured_arrivals() - finals},
      {"success_rate", share(m.measured_succeeded(), finals)},
      {"approval_rate", share(m.measured_approved(), finals)},
      {"decline_rate", share(m.measured_by_outcome(Outcome::kDeclined), finals)},
      {"throughput_per_second", per_second(m.measured_approved(), m.measured_seconds())},
  };
}

std::uint64_t finals(const metrics::RunMetrics& m) {
  std::uint64_t n = 0;
  for (auto o : {core::Outcome::kApproved, core::Outcome::kDeclined, core::Outcome::kFailed,
                 core::Outcome::kAbandoned})
    n += m.by_outcome(o);
  return n;
}

// CSV numbers: shortest round-trip form, so files are exact and stable.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// The capacity report (metrics/capacity.hpp): per node and the run's knee, if crossed.
ordered_json capacity_json(const metrics::RunMetrics& m) {
  const auto r = metrics::capacity_report(m.windows(), m.window_s(), m.measured_from(), m.nodes());
  ordered_json nodes = ordered_json::object();
  for (const auto& n : r.nodes) {
    nodes[n.id] = ordered_json{
        {"peak_utilisation", n.peak_utilisation},
        {"peak_window_start_seconds", n.peak_window_start_s},
        {"max_queue", n.max_queue},
        {"rejected", n.rejected},
        {"utilisation_at_knee",
         n.utilisation_at_knee ? ordered_json(*n.utilisation_at_knee) : ordered_json(nullptr)}};
  }
  ordered_json knee = nullptr;
  if (r.knee)
    knee = ordered_json{{"load_per_second", r.knee->load_per_s},
                        {"window_start_seconds", r.knee->window_start_s},
                        {"p99_seconds", r.knee->p99_s},
                        {"baseline_p99_seconds", r.knee->baseline_p99_s},
                        {"factor", metrics::kKneeFactor}};
  return ordered_json{{"window_seconds", r.window_s},
                      {"windows", r.windows},
                      {"knee", knee},
                      {"nodes", nodes}};
}

// The capacity lines of the human summary: the nodes that came near their limit, and the
// knee when the run crossed it.
std::string capacity_text(const metrics::RunMetrics& m) {
  const auto r = metrics::capacity_report(m.windows(), m.window_s(), m.measured_from(), m.nodes());
  std::string out;
  char line[512];
  for (const auto& n : r.nodes) {
    if (n.peak_utilisation < 0.5 && n.rejected == 0) continue;  // far from its limit
    std::snprintf(line, sizeof line,
                  "  capacity     %s: peak utilisation %.1f%% (the %g s window from %g s), max queue "
                  "%lld requests, %llu rejected (whole run)\n",
                  n.id.c_str(), 100 * n.peak_utilisation, r.window_s, n.peak_window_start_s,
                  static_cast<long long>(n.max_queue), static_cast<unsigned long long>(n.rejected));
    out += line;
  }
  if (r.knee) {
    std::snprintf(line, sizeof line,
                  "  knee         at %.0f payments/s offered (the %g s window from %g s): p99 %.1f ms, "
                  "over %g x the light-load p99 of %.1f ms from there up\n",
                  r.knee->load_per_s, r.window_s, r.knee->window_start_s, 1e3 * r.knee->p99_s,
                  metrics::kKneeFactor, 1e3 * r.knee->baseline_p99_s);
    out += line;
  } else if (r.windows >= metrics::kKneeMinWindows) {
    out += "  knee         not crossed (no load in this run made p99 climb past " +
           std::to_string(static_cast<int>(metrics::kKneeFactor)) + "x its light-load value for good)\n";
  }
  return out;
}

}  // namespace

ordered_json summary_json(const core::Scenario& scenario, const metrics::RunMetrics& metrics,
                          const RunInfo& info) {
  using core::Outcome;
  const double measured_s = metrics.measured_seconds();
  ordered_json by_code = ordered_json::object();
  ordered_json declines_by_code = ordered_json::object();
  for (const auto code : kCodes) {
    by_code[core::code_string(code)] = metrics.by_code(code);
    if (core::outcome_of(code) == Outcome::kDeclined)
      declines_by_code[core::code_string(code)] = metrics.by_code(code);
  }

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
      {"invocation", {{"command_line", info.command_line}, {"overrides", info.overrides}}},
      {"simulated_seconds", info.simulated_seconds},
      {"planned_seconds", info.planned_seconds},
      {"wall_seconds", info.wall_seconds},
      {"drain",
       {{"limit_seconds", info.drain_limit_seconds},
        {"limit_reached", info.drain_limit_reached}}},
      {"measured_interval_seconds",
       {{"from", metrics.measured_from()}, {"to", metrics.measured_to()}}},
      // Counts over every arrival of the run, warm-up included; rates and shares (here and
      // in `measured`) over the arrivals after the warm-up: `measured` says which.
      {"payments",
       {{"total", metrics.arrivals()},
        {"approved", metrics.by_outcome(Outcome::kApproved)},
        {"declined", metrics.by_outcome(Outcome::kDeclined)},
        {"failed", metrics.by_outcome(Outcome::kFailed)},
        {"abandoned", metrics.by_outcome(Outcome::kAbandoned)},
        {"unfinished", metrics.arrivals() - finals(metrics)},
        {"success_rate", share(metrics.measured_succeeded(), metrics.measured_payments())},
        {"throughput_per_second", per_second(metrics.measured_approved(), measured_s)},
        {"by_code", by_code},
        {"declines_by_code", declines_by_code}}},
      {"measured", measured_json(metrics)},
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
          // null when no customer gave up: no time to resolve.
          {"resolved_after_seconds",
           sem.in_doubt == 0
               ? ordered_json{{"mean", nullptr}, {"max", nullptr}}
               : ordered_json{{"mean", sem.in_doubt_resolution_s.mean()},
                              {"max", sem.in_doubt_resolution_s.max()}}}}}}},
      // Measured interval (arrivals after the warm-up), money in major units.
      {"fraud", fraud_json(scenario, metrics.fraud())},
      {"conservation",
       {{"ok", info.conserved()},
        {"delta_minor_units", info.accounts_final_minor - info.accounts_opening_minor},
        {"accounts_total", core::to_string(core::Money{info.accounts_final_minor})},
        {"accounts", info.accounts},
        {"held", core::to_string(core::Money{info.accounts_held_minor})},
        {"settled", core::to_string(core::Money{info.accounts_settled_minor})}}},
      {"nodes", nodes},
      {"capacity", capacity_json(metrics)},
      {"engine",
       {{"mode", info.engine_mode},
        {"events", info.events},
        {"peak_payments_in_flight", info.peak_payments_in_flight}}},
  };
}

std::string timeseries_csv(const core::Scenario& scenario, const metrics::RunMetrics& metrics) {
  std::ostringstream out;
  out << "time,arrivals,completions,success_rate,latency_p50_seconds,latency_p99_seconds,"
         "declines,retries,reversals,stand_in_approvals,duplicates,in_doubt";
  for (const auto& n : metrics.nodes()) out << ',' << n.id << "_utilisation," << n.id << "_queue_length";
  out << ",fraud_attempts,fraud_approved,fraud_caught,false_declines,step_ups\n";
  const auto& fraud_windows = metrics.fraud().windows();
  for (std::size_t row = 0; row < metrics.windows().size(); ++row) {
    const auto& w = metrics.windows()[row];
    out << number(w.start_s) << ',' << w.arrivals << ',' << w.completions << ',';
    if (w.completions > 0) out << number(ratio(w.succeeded, w.completions));
    out << ',' << number(w.latency_p50_s) << ',' << number(w.latency_p99_s) << ',' << w.declines
        << ',' << w.retries
        << ',' << w.reversals << ',' << w.stand_in_approvals << ',' << w.duplicates << ','
        << w.in_doubt;
    for (std::size_t i = 0; i < w.node_utilisation.size(); ++i)
      out << ',' << number(w.node_utilisation[i]) << ',' << number(w.node_queue_length[i]);
    // By the window of the payments' intended arrival, like `arrivals`.
    const metrics::FraudWindow f =
        row < fraud_windows.size() ? fraud_windows[row] : metrics::FraudWindow{};
    out << ',' << f.attempts << ',' << f.approved << ',' << f.caught << ',' << f.false_declines
        << ',' << f.step_ups << '\n';
  }
  return out.str();
}

namespace {

std::string count(std::uint64_t n) { return std::to_string(n); }

std::string percent(std::uint64_t part, std::uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f%%", 100 * ratio(part, whole));
  return whole == 0 ? std::string("n/a (nothing answered)") : std::string(buf);
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

// "51 insufficient funds 1234, 05 do not honour 12": the declines a person should see.
std::string declines_line(const metrics::RunMetrics& m) {
  static const std::pair<core::ResponseCode, const char*> kNames[] = {
      {core::ResponseCode::kDoNotHonour, "do not honour"},
      {core::ResponseCode::kInvalidCard, "invalid card"},
      {core::ResponseCode::kFormatError, "format error (refused by the gateway)"},
      {core::ResponseCode::kInsufficientFunds, "insufficient funds"},
      {core::ResponseCode::kSuspectedFraud, "suspected fraud"},
      {core::ResponseCode::kAuthenticationRequired, "authentication required"}};
  std::string out;
  for (const auto& [code, name] : kNames) {
    if (m.by_code(code) == 0) continue;
    out += (out.empty() ? "" : ", ") + std::string(core::code_string(code)) + " " + name + " " +
           count(m.by_code(code));
  }
  return out;
}

std::string status_line(const RunInfo& info) {
  if (info.partial)
    return "  [PARTIAL: interrupted at " + seconds(info.simulated_seconds) + " of " +
           seconds(info.planned_seconds) + " of arrivals; " + count(info.unfinished_payments) +
           " payments unfinished; rates are over the simulated part]\n";
  if (info.drain_limit_reached)
    return "  [DRAIN LIMIT: work still open " + seconds(info.drain_limit_seconds) +
           " after the last arrival was cut; " + count(info.unfinished_payments) +
           " payments unfinished and not reconciled]\n";
  return "";
}

}  // namespace

std::string human_summary(const core::Scenario& scenario, const metrics::RunMetrics& metrics,
                          const RunInfo& info, const std::string& out_dir) {
  using core::Outcome;
  char line[320];
  std::ostringstream out;
  out << "payquake " << kVersion << " - " << scenario.name << " (seed " << info.seed << ")\n"
      << status_line(info);
  std::snprintf(line, sizeof line, "  simulated %.1f s in %.2f s wall (%s engine)\n",
                info.simulated_seconds, info.wall_seconds, info.engine_mode.c_str());
  out << line;
  out << "  payments     " << metrics.arrivals() << " arrived (whole run, warm-up included): "
      << metrics.by_outcome(Outcome::kApproved) << " approved, "
      << metrics.by_outcome(Outcome::kDeclined) << " declined, "
      << metrics.by_outcome(Outcome::kFailed) << " failed, "
      << metrics.by_outcome(Outcome::kAbandoned) << " abandoned";
  if (const auto open = metrics.arrivals() - finals(metrics); open > 0)
    out << ", " << open << " unfinished";
  out << "\n";
  const std::uint64_t answered = metrics.measured_payments();  // finished, measured
  std::snprintf(line, sizeof line,
                "  measured     arrivals in [%.0f s, %.0f s)%s: %llu payments, %.1f approved/s\n",
                metrics.measured_from(), metrics.measured_to(),
                scenario.warmup_s > 0 ? " after the warm-up" : "",
                static_cast<unsigned long long>(metrics.measured_arrivals()),
                per_second(metrics.measured_approved(), metrics.measured_seconds()));
  out << line;
  if (answered == 0) {
    out << "  success rate n/a (no measured payment finished)\n";
  } else {
    out << "  success rate " << percent(metrics.measured_succeeded(), answered) << " of the "
        << answered << " measured payments that finished got an answer (approved "
        << percent(metrics.measured_approved(), answered) << ", declined "
        << percent(metrics.measured_by_outcome(Outcome::kDeclined), answered)
        << "); the rest failed or were abandoned";
    if (const auto open = metrics.measured_arrivals() - answered; open > 0)
      out << "; " << open << " more were unfinished";
    out << "\n";
  }
  if (const std::string d = declines_line(metrics); !d.empty())
    out << "  declines     " << d << " (whole run, by ISO 8583 code)\n";
  const auto& l = metrics.latency_s();
  if (l.count() == 0) {
    std::snprintf(line, sizeof line, "  latency      n/a (no measured payment finished)\n");
  } else {
    std::snprintf(line, sizeof line,
                "  latency      p50 %.1f ms   p90 %.1f ms   p99 %.1f ms   p99.9 %.1f ms   max %.1f ms "
                "(measured payments, from intended arrival)\n",
                1e3 * l.quantile(0.5), 1e3 * l.quantile(0.9), 1e3 * l.quantile(0.99),
                1e3 * l.quantile(0.999), 1e3 * l.max());
  }
  out << line;
  const auto& sem = metrics.semantics();
  std::snprintf(line, sizeof line,
                "  attempts     %llu authorization requests (0100) sent by payers and every hop (whole run): "
                "%llu client retries, %llu hop retries, %llu double submits; %llu reversals "
                "(%llu lost), %llu stand-in approvals\n",
                static_cast<unsigned long long>(sem.authorizations),
                static_cast<unsigned long long>(sem.client_retries),
                static_cast<unsigned long long>(sem.hop_retries),
                static_cast<unsigned long long>(sem.double_submits),
                static_cast<unsigned long long>(sem.reversals),
                static_cast<unsigned long long>(sem.reversals_lost),
                static_cast<unsigned long long>(sem.stand_in_approvals));
  out << line;
  out << "  duplicates   " << sem.duplicates << " payments charged twice or more (whole run; "
      << core::to_string(core::Money{sem.duplicate_amount_minor}) << " charged in excess)";
  bool any = false;
  for (int c = 0; c < static_cast<int>(core::DuplicateCause::kCount); ++c) {
    const auto n = sem.by_cause[static_cast<std::size_t>(c)];
    if (n == 0) continue;
    out << (any ? ", " : ": ") << core::to_string(static_cast<core::DuplicateCause>(c)) << ' ' << n;
    any = true;
  }
  out << "; " << sem.orphan_holds << " orphan holds, " << sem.in_doubt << " in doubt\n";
  if (info.accounts == 0) {
    out << "  conservation not applicable (unlimited funds: no cardholder accounts modelled)\n";
  } else {
    out << "  conservation " << (info.conserved() ? "ok" : "VIOLATED") << " (" << info.accounts
        << " accounts hold " << core::to_string(core::Money{info.accounts_final_minor})
        << " in all, delta " << info.accounts_final_minor - info.accounts_opening_minor
        << " minor units)\n";
  }
  std::size_t busiest = 0;
  for (std::size_t i = 1; i < metrics.nodes().size(); ++i)
    if (metrics.utilisation(i) > metrics.utilisation(busiest)) busiest = i;
  if (!metrics.nodes().empty() && metrics.measured_seconds() > 0) {
    const auto& n = metrics.nodes()[busiest];
    std::snprintf(line, sizeof line,
                  "  busiest node %s: utilisation %.1f%%, mean queue %.2f requests, p99 queue wait "
                  "%.1f ms, %llu rejected (measured interval)\n",
                  n.id.c_str(), 100 * metrics.utilisation(busiest), metrics.mean_queue_length(busiest),
                  1e3 * n.queue_wait_s.quantile(0.99), static_cast<unsigned long long>(n.rejected));
    out << line;
  }
  out << capacity_text(metrics);
  out << fraud_text(scenario, metrics.fraud());
  out << "  results in   " << out_dir
      << "/ (report.html, summary.json, timeseries.csv, faults.csv, metrics.om, scenario.resolved.yaml)\n";
  return out.str();
}

}  // namespace payquake::report
