// The HTML pages of studies, each one self-contained like report.html (html_page.hpp) and
// made from the study's own JSON, so every number on the page is the one in the JSON:
//   compare.html from compare.json: the paired differences B - A with their 95% intervals
//     (a table and one error bar per figure, each on its own scale around 0);
//   size.html from size.json: the capacity curve (each SLO figure's mean and interval per
//     knob value, the SLO target as a line, the busiest window's utilisation), the answer;
//   sweep.html from sweep.json: each figure against the varied knob, with its intervals.
// An interrupted study says INCOMPLETE at the top.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace payquake::report {

std::string compare_html(const nlohmann::ordered_json& compare_json);
std::string size_html(const nlohmann::ordered_json& size_json);
std::string sweep_html(const nlohmann::ordered_json& sweep_json);

// How a figure of a study is shown: its value times `factor`, then `unit`
// ("fraction" as %, seconds under one as ms, ...). `magnitude` decides ms or s.
struct DisplayUnit {
  double factor = 1;
  std::string unit;        // after a value: "%", "ms", "/s", "" ...
  std::string difference;  // after a difference: "pp" for percentages, else as `unit`
  bool money = false;      // written with two decimals, as summary.json writes money
};
DisplayUnit display_unit(const std::string& unit_name, double magnitude);

}  // namespace payquake::report
