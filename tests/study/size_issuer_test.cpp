// scenarios/size-issuer.yaml states its answer in a comment ("# Answer: workers = N"):
// the command the comment gives must reproduce it (label `validation`: 25 runs).
#include <gtest/gtest.h>

#include <regex>

#include "support/run_payquake.hpp"

namespace payquake::testing {
namespace {

TEST(SizeIssuer, TheCommandReproducesTheAnswerInTheScenariosComment) {
  const std::string scenario = source_dir() + "/scenarios/size-issuer.yaml";
  std::smatch m;
  const std::string text = read_file(scenario);
  ASSERT_TRUE(std::regex_search(text, m, std::regex("# Answer: workers = ([0-9]+)")));
  const int stated = std::stoi(m[1]);
  const std::string out = temp_dir("size-issuer") + "/size";
  const RunOutput r = run_payquake({"size", scenario, "--node", "iss-a", "--knob", "workers",
                                    "--slo", "latency_p99<=200ms,success_rate>=99.9%",
                                    "--replications", "5", "--out", out, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(read_file(out + "/size.json"))["answer"], stated);
}

}  // namespace
}  // namespace payquake::testing
