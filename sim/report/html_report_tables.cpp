#include "report/html_report_tables.hpp"

#include "report/html_page.hpp"

namespace payquake::report::run_tables {
namespace {

using html::at;
using html::fmt;
using nlohmann::ordered_json;

struct Row {
  const char* label;
  const char* path;
  const char* kind;
};

const Row kSummaryRows[] = {
    {"payments arrived (whole run)", "payments.total", "count"},
    {"approved (whole run)", "payments.approved", "count"},
    {"declined (whole run)", "payments.declined", "count"},
    {"failed (whole run)", "payments.failed", "count"},
    {"abandoned (whole run)", "payments.abandoned", "count"},
    {"unfinished when the run ended", "payments.unfinished", "count"},
    {"measured payments (after warm-up)", "measured.payments", "count"},
    {"success rate (measured)", "measured.success_rate", "percent"},
    {"approval rate (measured)", "measured.approval_rate", "percent"},
    {"throughput (measured, approved)", "measured.throughput_per_second", "rate"},
    {"latency p50 (measured)", "latency_seconds.p50", "ms"},
    {"latency p90 (measured)", "latency_seconds.p90", "ms"},
    {"latency p99 (measured)", "latency_seconds.p99", "ms"},
    {"latency p99.9 (measured)", "latency_seconds.p999", "ms"},
    {"latency max (measured)", "latency_seconds.max", "ms"},
    {"0100 requests, every hop (whole run)", "attempts.total", "count"},
    {"retries, client + hop (whole run)", "attempts.retries", "count"},
    {"reversals (whole run)", "attempts.reversals", "count"},
    {"stand-in approvals (whole run)", "attempts.stand_in_approvals", "count"},
    {"duplicate charges (whole run)", "duplicates.count", "count"},
    {"charged in excess", "duplicates.amount", "count"},
    {"orphan holds", "duplicates.orphan_holds", "count"},
    {"in doubt (payer gave up)", "duplicates.in_doubt.count", "count"},
    {"conservation holds", "conservation.ok", "count"},
    {"simulated time", "simulated_seconds", "s"},
    {"partial (interrupted)", "partial", "count"},
};

// Shown when the run has fraud data (fraud_report.hpp): money in major units.
const Row kFraudRows[] = {
    {"fraud attempts (measured)", "fraud.attempts", "count"},
    {"fraud approved (measured)", "fraud.approved", "count"},
    {"fraud loss (measured)", "fraud.loss", "count"},
    {"fraud caught (measured)", "fraud.caught", "count"},
    {"catch rate (measured)", "fraud.catch_rate", "percent"},
    {"false declines (measured)", "fraud.false_declines", "count"},
    {"false decline rate (measured)", "fraud.false_decline_rate", "percent"},
    {"step-ups (measured)", "fraud.step_ups", "count"},
    {"fraud total cost (measured)", "fraud.total_cost", "count"},
    {"fraud added latency p99 (legitimate)", "fraud.added_latency_seconds.p99", "ms"},
};

bool has_fraud(const ordered_json& s) {
  const ordered_json& f = at(s, "fraud");
  if (!f.is_object()) return false;
  const ordered_json& attempts = at(f, "attempts");
  return !at(f, "by_attack").empty() || !at(f, "by_policy").empty() ||
         (attempts.is_number() && attempts.get<double>() > 0);
}

}  // namespace

void summary_table(std::ostream& out, const ordered_json& s, const ordered_json& control) {
  const bool with_control = !control.is_null();
  out << "<table><tr><th>figure</th><th>this run</th>";
  if (with_control) out << "<th>control (no faults)</th>";
  out << "</tr>\n";
  auto row = [&](const Row& r) {
    out << "<tr><td>" << r.label << "</td><td>" << fmt(at(s, r.path), r.kind) << "</td>";
    if (with_control) out << "<td>" << fmt(at(control, r.path), r.kind) << "</td>";
    out << "</tr>\n";
  };
  for (const Row& r : kSummaryRows) row(r);
  if (has_fraud(s) || (with_control && has_fraud(control)))
    for (const Row& r : kFraudRows) row(r);
  out << "</table>\n";
}

void faults_table(std::ostream& out, const ordered_json& faults) {
  if (!faults.is_array() || faults.empty()) {
    out << "<p>No faults in this scenario.</p>\n";
    return;
  }
  out << "<table><tr><th>fault</th><th>target</th><th>window (simulated s)</th>"
         "<th>time to detect</th><th>time to recover (after it ended)</th><th>recovered</th>"
         "<th>failed payments</th><th>duplicates</th><th>error budget consumed</th></tr>\n";
  for (const auto& f : faults) {
    out << "<tr><td>" << fmt(f["kind"], "") << "</td><td>" << fmt(f["target"], "") << "</td><td>"
        << fmt(f["start"], "") << " &ndash; " << fmt(f["end"], "") << "</td><td>"
        << fmt(at(f, "time_to_detect_seconds"), "s") << "</td><td>"
        << fmt(at(f, "time_to_recover_seconds"), "s") << "</td><td>";
    const ordered_json& rec = at(f, "recovered");
    if (!at(f, "reached").is_null() && at(f, "reached") == false) {
      out << "not reached";
    } else if (rec.is_null()) {
      out << "not judged";
    } else {
      out << (rec.get<bool>() ? "yes" : "<span class=failed>NEVER</span>");
    }
    out << "</td><td>" << fmt(at(f, "failed_payments"), "") << "</td><td>"
        << fmt(at(f, "duplicates"), "") << "</td><td>"
        << fmt(at(f, "error_budget_consumed"), "percent") << "</td></tr>\n";
  }
  out << "</table>\n<p class=note>Time to detect: from the fault's start to the end of the "
         "first window failing the SLO. Time to recover: from its end to the start of the first "
         "run of <code>stable_for</code> in which every window meets the SLO. Error budget: 1 = "
         "the run's whole budget ((1 &minus; success target) &times; payments).</p>\n";
}

void expectations_table(std::ostream& out, const ordered_json& s) {
  const ordered_json& ex = at(s, "expectations");
  if (!ex.is_array() || ex.empty()) {
    out << "<p>The scenario states no expectations.</p>\n";
    return;
  }
  out << "<table><tr><th>expectation</th><th>measured</th><th>held</th></tr>\n";
  for (const auto& e : ex) {
    const ordered_json& held = at(e, "held");
    out << "<tr><td><code>" << fmt(e["expect"], "") << "</code></td><td>" << fmt(at(e, "value"), "")
        << "</td><td>"
        << (held.is_null()     ? "<span class=unjudged>not judged</span>"
            : held.get<bool>() ? "<span class=held>held</span>"
                               : "<span class=failed>FAILED</span>")
        << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace payquake::report::run_tables
