#include "report/openmetrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <tuple>
#include <vector>

namespace payquake::report {
namespace {

using metrics::WindowRow;

// The shortest text that reads back as the same double ("0.25", "1e-05", "3").
std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string count(std::uint64_t v) { return std::to_string(v); }

// Label values escape backslash, double quote and newline (OpenMetrics ABNF).
std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// The windows one exported point covers: [first, last], exported at last's end.
struct Point {
  std::size_t first = 0;
  std::size_t last = 0;
  std::string timestamp;  // Unix seconds of the end of `last`
};

class Writer {
 public:
  Writer(std::ostream& out, const core::Scenario& scenario, const metrics::RunMetrics& m,
         const OpenMetricsOptions& options)
      : out_(out), scenario_(scenario), m_(m), windows_(m.windows()) {
    base_labels_ = "scenario=\"" + escape(options.scenario) + "\",run=\"" +
                   escape(options.run) + "\"";
    stride_ = export_stride(windows_.size(), series_count());
    for (std::size_t first = 0; first < windows_.size(); first += stride_) {
      Point p;
      p.first = first;
      p.last = std::min(first + stride_, windows_.size()) - 1;
      char buf[48];
      const double end = windows_[p.last].start_s + m.window_s();
      std::snprintf(buf, sizeof buf, "%.3f", options.epoch_s + end);
      p.timestamp = buf;
      points_.push_back(std::move(p));
    }
  }

  void write_all() {
    run_info();
    payments();
    arrivals();
    duration_histogram();
    counter_family("payquake_retries", "Client and hop retries sent (0100 sent again)",
                   [](const WindowRow& w) { return w.retries; });
    counter_family("payquake_reversals", "Reversals (0400) originated or resent by a hop",
                   [](const WindowRow& w) { return w.reversals; });
    counter_family("payquake_stand_in_approvals",
                   "Payments the network approved in place of an unreachable issuer",
                   [](const WindowRow& w) { return w.stand_in_approvals; });
    duplicates();
    fraud();
    node_gauges();
    faults();
    slo();
    out_ << "# EOF\n";
  }

 private:
  // Series per family, for the size limit (an upper bound: every outcome/code pair).
  std::size_t series_count() const {
    const std::size_t nodes = scenario_.nodes.size();
    return 1 + 4 * 6 + 1 + (metrics::kLatencyBuckets + 2) + 3 +
           static_cast<std::size_t>(core::DuplicateCause::kCount) + 6 + 2 * nodes +
           scenario_.faults.size() + 2;
  }

  void family(const std::string& name, const char* type, const std::string& help,
              const char* unit = nullptr) {
    out_ << "# TYPE " << name << ' ' << type << '\n';
    if (unit != nullptr) out_ << "# UNIT " << name << ' ' << unit << '\n';
    out_ << "# HELP " << name << ' ' << help << '\n';
  }

  void sample(const std::string& name, const std::string& labels, const std::string& value,
              const Point& p) {
    out_ << name << '{' << base_labels_ << labels << "} " << value << ' ' << p.timestamp << '\n';
  }

  // A counter over windows: the cumulative sum of `per_window` at each point.
  template <class F>
  void cumulative(const std::string& name, const std::string& labels, F per_window) {
    std::uint64_t total = 0;
    for (const Point& p : points_) {
      for (std::size_t i = p.first; i <= p.last; ++i) total += per_window(windows_[i]);
      sample(name, labels, count(total), p);
    }
  }

  template <class F>
  void counter_family(const std::string& name, const std::string& help, F per_window) {
    family(name, "counter", help);
    cumulative(name + "_total", "", per_window);
  }

  // A gauge: the mean over the windows a point covers (each window is already a time
  // average, and windows are equally wide).
  template <class F>
  void averaged(const std::string& name, const std::string& labels, F per_window) {
    for (const Point& p : points_) {
      double sum = 0;
      for (std::size_t i = p.first; i <= p.last; ++i) sum += per_window(windows_[i]);
      sample(name, labels, number(sum / static_cast<double>(p.last - p.first + 1)), p);
    }
  }

  void run_info() {
    family("payquake_run_info", "gauge",
           "1 for the run; its labels give the seed, the metrics window and the export step "
           "(seconds of simulated time between points)");
    const std::string labels = ",seed=\"" + std::to_string(scenario_.seed) +
                               "\",window_seconds=\"" + number(m_.window_s()) +
                               "\",step_seconds=\"" +
                               number(m_.window_s() * static_cast<double>(stride_)) + "\"";
    for (const Point& p : points_) sample("payquake_run_info", labels, "1", p);
  }

