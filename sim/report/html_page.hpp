// The shell every payquake HTML page shares (report.html, compare.html, size.html,
// sweep.html): one self-contained file with dygraphs (Debian's libjs-dygraphs, inlined at
// build time) and the house style in <head>, the page's data as JSON and its script at
// the end of <body>; plus the escaping and number formatting every page needs. No wall
// clock anywhere: the same inputs give the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace payquake::report::html {

// Text as HTML content or attribute value (quoted).
std::string escape(const std::string& s);
// Script text can end its element only with "</script" (any case): written "<\/script".
std::string script_text_safe(std::string s);
// JSON inside <script>: "</" could close the element; "<\/" is the same JSON string.
std::string script_safe(std::string s);

// Six significant digits (null when not finite): what a chart shows, and a page a fraction
// of the size.
nlohmann::ordered_json num(double v);

// A value at a dotted path ("latency_seconds.p99"), or null.
const nlohmann::ordered_json& at(const nlohmann::ordered_json& j, const std::string& path);

// A value for a table cell, with its unit: kind "percent" (a fraction shown as %), "ms"
// (seconds shown as ms), "s", "rate" (per second), anything else as it is. Null is a dash.
std::string fmt(const nlohmann::ordered_json& v, const char* kind);

// <!DOCTYPE html> ... <body>: the title, dygraphs and the shared style (then `extra_style`).
void open_page(std::ostream& out, const std::string& title, const char* extra_style = "");
// The page's data (read by `script` as JSON from #payquake-data), the script, </html>.
void close_page(std::ostream& out, const nlohmann::ordered_json& data, const char* script);

}  // namespace payquake::report::html
