#include "study/tradeoff.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/printf_text.hpp"

namespace payquake::study {
namespace {

using core::printf_text;

// The curve's axes (caught against false declines) and what they cost (loss, total cost)
// first, then the rest of summary.json "fraud".
const std::vector<std::string> kOrder = {"fraud.caught",
                                         "fraud.false_declines",
                                         "fraud.loss",
                                         "fraud.total_cost",
                                         "fraud.catch_rate",
                                         "fraud.false_decline_rate",
                                         "fraud.attempts",
                                         "fraud.approved",
                                         "fraud.step_ups",
                                         "fraud.step_up_abandoned",
                                         "fraud.false_decline_amount",
                                         "fraud.abandoned_amount",
                                         "fraud.chargeback_fees",
                                         "fraud.lost_margin",
                                         "fraud.added_latency_seconds.mean"};

// The table's columns: indices into tradeoff_figures().
constexpr std::size_t kCaught = 0, kFalseDeclines = 1, kLoss = 2, kTotalCost = 3;

std::string column_of(const std::string& path) {
  std::string c = path.substr(path.find('.') + 1);  // without "fraud."
  std::replace(c.begin(), c.end(), '.', '_');
  return c;
}

const PointFigure* find_figure(const PointResult& p, const std::string& path) {
  for (const auto& f : p.figures)
    if (f.figure.path == path) return &f;
  return nullptr;
}

// Total cost per seed of a point's finished runs that have it.
std::map<std::uint64_t, double> cost_by_seed(const PointResult& p) {
  std::map<std::uint64_t, double> out;
  if (const PointFigure* f = find_figure(p, "fraud.total_cost"))
    for (std::size_t i = 0; i < f->values.size() && i < p.seeds.size(); ++i)
      if (f->values[i]) out[p.seeds[i]] = *f->values[i];
  return out;
}

// `point` minus `lowest`, over the seeds both have.
Sample paired_over(const std::map<std::uint64_t, double>& lowest,
                   const std::map<std::uint64_t, double>& point) {
  std::vector<double> a, b;
  for (const auto& [seed, cost] : lowest)
    if (const auto it = point.find(seed); it != point.end()) {
      a.push_back(cost);
      b.push_back(it->second);
    }
  return paired_difference(a, b);
}

std::string csv_number(const std::optional<double>& v) { return v ? printf_text("%.17g", *v) : ""; }

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_sample(const Sample& s) {
  return csv_number(s.mean) + "," +
         csv_number(s.interval ? std::optional(s.interval->low) : std::nullopt) + "," +
         csv_number(s.interval ? std::optional(s.interval->high) : std::nullopt);
}

// "812.3 ± 10.2" in the figure's unit (money with two decimals, shares in %).
std::string mean_pm(const Sample& s, Unit unit) {
  if (!s.mean) return "-";
  double k = 1;
  const char* format = "%.1f";
  const char* suffix = "";
  if (unit == Unit::kMoney) format = "%.2f";
  if (unit == Unit::kFraction) k = 100, format = "%.2f", suffix = "%";
  std::string text = printf_text(format, *s.mean * k);
  if (s.interval) text += " ± " + printf_text(format, s.interval->half_width() * k);
  return text + suffix;
}

std::string difference_text(const Sample& s) {
  if (!s.mean) return "-";
  std::string text = printf_text("%+.2f", *s.mean);
  if (!s.interval) return text;
  text += " [" + printf_text("%+.2f", s.interval->low);
  text += ", " + printf_text("%+.2f", s.interval->high) + "]";
  return text;
}

// Width in characters: "±" is two bytes of UTF-8 but one column.
std::size_t columns(const std::string& s) {
  std::size_t shown = 0;
  for (unsigned char c : s) shown += (c & 0xC0) != 0x80;
  return shown;
}

std::string short_name(const std::string& path) { return path.substr(path.rfind('.') + 1); }

}  // namespace

std::vector<TradeoffFigure> tradeoff_figures() {
  const std::vector<Figure> fraud = fraud_figures();
  std::vector<TradeoffFigure> out;
  for (const auto& path : kOrder)
    for (const auto& f : fraud)
      if (f.path == path) out.push_back({f, column_of(path)});
  return out;
}

Tradeoff make_tradeoff(const SweepResult& sweep) {
  Tradeoff t;
  t.path = sweep.design.axes.at(0).path;
  t.replications = sweep.design.replications;
  t.first_seed = sweep.design.first_seed;
  t.runs = sweep.runs;
  t.finished = sweep.finished;
  t.failed = sweep.failed;
  t.missing = sweep.missing;
  const auto figures = tradeoff_figures();
  for (const auto& p : sweep.points) {
    TradeoffPoint tp{p.point.values.at(0), p.seeds, {}, std::nullopt};
    for (const auto& f : figures) {
      const PointFigure* found = find_figure(p, f.figure.path);
      tp.figures.push_back(found ? found->stats : Sample{});
      t.fraud_data = t.fraud_data || found != nullptr;
    }
    t.points.push_back(std::move(tp));
  }
  if (!t.complete()) return t;
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const auto& cost = t.points[i].figures[kTotalCost].mean;
    if (cost && (!t.lowest || *cost < *t.points[*t.lowest].figures[kTotalCost].mean)) t.lowest = i;
  }
  if (!t.lowest) return t;
  const auto lowest = cost_by_seed(sweep.points[*t.lowest]);
  for (std::size_t i = 0; i < t.points.size(); ++i)
    t.points[i].over_lowest = paired_over(lowest, cost_by_seed(sweep.points[i]));
  return t;
}