  void payments() {
    family("payquake_payments", "counter",
           "Payments that reached a final state seen by the payer, by outcome and ISO 8583 "
           "response code (code \"none\" for abandoned: no answer)");
    // Every (outcome, code) pair that occurs anywhere in the run is a series from time 0.
    std::map<std::pair<int, int>, bool> pairs;
    for (const auto& w : windows_)
      for (const auto& f : w.finals)
        pairs[{static_cast<int>(f.outcome), static_cast<int>(f.code)}] = true;
    // Approved and failed are always present, so rate queries have a series even at 0.
    pairs[{static_cast<int>(core::Outcome::kApproved), 0}] = true;
    pairs[{static_cast<int>(core::Outcome::kFailed), 96}] = true;
    for (const auto& [key, unused] : pairs) {
      const auto outcome = static_cast<core::Outcome>(key.first);
      const auto code = static_cast<core::ResponseCode>(key.second);
      const std::string code_label =
          outcome == core::Outcome::kAbandoned ? "none" : core::code_string(code);
      cumulative("payquake_payments_total",
                 ",outcome=\"" + std::string(core::to_string(outcome)) + "\",code=\"" +
                     code_label + "\"",
                 [&](const WindowRow& w) {
                   std::uint64_t n = 0;
                   for (const auto& f : w.finals)
                     if (f.outcome == outcome && f.code == code) n += f.count;
                   return n;
                 });
    }
  }

  void arrivals() {
    counter_family("payquake_arrivals", "Payments that arrived (intended arrival times)",
                   [](const WindowRow& w) { return w.arrivals; });
  }

  void duration_histogram() {
    const std::string name = "payquake_payment_duration_seconds";
    family(name, "histogram",
           "Payer-visible latency from the intended arrival to the final answer, retries "
           "included, of the payments answered (or abandoned) so far",
           "seconds");
    std::array<std::uint64_t, metrics::kLatencyBuckets> cumulative{};
    double sum = 0;
    for (const Point& p : points_) {
      for (std::size_t i = p.first; i <= p.last; ++i) {
        for (std::size_t b = 0; b < metrics::kLatencyBuckets; ++b)
          cumulative[b] += windows_[i].latency_buckets[b];
        sum += windows_[i].latency_sum_s;
      }
      std::uint64_t below = 0;
      for (std::size_t b = 0; b < metrics::kLatencyBuckets; ++b) {
        below += cumulative[b];
        const std::string le = b < metrics::kLatencyBucketBounds.size()
                                   ? number(metrics::kLatencyBucketBounds[b])
                                   : std::string("+Inf");
        sample(name + "_bucket", ",le=\"" + le + "\"", count(below), p);
      }
      sample(name + "_count", "", count(below), p);
      sample(name + "_sum", "", number(sum), p);
    }
  }

  void duplicates() {
    family("payquake_duplicate_payments", "counter",
           "Payments charged more than once, by cause, counted when the ledger reconciled them");
    for (int c = 0; c < static_cast<int>(core::DuplicateCause::kCount); ++c) {
      cumulative("payquake_duplicate_payments_total",
                 ",cause=\"" + std::string(core::to_string(static_cast<core::DuplicateCause>(c))) +
                     "\"",
                 [c](const WindowRow& w) { return w.duplicates_by_cause[c]; });
    }
  }

  // A counter over the fraud windows (metrics::FraudMetrics, one per window of the run).
  // Summed in integers (counts, minor units) and divided by `unit` only when written, so
  // that 123.45 reads 123.45.
  template <class F>
  void cumulative_fraud(const std::string& name, const std::string& labels, F per_window,
                        double unit = 1.0) {
    const auto& fws = m_.fraud().windows();
    std::int64_t total = 0;
    for (const Point& p : points_) {
      for (std::size_t i = p.first; i <= p.last && i < fws.size(); ++i)
        total += static_cast<std::int64_t>(per_window(fws[i]));
      sample(name, labels,
             unit == 1.0 ? std::to_string(total) : number(static_cast<double>(total) / unit), p);
    }
  }

  // Fraudulent payments by how they ended, false declines and the loss (issue 10); counted
  // in the window of the payment's intended arrival, like payquake_arrivals.
  void fraud() {
    using metrics::FraudWindow;
    family("payquake_fraud_payments", "counter",
           "Fraudulent payments (ground truth) by how they ended: approved (charged, no "
           "challenge), stepped_up_passed (charged after passing a 3-D Secure challenge), "
           "caught (declined by a policy or stopped at the challenge), other (reconciled "
           "uncharged: declined by the issuer, refused, failed or abandoned)");
    cumulative_fraud("payquake_fraud_payments_total", ",result=\"approved\"",
                     [](const FraudWindow& w) { return w.approved - w.approved_after_challenge; });
    cumulative_fraud("payquake_fraud_payments_total", ",result=\"caught\"",
                     [](const FraudWindow& w) { return w.caught; });
    cumulative_fraud("payquake_fraud_payments_total", ",result=\"stepped_up_passed\"",
                     [](const FraudWindow& w) { return w.approved_after_challenge; });
    cumulative_fraud("payquake_fraud_payments_total", ",result=\"other\"",
                     [](const FraudWindow& w) { return w.ended_other; });
    family("payquake_false_declines", "counter",
           "Legitimate payments declined by a fraud policy (59 by a rule, 05 failing closed)");
    cumulative_fraud("payquake_false_declines_total", "",
                     [](const FraudWindow& w) { return w.false_declines; });
    family("payquake_fraud_loss", "counter",
           "Money charged on fraudulent payments, in major units of the scenario's currency");
    cumulative_fraud(
        "payquake_fraud_loss_total", "", [](const FraudWindow& w) { return w.loss.minor; }, 100.0);
  }

