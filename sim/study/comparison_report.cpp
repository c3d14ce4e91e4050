#include "study/comparison_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/printf_text.hpp"

namespace payquake::study {
namespace {

using Json = nlohmann::ordered_json;

using core::printf_text;

// How one row shows its numbers: seconds under one second as ms, fractions as %.
struct Scale {
  double factor = 1;
  const char* value_format = "%.1f";
  const char* diff_format = "%+.1f";
  std::string suffix;
};

Scale scale_for(const FigureComparison& row) {
  switch (row.figure.unit) {
    case Unit::kFraction:
      return {100, "%.2f%%", "%+.2f", " pp"};
    case Unit::kSeconds: {
      const double largest = std::max(std::fabs(row.a_stats.mean.value_or(0)),
                                      std::fabs(row.b_stats.mean.value_or(0)));
      if (largest < 1) return {1000, "%.1f ms", "%+.1f", " ms"};
      return {1, "%.2f s", "%+.2f", " s"};
    }
    case Unit::kPerSecond:
      return {1, "%.1f/s", "%+.1f", "/s"};
    case Unit::kCount:
      return {1, "%.1f", "%+.1f", ""};
    case Unit::kMoney:
      return {1, "%.2f", "%+.2f", ""};
    case Unit::kNumber:
      return {1, "%.4g", "%+.4g", ""};
  }
  return {};
}

std::string value_text(const std::optional<double>& v, const Scale& s) {
  return v ? printf_text(s.value_format, *v * s.factor) : "-";
}

std::string diff_text(const std::optional<double>& v, const Scale& s) {
  return v ? printf_text(s.diff_format, *v * s.factor) + s.suffix : "-";
}

std::string interval_text(const std::optional<Interval>& i, const Scale& s) {
  if (!i) return "-";
  std::string text = "[";
  text += printf_text(s.diff_format, i->low * s.factor);
  text += ", ";
  text += printf_text(s.diff_format, i->high * s.factor);
  text += "]";
  return text + s.suffix;
}

std::string missing_note(const FigureComparison& row) {
  std::string note = row.figure.minimise ? "<- the figure to minimise" : "";
  const auto side = [&](std::size_t missing, const char* name) {
    if (missing == 0) return;
    if (!note.empty()) note += ", ";
    note += "null in " + std::to_string(missing) + "/" + std::to_string(row.a.size()) + " " + name;
  };
  side(row.a_missing(), "A");
  side(row.b_missing(), "B");
  return note;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  if (s.size() >= width) return s;
  const std::string fill(width - s.size(), ' ');
  return right ? fill + s : s + fill;
}

Json number_or_null(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json interval_json(const std::optional<Interval>& i) {
  return i ? Json::array({i->low, i->high}) : Json(nullptr);
}

Json side_json(const Sample& s, const std::vector<std::optional<double>>& values) {
  Json v = Json::array();
  for (const auto& x : values) v.push_back(number_or_null(x));
  return {{"n", s.n},
          {"missing", values.size() - s.n},
          {"mean", number_or_null(s.mean)},
          {"stddev", number_or_null(s.stddev())},
          {"ci95", interval_json(s.interval)},
          {"values", v}};
}

std::string csv_cell(const std::optional<double>& v) { return v ? printf_text("%.17g", *v) : ""; }

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::optional<double> median_width_ratio(const std::vector<FigureComparison>& rows) {
  std::vector<double> r;
  for (const auto& row : rows)
    if (const auto x = row.width_ratio()) r.push_back(*x);
  if (r.empty()) return std::nullopt;
  std::sort(r.begin(), r.end());
  const std::size_t m = r.size() / 2;
  return r.size() % 2 ? r[m] : (r[m - 1] + r[m]) / 2;
}

std::string comparison_table(const std::vector<FigureComparison>& rows,
                             const ComparisonInfo& info) {
  std::string out = "A: " + info.a + "\nB: " + info.b + "\n" + std::to_string(info.seeds.size()) +
                    " paired replications (same seed for A and B)";
  if (info.seeds.size() != info.replications)
    out += " of " + std::to_string(info.replications) + " asked";
  out += "\n\n";
  const std::vector<std::string> header = {
      "figure", "A mean", "B mean", "B - A", "95% interval of B - A", "differs", ""};
  std::vector<std::vector<std::string>> cells = {header};
  for (const auto& row : rows) {
    const Scale s = scale_for(row);
    const std::string differs = !row.paired.interval                   ? "-"
                                : row.paired.interval->excludes_zero() ? "yes"
                                                                       : "no";
    cells.push_back({row.figure.name, value_text(row.a_stats.mean, s),
                     value_text(row.b_stats.mean, s), diff_text(row.paired.mean, s),
                     interval_text(row.paired.interval, s), differs, missing_note(row)});
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : cells)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  for (const auto& line : cells) {
    std::string text = "  ";
    for (std::size_t c = 0; c < line.size(); ++c)
      text += pad(line[c], width[c], c > 0 && c < 5) + (c + 1 < line.size() ? "  " : "");
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  out += "\n  differs: the 95% interval of the paired difference excludes 0.\n";
  if (std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.figure.minimise; }))
    out +=
        "  fraud: counts and money per run over the measured interval, money in the scenario's\n"
        "  currency units; total cost = loss + chargeback fees + lost margin (of false declines\n"
        "  and abandoned step-ups): the one figure to minimise.\n";
  if (const auto r = median_width_ratio(rows))
    out += "  pairing: the paired intervals are " + printf_text("%.2f", *r) +
           " times as wide as unpaired (Welch) ones would be (median over the figures).\n";
  for (const auto& e : info.excluded)
    out += "  excluded: replication seed " + std::to_string(e.seed) + ": " + e.why + "\n";
  if (info.partial) out += "  INTERRUPTED: only the replications finished before the stop count.\n";
  return out;
}

Json comparison_json(const std::vector<FigureComparison>& rows, const ComparisonInfo& info) {
  Json excluded = Json::array();
  for (const auto& e : info.excluded) excluded.push_back({{"seed", e.seed}, {"why", e.why}});
  Json figures = Json::array();
  for (const auto& row : rows) {
    figures.push_back(
        {{"figure", row.figure.name},
         {"path", row.figure.path},
         {"unit", unit_name(row.figure.unit)},
         {"minimise", row.figure.minimise},
         {"a", side_json(row.a_stats, row.a)},
         {"b", side_json(row.b_stats, row.b)},
         {"difference",
          {{"pairs", row.paired.n},
           {"mean", number_or_null(row.paired.mean)},
           {"stddev", number_or_null(row.paired.stddev())},
           {"ci95", interval_json(row.paired.interval)},
           {"excludes_zero",
            row.paired.interval ? Json(row.paired.interval->excludes_zero()) : Json(nullptr)}}},
         {"unpaired",
          {{"mean", number_or_null(row.unpaired.mean)},
           {"ci95", interval_json(row.unpaired.interval)},
           {"df", number_or_null(row.unpaired.df)}}},
         {"paired_to_unpaired_width", number_or_null(row.width_ratio())}});
  }
  return {{"a", info.a},
          {"b", info.b},
          {"partial", info.partial},
          {"replications", info.replications},
          {"seeds", info.seeds},
          {"excluded", excluded},
          {"confidence", kConfidence},
          {"median_paired_to_unpaired_width", number_or_null(median_width_ratio(rows))},
          {"figures", figures}};
}

std::string comparison_csv(const std::vector<FigureComparison>& rows) {
  std::string out =
      "figure,path,unit,a_n,a_missing,a_mean,b_n,b_missing,b_mean,pairs,difference_mean,"
      "difference_low,difference_high,excludes_zero,unpaired_low,unpaired_high,"
      "paired_to_unpaired_width\n";
  for (const auto& row : rows) {
    const auto& p = row.paired;
    const auto& u = row.unpaired;
    out += csv_text(row.figure.name) + "," + csv_text(row.figure.path) + "," +
           unit_name(row.figure.unit) + "," + std::to_string(row.a_stats.n) + "," +
           std::to_string(row.a_missing()) + "," + csv_cell(row.a_stats.mean) + "," +
           std::to_string(row.b_stats.n) + "," + std::to_string(row.b_missing()) + "," +
           csv_cell(row.b_stats.mean) + "," + std::to_string(p.n) + "," + csv_cell(p.mean) + "," +
           csv_cell(p.interval ? std::optional(p.interval->low) : std::nullopt) + "," +
           csv_cell(p.interval ? std::optional(p.interval->high) : std::nullopt) + "," +
           (p.interval ? (p.interval->excludes_zero() ? "true" : "false") : "") + "," +
           csv_cell(u.interval ? std::optional(u.interval->low) : std::nullopt) + "," +
           csv_cell(u.interval ? std::optional(u.interval->high) : std::nullopt) + "," +
           csv_cell(row.width_ratio()) + "\n";
  }
  return out;
}

}  // namespace payquake::study
