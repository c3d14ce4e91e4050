// report.html in a real browser: headless Chromium opens a real drill's report from disk
// (with its control beside it), with no network, and every chart is drawn: coloured
// pixels of data lines and the shaded outage in each chart's canvas, no console errors.
// A screenshot is kept in the build folder for people to look at.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "integration/integration_support.hpp"
#include "support/run_payquake.hpp"

#ifndef PAYQUAKE_SCREENSHOT
#define PAYQUAKE_SCREENSHOT ""
#endif

namespace payquake::testing {
namespace {

using nlohmann::json;

// Put first in <head>: records uncaught errors and console.error calls.
const char* kErrorProbe =
    "<script>window.__errors=[];window.addEventListener('error',function(e){"
    "window.__errors.push(String(e.message));});var __ce=console.error;console.error="
    "function(){window.__errors.push(Array.prototype.join.call(arguments,' '));"
    "__ce.apply(console,arguments);};</script>";

// Put last in <body>: per chart, opaque saturated pixels (data lines) and faint red ones
// (the shaded fault window) over all its canvases, written into the DOM as JSON.
const char* kPixelProbe = R"js(<script>
(function(){var out={};document.querySelectorAll('.chart').forEach(function(div){
 var line=0,shade=0,cs=div.querySelectorAll('canvas');
 cs.forEach(function(c){var d=c.getContext('2d').getImageData(0,0,c.width,c.height).data;
  for(var i=0;i<d.length;i+=4){var r=d[i],g=d[i+1],b=d[i+2],a=d[i+3];
   if(a>200&&Math.max(r,g,b)-Math.min(r,g,b)>60)line++;
   else if(a>15&&a<90&&r>g+40&&r>b+40)shade++;}});
 out[div.id]={canvases:cs.length,line:line,shade:shade,width:div.clientWidth,height:div.clientHeight};});
 var p=document.createElement('pre');p.id='probe';
 p.textContent=JSON.stringify({charts:out,errors:window.__errors});document.body.appendChild(p);})();
</script>)js";

std::vector<std::string> chromium(const std::string& profile) {
  return {"chromium", "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-background-networking", "--user-data-dir=" + profile, "--hide-scrollbars",
          "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000"};
}

TEST(ReportInABrowser, EveryChartIsDrawnWithTheOutageShadedAndNoErrors) {
  if (find_program("chromium").empty())
    GTEST_SKIP() << "chromium not installed (Debian package `chromium`; scripts/bootstrap.sh "
                    "installs it)";
  const std::string dir = temp_dir("browser");
  const RunOutput run = run_payquake({"run", source_dir() + "/scenarios/issuer-outage-drill.yaml",
                                      "--out", dir + "/run", "--quiet", "--control"},
                                     dir + "/run");
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.err;
  const std::string html = read_file(dir + "/run/report.html");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("control (no faults)"), std::string::npos) << "the control beside it";

  // The page with the probes, beside the report (same folder, opened from disk).
  std::string probed = html;
  const auto head = probed.find("<head>");
  ASSERT_NE(head, std::string::npos);
  probed.insert(head + 6, kErrorProbe);
  const auto body_end = probed.rfind("</body>");
  ASSERT_NE(body_end, std::string::npos);
  probed.insert(body_end, kPixelProbe);
  write_file(dir + "/run", "probed.html", probed);

  auto args = chromium(dir + "/profile-dom");
  args.push_back("--dump-dom");
  args.push_back("file://" + dir + "/run/probed.html");
  std::string dom;
  ASSERT_EQ(run_program(args, &dom), 0) << dom;
  const auto from = dom.find("<pre id=\"probe\">");
  ASSERT_NE(from, std::string::npos) << "the probe never ran:\n" << dom.substr(0, 2000);
  const auto to = dom.find("</pre>", from);
  const json probe = json::parse(dom.substr(from + 16, to - from - 16), nullptr, false);
  ASSERT_FALSE(probe.is_discarded()) << dom.substr(from, to - from);
  EXPECT_EQ(probe["errors"], json::array()) << "errors on the page";
  EXPECT_EQ(dom.find("Uncaught"), std::string::npos) << dom.substr(0, 3000);

  const std::vector<std::string> charts = {"throughput", "success",     "latency", "declines",
                                           "duplicates", "retries", "utilisation", "queues"};
  ASSERT_EQ(probe["charts"].size(), charts.size()) << probe.dump(1);
  for (const auto& id : charts) {
    const json& c = probe["charts"][id];
    ASSERT_TRUE(c.is_object()) << id;
    EXPECT_GE(c["canvases"].get<int>(), 1) << id;
    EXPECT_GE(c["width"].get<int>(), 400) << id;
    // A drawn series is hundreds of coloured pixels; an empty chart has none (only grey
    // grid and axes).
    EXPECT_GT(c["line"].get<int>(), 300) << id << ": no data line drawn";
    // The outage [360 s, 540 s) of a ~1100 s run is a sixth of the plot area.
    EXPECT_GT(c["shade"].get<int>(), 3000) << id << ": the outage is not shaded";
  }

  // The screenshot of the report as is, for a person to look at.
  auto shot = chromium(dir + "/profile-shot");
  shot.push_back("--window-size=1400,2000");
  shot.push_back("--screenshot=" + dir + "/report.png");
  shot.push_back("file://" + dir + "/run/report.html");
  std::string log;
  ASSERT_EQ(run_program(shot, &log), 0) << log;
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;
  const std::string png = read_file(dir + "/report.png");
  ASSERT_GT(png.size(), 50'000u) << "a blank page compresses to a few KB";
  EXPECT_EQ(png.substr(1, 3), "PNG");
  if (std::string(PAYQUAKE_SCREENSHOT).size() > 0) {
    std::filesystem::copy_file(dir + "/report.png", PAYQUAKE_SCREENSHOT,
                               std::filesystem::copy_options::overwrite_existing);
    std::cout << "screenshot: " << PAYQUAKE_SCREENSHOT << "\n";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace payquake::testing
