// metrics.om against the real Prometheus: promtool backfills a real drill's file, a
// Prometheus started on loopback over those blocks answers every PromQL expression of
// every panel of dashboards/payquake-drill.json at a time inside the run, and the numbers
// it answers are the run's own.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <thread>

#include <sys/wait.h>

#include "integration/integration_support.hpp"
#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

using nlohmann::json;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Every PromQL expression of the dashboard: panel targets and annotations, with Grafana's
// variables filled in as Grafana would for this run.
std::vector<std::pair<std::string, std::string>> dashboard_queries(const json& dashboard,
                                                                   const std::string& scenario,
                                                                   const std::string& run) {
  std::vector<std::pair<std::string, std::string>> out;
  auto fill = [&](std::string e) {
    e = replace_all(e, "$scenario", scenario);
    e = replace_all(e, "$run", run);
    e = replace_all(e, "$pace", "1");
    e = replace_all(e, "$__rate_interval", "1m");
    return replace_all(e, "$__interval", "5s");
  };
  for (const auto& panel : dashboard["panels"])
    for (const auto& target : panel["targets"])
      out.emplace_back(panel["title"].get<std::string>() + " / " + target["refId"].get<std::string>(),
                       fill(target["expr"].get<std::string>()));
  for (const auto& a : dashboard["annotations"]["list"])
    if (a.contains("expr"))
      out.emplace_back("annotation " + a["name"].get<std::string>(), fill(a["expr"].get<std::string>()));
  return out;
}

class Prometheus {
 public:
  // Over the blocks in `tsdb`, scraping `config`'s targets (none by default).
  Prometheus(const std::string& dir, const std::string& tsdb,
             const std::string& config = "global: {}\nscrape_configs: []\n")
      : port_(free_port()),
        config_(write_file(dir, "prometheus.yml", config)),
        process_({"prometheus", "--config.file=" + config_, "--storage.tsdb.path=" + tsdb,
                  "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                  "--storage.tsdb.retention.time=10y"},
                 dir + "/prometheus.log"),
        log_(dir + "/prometheus.log") {}

  bool wait_ready(double timeout_s) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < end && process_.running()) {
      if (http_get(port_, "/-/ready", 2).status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  // The result array of an instant query at Unix time `t` (a gtest failure otherwise).
  json query(const std::string& expr, double t) {
    char time[32];
    std::snprintf(time, sizeof time, "%.3f", t);
    const HttpResponse r =
        http_get(port_, "/api/v1/query?query=" + url_encode(expr) + "&time=" + time);
    EXPECT_EQ(r.status, 200) << expr << "\n" << r.body;
    const json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded() || j.value("status", "") != "success") return json::array();
    return j["data"]["result"];
  }

  json label_values(const std::string& label, const std::string& match) {
    const HttpResponse r =
        http_get(port_, "/api/v1/label/" + label + "/values?match[]=" + url_encode(match));
    const json j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json::array() : j["data"];
  }

  const std::string& log() const { return log_; }

 private:
  int port_;
  std::string config_;
  ChildProcess process_;  // stopped when the test ends, passed or failed
  std::string log_;
};

double value_of(const json& result) {
  return result.empty() ? std::nan("") : std::stod(result[0]["value"][1].get<std::string>());
}

// The bucket bounds of payquake_payment_duration_seconds around `v`: (lower, upper].
std::pair<double, double> bucket_around(double v) {
  const double bounds[] = {0,   0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1,  0.15, 0.2, 0.3,
                           0.5, 0.75,  1.0,   1.5,   2.0,  3.0,  5.0,  10.0, 20.0, 30.0, 60.0};
  for (std::size_t i = 1; i < std::size(bounds); ++i)
    if (v <= bounds[i]) return {bounds[i - 1], bounds[i]};
  return {60.0, INFINITY};
}

TEST(OpenMetricsInPrometheus, PromtoolBackfillsARunAndEveryDashboardQueryReturnsData) {
  if (find_program("promtool").empty() || find_program("prometheus").empty())
    GTEST_SKIP() << "prometheus/promtool not installed (Debian package `prometheus`; "
                    "scripts/bootstrap.sh installs it)";
  // A day ago, on a whole hour: inside the 10-year retention given below, never in the future.
  const double epoch = std::floor((static_cast<double>(std::time(nullptr)) - 86400) / 3600) * 3600;
  const std::string dir = temp_dir("prometheus");
  const RunOutput run = run_payquake(
      {"run", source_dir() + "/scenarios/issuer-outage-drill.yaml", "--out", dir + "/run",
       "--quiet", "--epoch", std::to_string(static_cast<long long>(epoch))},
      dir + "/run");
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  const std::string om = read_file(dir + "/run/metrics.om");
  ASSERT_FALSE(om.empty());

  std::string out;
  ASSERT_EQ(run_program({"promtool", "tsdb", "create-blocks-from", "openmetrics",
                         dir + "/run/metrics.om", dir + "/tsdb"},
                        &out),
            0)
      << out;

  Prometheus prometheus(dir, dir + "/tsdb");
  ASSERT_TRUE(prometheus.wait_ready(90)) << read_file(prometheus.log());

  const std::string scenario = run.summary["scenario"];
  const std::string label = "run";  // the run folder's name
  const std::string sel = "{scenario=\"" + scenario + "\",run=\"" + label + "\"}";
  // The outage of issuer-outage-drill.yaml is [360 s, 540 s).
  const auto& fault = run.summary["faults"][0];
  const double inside = epoch + (fault["start"].get<double>() + fault["end"].get<double>()) / 2;
  const double before = epoch + fault["start"].get<double>() - 60;

  std::ifstream in(source_dir() + "/dashboards/payquake-drill.json");
  const json dashboard = json::parse(in);
  const auto queries = dashboard_queries(dashboard, scenario, label);
  ASSERT_GE(queries.size(), 10u);
  for (const auto& [where, expr] : queries) {
    EXPECT_EQ(expr.find('$'), std::string::npos) << where << ": a variable Grafana would fill";
    const json result = prometheus.query(expr, inside);
    EXPECT_FALSE(result.empty()) << where << ": no data at simulated " << inside - epoch
                                 << " s for\n  " << expr;
  }

  // Grafana's template variables find this run.
  EXPECT_EQ(prometheus.label_values("scenario", "payquake_run_info"), json::array({scenario}));
  EXPECT_EQ(prometheus.label_values("run", "payquake_run_info{scenario=\"" + scenario + "\"}"),
            json::array({label}));

  // The numbers are the run's: the last arrivals count is summary.json's, at simulated
  // timestamps in seconds (a millisecond mix-up would put them 1000x off).
  const double end = epoch + run.summary["simulated_seconds"].get<double>() + 10;
  EXPECT_EQ(value_of(prometheus.query("payquake_arrivals_total" + sel, end)),
            run.summary["payments"]["total"].get<double>());
  EXPECT_EQ(value_of(prometheus.query("payquake_fault_active" + sel, inside)), 1.0);
  EXPECT_EQ(value_of(prometheus.query("payquake_fault_active" + sel, before)), 0.0);
  EXPECT_TRUE(prometheus.query("payquake_arrivals_total" + sel, epoch - 600).empty())
      << "nothing before simulated time 0";

  // histogram_quantile over the minute before the fault lands in the bucket(s) holding the
  // exact per-window medians of timeseries.csv over that minute.
  const auto times = csv_column(run.timeseries, "time");
  const auto p50 = csv_column(run.timeseries, "latency_p50_seconds");
  double lo = INFINITY, hi = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (times[i] < before - epoch - 60 || times[i] >= before - epoch) continue;
    lo = std::min(lo, bucket_around(p50[i]).first);
    hi = std::max(hi, bucket_around(p50[i]).second);
  }
  ASSERT_LT(lo, hi);
  const double q50 = value_of(prometheus.query(
      "histogram_quantile(0.5, sum by (le) (rate(payquake_payment_duration_seconds_bucket" + sel +
          "[1m])))",
      before));
  EXPECT_GE(q50, lo);
  EXPECT_LE(q50, hi);
}