std::string tradeoff_csv(const Tradeoff& t) {
  const auto figures = tradeoff_figures();
  std::string out = "point," + csv_text(t.path) + ",replications,runs";
  for (const auto& f : figures)
    out += "," + f.column + "_mean," + f.column + "_ci95_low," + f.column + "_ci95_high";
  out +=
      ",total_cost_minus_lowest_mean,total_cost_minus_lowest_ci95_low,"
      "total_cost_minus_lowest_ci95_high,lowest\n";
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const TradeoffPoint& p = t.points[i];
    out += std::to_string(i) + "," + csv_text(p.value) + "," + std::to_string(t.replications) +
           "," + std::to_string(p.seeds.size());
    // Appended piece by piece: GCC 12's -Wrestrict misfires on "," + std::string.
    for (const auto& s : p.figures) {
      out += ',';
      out += csv_sample(s);
    }
    out += ',';
    out += p.over_lowest ? csv_sample(*p.over_lowest) : std::string(",,");
    out += ',';
    out += t.lowest ? (*t.lowest == i ? "true" : "false") : "";
    out += '\n';
  }
  return out;
}

std::string tradeoff_table(const Tradeoff& t) {
  const auto figures = tradeoff_figures();
  std::string out = "tradeoff of " + t.path + ": " + std::to_string(t.points.size()) +
                    " values x " + std::to_string(t.replications) + " replications (common seeds " +
                    std::to_string(t.first_seed) + ".." +
                    std::to_string(t.first_seed + t.replications - 1) + "), " +
                    std::to_string(t.finished) + "/" + std::to_string(t.runs) + " runs finished";
  if (t.failed) out += ", " + std::to_string(t.failed) + " failed";
  if (t.missing) out += ", " + std::to_string(t.missing) + " not run";
  out += "\n\n";
  std::vector<std::vector<std::string>> rows = {
      {short_name(t.path), "runs", figures[kCaught].figure.name,
       figures[kFalseDeclines].figure.name, figures[kLoss].figure.name,
       figures[kTotalCost].figure.name, "total cost - lowest (paired)"}};
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const TradeoffPoint& p = t.points[i];
    std::vector<std::string> row = {p.value, std::to_string(p.seeds.size())};
    for (std::size_t f : {kCaught, kFalseDeclines, kLoss, kTotalCost})
      row.push_back(mean_pm(p.figures[f], figures[f].figure.unit));
    row.push_back(t.lowest && *t.lowest == i ? "lowest"
                  : p.over_lowest            ? difference_text(*p.over_lowest)
                                             : "-");
    rows.push_back(row);
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], columns(row[c]));
  for (const auto& row : rows) {
    std::string line = " ";
    for (std::size_t c = 0; c < row.size(); ++c)
      line += ' ' + row[c] + std::string(width[c] - columns(row[c]), ' ') + ' ';
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  out +=
      "\n  mean ± half-width of the 95% Student-t interval over the value's runs, per run over "
      "the\n"
      "  measured interval, money in the scenario's currency units. Total cost = loss + "
      "chargeback\n"
      "  fees + lost margin (false declines, abandoned step-ups): the figure to minimise.\n"
      "  total cost - lowest: this value's minus the lowest's, paired by seed, with its 95%\n"
      "  interval; an interval above 0 costs more than the lowest for sure.\n";
  if (!t.fraud_data && t.finished > 0)
    out += "  no run had fraud data (no policy, no attack, no fraud): nothing to trade off\n";
  if (t.lowest)
    out += "  lowest mean total cost: " + short_name(t.path) + "=" + t.points[*t.lowest].value +
           " (" + mean_pm(t.points[*t.lowest].figures[kTotalCost], Unit::kMoney) + " per run)\n";
  if (!t.complete())
    out += "  INCOMPLETE: " + std::to_string(t.runs - t.finished) +
           " runs did not finish; no lowest cost is named.\n"
           "  The same command started again runs only those.\n";
  out +=
      "  Every fraud figure per value: tradeoff.csv; every figure per run: sweep.csv, "
      "sweep.json.\n";
  return out;
}

}  // namespace payquake::study