  void node_gauges() {
    const auto& nodes = m_.nodes();
    family("payquake_node_utilisation_ratio", "gauge",
           "Busy workers over all workers of the node (every replica), time-averaged");
    for (std::size_t n = 0; n < nodes.size(); ++n)
      averaged("payquake_node_utilisation_ratio", ",node=\"" + escape(nodes[n].id) + "\"",
               [n](const WindowRow& w) { return w.node_utilisation[n]; });
    family("payquake_node_queue_length", "gauge",
           "Requests waiting for a worker at the node (every replica), time-averaged");
    for (std::size_t n = 0; n < nodes.size(); ++n)
      averaged("payquake_node_queue_length", ",node=\"" + escape(nodes[n].id) + "\"",
               [n](const WindowRow& w) { return w.node_queue_length[n]; });
  }

  void faults() {
    if (scenario_.faults.empty()) return;
    family("payquake_fault_active", "gauge",
           "1 while the fault is active at any moment of the point's windows, else 0");
    // One series per (kind, target): two episodes of one fault share it.
    std::map<std::pair<std::string, std::string>, std::vector<const core::Fault*>> series;
    for (const auto& f : scenario_.faults) series[{core::to_string(f.kind), fault_target(f)}].push_back(&f);
    for (const auto& [key, episodes] : series) {
      const std::string labels =
          ",kind=\"" + escape(key.first) + "\",target=\"" + escape(key.second) + "\"";
      for (const Point& p : points_) {
        const double from = windows_[p.first].start_s;
        const double to = windows_[p.last].start_s + m_.window_s();
        bool active = false;
        for (const core::Fault* f : episodes) active |= f->at_s < to && f->end_s() > from;
        sample("payquake_fault_active", labels, active ? "1" : "0", p);
      }
    }
  }

  void slo() {
    family("payquake_slo_success_ratio", "gauge",
           "The SLO's success-rate target (a definitive answer within the client timeout)");
    for (const Point& p : points_)
      sample("payquake_slo_success_ratio", "", number(scenario_.slo.success_rate), p);
    family("payquake_slo_latency_p99_seconds", "gauge", "The SLO's p99 latency target",
           "seconds");
    for (const Point& p : points_)
      sample("payquake_slo_latency_p99_seconds", "", number(scenario_.slo.latency_p99_s), p);
  }

  static std::string fault_target(const core::Fault& f) {
    if (!f.target.empty()) return f.target;
    return f.between.first + "/" + f.between.second;
  }

  std::ostream& out_;
  const core::Scenario& scenario_;
  const metrics::RunMetrics& m_;
  const std::vector<WindowRow>& windows_;
  std::string base_labels_;
  std::size_t stride_ = 1;
  std::vector<Point> points_;
};

}  // namespace

std::size_t export_stride(std::size_t windows, std::size_t series) {
  const std::size_t by_points = (windows + kMaxPointsPerSeries - 1) / kMaxPointsPerSeries;
  const std::size_t per_series = std::max<std::size_t>(1, kMaxSamples / std::max<std::size_t>(series, 1));
  const std::size_t by_samples = (windows + per_series - 1) / per_series;
  return std::max<std::size_t>({1, by_points, by_samples});
}

void write_openmetrics(std::ostream& out, const core::Scenario& scenario,
                       const metrics::RunMetrics& metrics, const OpenMetricsOptions& options) {
  Writer(out, scenario, metrics, options).write_all();
}

std::string run_label(const std::string& run_dir) {
  namespace fs = std::filesystem;
  fs::path path = fs::path(run_dir).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();
  const std::string name = path.filename().string();
  const std::string parent = path.parent_path().filename().string();
  // ".<name>.staging-<pid>", RunFolder's staging folder.
  const auto mark = parent.rfind(".staging-");
  if (name == "control" && parent.size() > 1 && parent[0] == '.' && mark != std::string::npos)
    return parent.substr(1, mark - 1) + "/control";
  return name;
}

bool parse_epoch(const std::string& text, double* epoch_s) {
  if (!text.empty() && text.size() <= 12 &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    *epoch_s = static_cast<double>(std::stoll(text));
    return true;
  }
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return false;
  *epoch_s = static_cast<double>(::timegm(&tm));
  return true;
}

}  // namespace payquake::report