// The value of an unlabelled-by-us sample in Prometheus' text format ("name{...} value").
double scraped(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + "{");
  if (at == std::string::npos) return std::nan("");
  const auto space = text.find("} ", at);
  return std::stod(text.substr(space + 2, text.find('\n', space) - space - 2));
}

TEST(LiveDrill, APacedRunIsServedAndScrapedByARealPrometheus) {
  if (find_program("prometheus").empty())
    GTEST_SKIP() << "prometheus not installed (Debian package `prometheus`; scripts/bootstrap.sh "
                    "installs it)";
  const std::string dir = temp_dir("live");
  const int port = free_port();
  const std::string target = "127.0.0.1:" + std::to_string(port);
  // dashboards/prometheus.yml, pointed at this test's port.
  std::string config = read_file(source_dir() + "/dashboards/prometheus.yml");
  ASSERT_NE(config.find("127.0.0.1:9464"), std::string::npos);
  config = replace_all(config, "127.0.0.1:9464", target);
  Prometheus prometheus(dir, dir + "/tsdb", config);
  ASSERT_TRUE(prometheus.wait_ready(90)) << read_file(prometheus.log());

  // quickstart.yaml: 120 simulated seconds at 10 per wall second.
  constexpr double kPace = 10;
  ChildProcess drill({payquake_binary(), "run", source_dir() + "/scenarios/quickstart.yaml",
                      "--out", dir + "/live-run", "--quiet", "--serve-metrics", target, "--pace",
                      "10"},
                     dir + "/drill.log");
  // Two readings of the simulated time a few wall seconds apart give the pace.
  auto reading = [&]() {
    const auto wall = std::chrono::steady_clock::now();
    return std::make_pair(wall, scraped(http_get(port, "/metrics", 2).body,
                                        "payquake_simulated_seconds"));
  };
  auto first = reading();
  for (int i = 0; i < 100 && std::isnan(first.second); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    first = reading();
  }
  ASSERT_FALSE(std::isnan(first.second)) << "nothing served on " << target << "\n"
                                         << read_file(dir + "/drill.log");
  std::this_thread::sleep_for(std::chrono::seconds(4));
  const auto second = reading();
  const double wall = std::chrono::duration<double>(second.first - first.first).count();
  const double pace = (second.second - first.second) / wall;
  // A tick is 0.5 simulated seconds: over ~40 s that is a few percent; the rest is the
  // scheduling of a loaded machine.
  EXPECT_NEAR(pace, kPace, 0.15 * kPace) << "simulated " << first.second << " -> "
                                         << second.second << " s in " << wall << " wall s";

  // Prometheus scraped it: the run's series are there, with its labels.
  json up;
  for (int i = 0; i < 50 && up.empty(); ++i) {
    up = prometheus.query("payquake_arrivals_total{scenario=\"quickstart\",run=\"live-run\"} > 0",
                          static_cast<double>(std::time(nullptr)));
    if (up.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_FALSE(up.empty()) << "Prometheus never scraped the drill";
  EXPECT_EQ(value_of(prometheus.query("up{job=\"payquake\"}", static_cast<double>(std::time(nullptr)))), 1.0);

  const int status = drill.wait(120);
  ASSERT_NE(status, -1) << "the paced run did not end";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(dir + "/drill.log");
  EXPECT_FALSE(read_file(dir + "/live-run/metrics.om").empty());
}

}  // namespace
}  // namespace payquake::testing
