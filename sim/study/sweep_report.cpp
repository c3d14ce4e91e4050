#include "study/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/printf_text.hpp"

namespace payquake::study {
namespace {

using Json = nlohmann::ordered_json;

using core::printf_text;

std::string csv_number(const std::optional<double>& v) { return v ? printf_text("%.17g", *v) : ""; }

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Json number_or_null(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

// The figures of the table: the questions a sweep of capacity and retries asks first.
// With fraud data (a policy or an attack), the fraud total cost too: the figure to minimise.
const std::vector<std::string> kTablePaths = {"measured.success_rate", "latency_seconds.p99",
                                              "payments.failed", "duplicates.count",
                                              "fraud.total_cost"};

// A figure's value as "mean ± half-width" in the figure's unit.
std::string cell(const PointFigure& f) {
  if (!f.stats.mean) return "-";
  double k = 1;
  const char* unit = "";
  const char* format = "%.1f";
  switch (f.figure.unit) {
    case Unit::kFraction:
      k = 100, unit = "%", format = "%.2f";
      break;
    case Unit::kSeconds:  // under a second in ms, as compare shows them
      if (std::fabs(*f.stats.mean) < 1)
        k = 1000, unit = " ms", format = "%.1f";
      else
        unit = " s", format = "%.2f";
      break;
    case Unit::kPerSecond:
      unit = "/s";
      break;
    case Unit::kMoney:
      format = "%.2f";
      break;
    default:
      break;
  }
  std::string s = printf_text(format, *f.stats.mean * k);
  if (f.stats.interval) s += " ± " + printf_text(format, f.stats.interval->half_width() * k);
  s += unit;
  if (f.stats.n < f.values.size())
    s += " (null in " + std::to_string(f.values.size() - f.stats.n) + ")";
  return s;
}

std::string short_name(const std::string& path, const std::vector<SweepAxis>& axes) {
  const std::string last = path.substr(path.rfind('.') + 1);
  std::size_t same = 0;
  for (const auto& a : axes) same += a.path.substr(a.path.rfind('.') + 1) == last;
  return same == 1 ? last : path;
}

std::string pad(const std::string& s, std::size_t width) {
  // Width in characters: "±" is two bytes of UTF-8 but one column.
  std::size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
  return shown >= width ? s : s + std::string(width - shown, ' ');
}

std::size_t columns(const std::string& s) {
  std::size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
  return shown;
}

}  // namespace

SweepResult aggregate_sweep(const std::string& dir, const std::string& sweep_file,
                            const SweepDesign& d, const std::vector<std::string>& extra_paths) {
  SweepResult r;
  r.sweep_file = sweep_file;
  r.design = d;
  const auto points = sweep_points(d);
  r.runs = sweep_run_count(d);
  std::vector<std::vector<RunRecord>> finished(points.size());
  std::vector<std::vector<std::uint64_t>> seeds(points.size());
  for (std::size_t k = 0; k < r.runs; ++k) {
    const SweepRun run = sweep_run(d, points, k);
    RunRecord rec = read_run(dir, run);
    if (rec.state == RunState::kFinished) {
      ++r.finished;
      seeds[run.point].push_back(run.seed);
      finished[run.point].push_back(std::move(rec));
      continue;
    }
    ++(rec.state == RunState::kFailed ? r.failed : r.missing);
    r.problems.push_back({run, rec.state, rec.why});
  }
  std::vector<const Json*> all;
  for (const auto& recs : finished)
    for (const auto& rec : recs) all.push_back(&*rec.summary);
  const std::vector<Figure> figures = comparison_figures(all, extra_paths);
  for (std::size_t p = 0; p < points.size(); ++p) {
    PointResult pr{points[p], seeds[p], {}};
    for (const Figure& f : figures) {
      PointFigure pf{f, {}, {}};
      std::vector<double> present;
      for (const auto& rec : finished[p]) {
        pf.values.push_back(figure_value(*rec.summary, f));
        if (pf.values.back()) present.push_back(*pf.values.back());
      }
      pf.stats = describe(present);
      pr.figures.push_back(std::move(pf));
    }
    r.points.push_back(std::move(pr));
  }
  return r;
}

std::string sweep_csv(const SweepResult& r) {
  std::string out = "point,folder";
  for (const auto& a : r.design.axes) out += ',' + csv_text(a.path);
  out += ",figure,path,unit,replications,finished,n,null,mean,sd,ci95_low,ci95_high\n";
  for (const auto& p : r.points) {
    std::string lead = std::to_string(p.point.index) + "," + p.point.folder;
    for (const auto& v : p.point.values) lead += ',' + csv_text(v);
    for (const auto& f : p.figures) {
      const auto& s = f.stats;
      out += lead + "," + csv_text(f.figure.name) + "," + csv_text(f.figure.path) + "," +
             unit_name(f.figure.unit) + "," + std::to_string(r.design.replications) + "," +
             std::to_string(f.values.size()) + "," + std::to_string(s.n) + "," +
             std::to_string(f.values.size() - s.n) + "," + csv_number(s.mean) + "," +
             csv_number(s.stddev()) + "," +
             csv_number(s.interval ? std::optional(s.interval->low) : std::nullopt) + "," +
             csv_number(s.interval ? std::optional(s.interval->high) : std::nullopt) + "\n";
    }
  }
  return out;
}

Json sweep_json(const SweepResult& r) {
  const SweepDesign& d = r.design;
  Json vary = Json::array();
  for (const auto& a : d.axes) vary.push_back({{"path", a.path}, {"values", a.values}});
  Json problems = Json::array();
  for (const auto& p : r.problems)
    problems.push_back({{"run", p.run.number},
                        {"point", p.run.point},
                        {"seed", p.run.seed},
                        {"folder", p.run.folder},
                        {"state", to_string(p.state)},
                        {"why", p.why}});
  Json points = Json::array();
  for (const auto& p : r.points) {
    Json set = Json::object();
    for (std::size_t a = 0; a < d.axes.size(); ++a) set[d.axes[a].path] = p.point.values[a];
    Json figures = Json::array();
    for (const auto& f : p.figures) {
      Json values = Json::array();
      for (const auto& v : f.values) values.push_back(number_or_null(v));
      figures.push_back(
          {{"figure", f.figure.name},
           {"path", f.figure.path},
           {"unit", unit_name(f.figure.unit)},
           {"n", f.stats.n},
           {"null", f.values.size() - f.stats.n},
           {"mean", number_or_null(f.stats.mean)},
           {"sd", number_or_null(f.stats.stddev())},
           {"ci95", f.stats.interval ? Json::array({f.stats.interval->low, f.stats.interval->high})
                                     : Json(nullptr)},
           {"values", values}});
    }
    points.push_back({{"point", p.point.index},
                      {"folder", p.point.folder},
                      {"set", set},
                      {"seeds", p.seeds},
                      {"figures", figures}});
  }
  return {{"sweep", r.sweep_file},
          {"name", d.name},
          {"base", d.scenario_path},
          {"replications", d.replications},
          {"seeds", d.common_seeds ? "common" : "independent"},
          {"first_seed", d.first_seed},
          {"vary", vary},
          {"confidence", kConfidence},
          {"complete", r.complete()},
          {"runs",
           {{"planned", r.runs},
            {"finished", r.finished},
            {"failed", r.failed},
            {"missing", r.missing}}},
          {"problems", problems},
          {"points", points}};
}

std::string sweep_table(const SweepResult& r) {
  const SweepDesign& d = r.design;
  std::string out = "sweep " + d.name + ": " + std::to_string(r.points.size()) + " points x " +
                    std::to_string(d.replications) + " replications (" +
                    (d.common_seeds ? "common seeds " + std::to_string(d.first_seed) + ".." +
                                          std::to_string(d.first_seed + d.replications - 1)
                                    : std::string("independent seeds")) +
                    "), " + std::to_string(r.finished) + "/" + std::to_string(r.runs) +
                    " runs finished";
  if (r.failed) out += ", " + std::to_string(r.failed) + " failed";
  if (r.missing) out += ", " + std::to_string(r.missing) + " not run";
  out += "\n\n";
  std::vector<std::string> header = {"point"};
  for (const auto& a : d.axes) header.push_back(short_name(a.path, d.axes));
  header.push_back("runs");
  std::vector<std::size_t> shown;  // indices into a point's figures
  if (!r.points.empty())
    for (const auto& path : kTablePaths)
      for (std::size_t i = 0; i < r.points[0].figures.size(); ++i)
        if (r.points[0].figures[i].figure.path == path) {
          shown.push_back(i);
          header.push_back(r.points[0].figures[i].figure.name);
        }
  std::vector<std::vector<std::string>> rows = {header};
  for (const auto& p : r.points) {
    std::vector<std::string> row = {std::to_string(p.point.index)};
    for (const auto& v : p.point.values) row.push_back(v);
    row.push_back(std::to_string(p.seeds.size()));
    for (std::size_t i : shown) row.push_back(cell(p.figures[i]));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], columns(row[c]));
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t c = 0; c < row.size(); ++c) line += ' ' + pad(row[c], width[c]) + ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out +=
      "\n  mean ± half-width of the 95% Student-t interval over the point's finished runs;\n"
      "  success rate of measured payments, latency p99 from intended arrival (mean over runs),\n"
      "  payments failed and charged twice per run. Every figure: sweep.csv, sweep.json.\n";
  if (std::find(header.begin(), header.end(), "fraud total cost") != header.end())
    out +=
        "  fraud total cost per run (loss + chargeback fees + lost margin; money in the\n"
        "  scenario's currency units): the figure to minimise.\n";
  for (const auto& p : r.problems)
    if (p.state == RunState::kFailed)
      out += "  failed: run " + std::to_string(p.run.number) + " (" + p.run.folder + "): " + p.why +
             "; not averaged\n";
  if (r.missing)
    out += "  INCOMPLETE: " + std::to_string(r.missing) +
           " runs not finished; start the sweep again to run only those\n";
  return out;
}

}  // namespace payquake::study
