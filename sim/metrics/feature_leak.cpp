#include "metrics/feature_leak.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

namespace payquake::metrics {
namespace {

// The best threshold rule when empty cells sit at `empty_at` (-inf or +inf).
double threshold_accuracy(const std::vector<double>& values, const std::vector<bool>& label,
                          double empty_at) {
  std::vector<std::pair<double, bool>> rows;
  rows.reserve(values.size());
  std::size_t positives = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    rows.emplace_back(std::isnan(values[i]) ? empty_at : values[i], label[i]);
    positives += label[i] ? 1 : 0;
  }
  std::sort(rows.begin(), rows.end());
  const std::size_t n = rows.size();
  const std::size_t negatives = n - positives;
  // Cut before row 0 (everything above), then after each run of equal values.
  std::size_t pos_below = 0, neg_below = 0;
  auto best_at_cut = [&] {
    const std::size_t above_means_1 = neg_below + (positives - pos_below);
    const std::size_t above_means_0 = pos_below + (negatives - neg_below);
    return std::max(above_means_1, above_means_0);
  };
  std::size_t best = best_at_cut();
  for (std::size_t i = 0; i < n; ++i) {
    (rows[i].second ? pos_below : neg_below) += 1;
    if (i + 1 < n && rows[i + 1].first == rows[i].first) continue;  // no cut inside a value
    best = std::max(best, best_at_cut());
  }
  return static_cast<double>(best) / static_cast<double>(n);
}

std::size_t column_index(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  if (it == header.end()) throw std::invalid_argument("no column '" + name + "'");
  return static_cast<std::size_t>(it - header.begin());
}

double parse_number(const std::string& cell, const std::string& column) {
  if (cell.empty()) return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  const auto r = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (r.ec != std::errc() || r.ptr != cell.data() + cell.size())
    throw std::invalid_argument("column '" + column + "': '" + cell + "' is not a number");
  return v;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

double best_threshold_accuracy(const std::vector<double>& values, const std::vector<bool>& label) {
  assert(values.size() == label.size() && !values.empty());
  const double inf = std::numeric_limits<double>::infinity();
  return std::max(threshold_accuracy(values, label, -inf), threshold_accuracy(values, label, inf));
}

double best_category_accuracy(const std::vector<std::string>& values,
                              const std::vector<bool>& label) {
  assert(values.size() == label.size() && !values.empty());
  std::map<std::string, std::pair<std::size_t, std::size_t>> counts;  // value -> (0s, 1s)
  for (std::size_t i = 0; i < values.size(); ++i)
    (label[i] ? counts[values[i]].second : counts[values[i]].first) += 1;
  std::size_t right = 0;
  for (const auto& [value, c] : counts) right += std::max(c.first, c.second);
  return static_cast<double>(right) / static_cast<double>(values.size());
}

std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

std::vector<ColumnLeak> single_column_accuracy(std::string_view csv, const std::string& label,
                                               const std::vector<std::string>& categorical,
                                               const std::vector<std::string>& ignored) {
  std::vector<std::vector<std::string>> rows;
  std::size_t start = 0;
  while (start < csv.size()) {
    std::size_t end = csv.find('\n', start);
    if (end == std::string_view::npos) end = csv.size();
    if (end > start) rows.push_back(csv_fields(csv.substr(start, end - start)));
    start = end + 1;
  }
  if (rows.size() < 2) throw std::invalid_argument("no rows under the header");
  const std::vector<std::string> header = rows.front();
  const std::size_t label_at = column_index(header, label);
  std::vector<bool> truth;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != header.size())
      throw std::invalid_argument("row " + std::to_string(r) + " has " +
                                  std::to_string(rows[r].size()) + " fields, the header " +
                                  std::to_string(header.size()));
    const std::string& cell = rows[r][label_at];
    if (cell != "0" && cell != "1")
      throw std::invalid_argument("row " + std::to_string(r) + ": label '" + cell + "'");
    truth.push_back(cell == "1");
  }
  std::vector<ColumnLeak> out;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (c == label_at || contains(ignored, header[c])) continue;
    ColumnLeak leak{header[c], 0.0};
    if (contains(categorical, header[c])) {
      std::vector<std::string> values;
      for (std::size_t r = 1; r < rows.size(); ++r) values.push_back(rows[r][c]);
      leak.accuracy = best_category_accuracy(values, truth);
    } else {
      std::vector<double> values;
      for (std::size_t r = 1; r < rows.size(); ++r)
        values.push_back(parse_number(rows[r][c], header[c]));
      leak.accuracy = best_threshold_accuracy(values, truth);
    }
    out.push_back(leak);
  }
  return out;
}

}  // namespace payquake::metrics
