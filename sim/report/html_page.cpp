#include "report/html_page.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "report/chart_css.hpp"  // generated: dygraphs' dygraph.min.css as bytes
#include "report/chart_js.hpp"   // generated: dygraphs' dygraph.min.js as bytes

namespace payquake::report::html {

using nlohmann::ordered_json;

namespace {

const char* kStyle = R"css(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1500px;padding:16px 24px;color:#1d2330}
h1{font-size:22px;margin:4px 0}h2{font-size:17px;margin:22px 0 8px;border-bottom:1px solid #dde;padding-bottom:3px}
.sub{color:#556;margin-bottom:10px}.badge{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:600;color:#fff}
.PASS{background:#2a7d2e}.FAIL{background:#c0392b}.INCOMPLETE{background:#b9770e}.none{background:#778}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #dde;padding:3px 9px;text-align:right}
th{background:#f3f4f8}td:first-child,th:first-child{text-align:left}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(640px,1fr));gap:18px 28px}
.panel{min-width:0}.chart{height:270px;width:100%}.legend{font-size:12px;min-height:18px;margin-top:2px}
.note{color:#556;font-size:12px}
.dygraph-title{font-size:15px;font-weight:600}.dygraph-label{font-size:12px}.dygraph-ylabel{font-size:12px}
.legend .dygraph-legend{position:static;width:auto;background:none;font-size:12px}
.legend span{margin-right:10px;white-space:nowrap}pre{background:#f6f7fa;border:1px solid #dde;padding:10px;overflow:auto;max-height:520px;font-size:12px}
.held{color:#2a7d2e;font-weight:600}.failed{color:#c0392b;font-weight:600}.unjudged{color:#b9770e;font-weight:600}
)css";

}  // namespace

ordered_json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return std::strtod(buf, nullptr);
}

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_text_safe(std::string s) {
  for (std::size_t at = s.find("</"); at != std::string::npos; at = s.find("</", at + 2)) {
    std::string next = s.substr(at + 2, 6);
    for (char& c : next) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (next == "script") s.replace(at, 2, "<\\/");
  }
  return s;
}

std::string script_safe(std::string s) {
  for (std::size_t at = s.find("</"); at != std::string::npos; at = s.find("</", at + 2))
    s.replace(at, 2, "<\\/");
  return s;
}

const ordered_json& at(const ordered_json& j, const std::string& path) {
  static const ordered_json kNull;
  const ordered_json* cur = &j;
  std::size_t from = 0;
  while (from <= path.size()) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    const std::string key = path.substr(from, dot - from);
    if (!cur->is_object() || !cur->contains(key)) return kNull;
    cur = &(*cur)[key];
    from = dot + 1;
  }
  return *cur;
}

std::string fmt(const ordered_json& v, const char* kind) {
  if (v.is_null()) return "&ndash;";
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_string()) return escape(v.get<std::string>());
  if (!v.is_number()) return escape(v.dump());
  const double d = v.get<double>();
  char buf[64];
  const std::string k = kind;
  if (k == "percent") {
    std::snprintf(buf, sizeof buf, "%.3f%%", 100 * d);
  } else if (k == "ms") {
    std::snprintf(buf, sizeof buf, "%.1f ms", 1000 * d);
  } else if (k == "s") {
    std::snprintf(buf, sizeof buf, "%.1f s", d);
  } else if (k == "rate") {
    std::snprintf(buf, sizeof buf, "%.1f /s", d);
  } else if (v.is_number_integer() || v.is_number_unsigned()) {
    return v.dump();
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", d);
  }
  return buf;
}

void open_page(std::ostream& out, const std::string& title, const char* extra_style) {
  out << "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>" << escape(title)
      << "</title>\n<style>" << std::string(reinterpret_cast<const char*>(kChartCss), sizeof kChartCss)
      << kStyle << extra_style << "</style>\n<script>\n";
  const auto* js = reinterpret_cast<const char*>(kChartJs);
  out << script_text_safe(std::string(js, sizeof kChartJs)) << "\n</script>\n</head><body>\n";
}

void close_page(std::ostream& out, const ordered_json& data, const char* script) {
  out << "<script type=\"application/json\" id=payquake-data>" << script_safe(data.dump())
      << "</script>\n<script>" << script << "</script>\n</body></html>\n";
}

}  // namespace payquake::report::html
