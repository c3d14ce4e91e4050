// The metrics an `expect:` hypothesis may name: one table for the reader (which checks the
// names and reads values in their unit), the report (which finds each value in
// summary.json and prints it in its unit) and the documentation test.
#pragma once

#include <array>
#include <string_view>

namespace payquake::core {

enum class MetricUnit {
  kDuration,     // "<= 2m": seconds
  kPercent,      // ">= 99%": a fraction (a plain 0.99 is rejected, as for every percentage)
  kMoney,        // "<= 100.00": major units
  kCount,        // "== 0", "<= 1_000"
  kRate,         // ">= 500/s" or ">= 500": per second
  kSummaryPath,  // a dotted path into summary.json: a plain number, or a duration or a
                 // percentage converted to seconds or a fraction
};

struct ExpectMetric {
  std::string_view name;
  MetricUnit unit;
  // Where summary.json holds it (a JSON pointer); empty: computed from faults[].
  std::string_view pointer;
  // Only grows while a run goes on (a count of events): a partial run that already
  // exceeds an upper bound has failed it for good.
  bool grows = false;
};

inline constexpr auto kExpectMetrics = std::to_array<ExpectMetric>({
    {"duplicates", MetricUnit::kCount, "/duplicates/count", true},
    {"duplicate_amount", MetricUnit::kMoney, "/duplicates/amount", true},
    {"orphan_holds", MetricUnit::kCount, "/duplicates/orphan_holds", true},
    {"in_doubt", MetricUnit::kCount, "/duplicates/in_doubt/count", true},
    {"recovery_time", MetricUnit::kDuration, "", false},
    {"detect_time", MetricUnit::kDuration, "", false},
    {"success_rate", MetricUnit::kPercent, "/payments/success_rate", false},
    {"latency_p50", MetricUnit::kDuration, "/latency_seconds/p50", false},
    {"latency_p90", MetricUnit::kDuration, "/latency_seconds/p90", false},
    {"latency_p99", MetricUnit::kDuration, "/latency_seconds/p99", false},
    {"latency_p999", MetricUnit::kDuration, "/latency_seconds/p999", false},
    {"latency_max", MetricUnit::kDuration, "/latency_seconds/max", true},
    {"latency_mean", MetricUnit::kDuration, "/latency_seconds/mean", false},
    {"payments", MetricUnit::kCount, "/payments/total", true},
    {"approved", MetricUnit::kCount, "/payments/approved", true},
    {"declined", MetricUnit::kCount, "/payments/declined", true},
    {"failed", MetricUnit::kCount, "/payments/failed", true},
    {"abandoned", MetricUnit::kCount, "/payments/abandoned", true},
    {"retries", MetricUnit::kCount, "/attempts/retries", true},
    {"reversals", MetricUnit::kCount, "/attempts/reversals", true},
    {"stand_in_approvals", MetricUnit::kCount, "/attempts/stand_in_approvals", true},
    {"throughput", MetricUnit::kRate, "/payments/throughput_per_second", false},
    // Fraud (issue 10): payments that arrived after the warm-up, as summary.json "fraud".
    {"fraud_attempts", MetricUnit::kCount, "/fraud/attempts", true},
    {"fraud_approved", MetricUnit::kCount, "/fraud/approved", true},
    {"fraud_loss", MetricUnit::kMoney, "/fraud/loss", true},
    {"fraud_caught", MetricUnit::kCount, "/fraud/caught", true},
    {"false_declines", MetricUnit::kCount, "/fraud/false_declines", true},
    {"false_decline_amount", MetricUnit::kMoney, "/fraud/false_decline_amount", true},
    {"step_ups", MetricUnit::kCount, "/fraud/step_ups", true},
    {"fraud_total_cost", MetricUnit::kMoney, "/fraud/total_cost", true},
    {"catch_rate", MetricUnit::kPercent, "/fraud/catch_rate", false},
    {"false_decline_rate", MetricUnit::kPercent, "/fraud/false_decline_rate", false},
});

inline const ExpectMetric* find_expect_metric(std::string_view name) {
  for (const auto& m : kExpectMetrics)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace payquake::core
