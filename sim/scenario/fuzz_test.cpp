// A seeded mutation fuzzer for the loader. It mutates the shipped scenarios byte- and
// token-wise (deletions, duplications, swaps, random bytes, number blow-ups, aliases and
// anchors, deep nesting, include lines) and holds the loader to its contract:
//   - it returns a Scenario or throws ScenarioError; nothing else, no crash;
//   - memory stays bounded (peak RSS checked at the end);
//   - a Scenario it returns is emitted by to_resolved_yaml and loads again to the same
//     resolved text (so a value that passes but makes the resolved scenario invalid is
//     caught).
// Every iteration is reproducible on its own: its mutations are drawn from (seed, iteration).
//   PAYQUAKE_FUZZ_ITERATIONS  mutations to try (default 4000, a few seconds)
//   PAYQUAKE_FUZZ_SEED        the seed (default 1)
//   PAYQUAKE_FUZZ_FIRST       the first iteration (to replay one: FIRST=n ITERATIONS=1)
//   PAYQUAKE_FUZZ_SHOW        print the mutated text of each iteration
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <sstream>

#include "scenario/fraud_policy_file.hpp"
#include "scenario/loader.hpp"

namespace payquake::scenario {
namespace {

namespace fs = std::filesystem;

struct Seed {
  std::string path;
  std::string text;
};

std::vector<Seed> corpus() {
  std::vector<Seed> out;
  const fs::path root = PAYQUAKE_SOURCE_DIR;
  for (const auto& dir : {root / "scenarios", root / "tests" / "scenario"}) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.path().extension() != ".yaml") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      out.push_back({e.path().string(), text.str()});
    }
  }
  std::sort(out.begin(), out.end(), [](const Seed& a, const Seed& b) { return a.path < b.path; });
  return out;
}

std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtoll(v, nullptr, 10) : fallback;
}

// Words that mean something to the loader or to YAML: splicing them in reaches deeper
// than random bytes do.
const std::vector<std::string> kTokens{
    "include: ",
    "id: ",
    "faults:",
    "- ",
    "{",
    "}",
    "[",
    "]",
    ": ",
    ", ",
    "&a ",
    "*a",
    "&b [*b]",
    "*b",
    "<<: ",
    "!!str ",
    "? ",
    "|\n  x\n",
    "1e308",
    "1e308h",
    "1e308k/s",
    "nan",
    ".inf",
    "-.inf",
    "-1",
    "0",
    "0s",
    "1us",
    "2147483648",
    "9223372036854775808",
    "1e30",
    "1_000_000",
    "999999999999999.99",
    "100%",
    "0%",
    "101%",
    "unlimited",
    "control",
    "payquake",
    "replicas: ",
    "window: ",
    "duration: ",
    "workers: ",
    "cards: ",
    "next: ",
    "site: ",
    "target: ",
    "at: ",
    "gw.idempotency",
    "gw.fraud",
    "gw.nonces",
    "kind: ",
    "rate: ",
    "card_testing",
    "replay",
    "fraud: ",
    "attacks:",
    "signing: ",
    "score_over: ",
    "nonce_capacity: ",
    "link:east/west",
    "\xff",
    "\xc3\x28",
    "\t",
    "\"\\x01\"",
    "\"\\n\"",
    "../",
    "/etc/passwd",
    "/dev/zero",
    "/proc/self/environ",
    "iss[0]",
    "iss[99999999]",
    "mu: 1000",
    "sigma: 1000",
    "dist: ",
    "lognormal",
};

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  std::string mutate(std::string text) {
    const int n = 1 + static_cast<int>(below(4));
    for (int i = 0; i < n; ++i) text = once(std::move(text));
    return text;
  }

 private:
  std::size_t below(std::size_t n) { return n == 0 ? 0 : rng_() % n; }
  std::size_t pos(const std::string& t) { return below(t.size() + 1); }

  std::string once(std::string t) {
    switch (below(12)) {
      case 0: {  // delete a range
        const std::size_t at = pos(t);
        t.erase(at, below(32) + 1);
        return t;
      }
      case 1: {  // duplicate a range
        const std::size_t at = pos(t);
        const std::string piece = t.substr(at, below(200) + 1);
        t.insert(pos(t), piece);
        return t;
      }
      case 2: {  // swap two lines
        auto lines = split_lines(t);
        if (lines.size() > 1) std::swap(lines[below(lines.size())], lines[below(lines.size())]);
        return join_lines(lines);
      }
      case 3: {  // random bytes
        std::string bytes;
        for (std::size_t i = below(8) + 1; i > 0; --i) bytes += static_cast<char>(below(256));
        t.insert(pos(t), bytes);
        return t;
      }
      case 4:  // a number blown up or zeroed
        return replace_number(std::move(t));
      case 5:  // a token spliced in
        t.insert(pos(t), kTokens[below(kTokens.size())]);
        return t;
      case 6: {  // an anchor on one value, an alias of it elsewhere
        const std::size_t colon = t.find(": ", pos(t));
        if (colon == std::string::npos) return t;
        t.insert(colon + 2, "&z ");
        const std::size_t other = t.find(": ", pos(t));
        if (other != std::string::npos) t.insert(other + 2, "*z #");
        return t;
      }
      case 7: {  // deep nesting
        const std::size_t depth = below(3) == 0 ? below(2000) : below(80);
        const std::size_t colon = t.find(": ", pos(t));
        if (colon == std::string::npos) return t;
        t.insert(colon + 2, std::string(depth, '[') + "1" + std::string(depth, ']'));
        return t;
      }
      case 8: {  // duplicate a line (a list item, a key)
        auto lines = split_lines(t);
        if (!lines.empty()) {
          const std::size_t i = below(lines.size());
          lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
        }
        return join_lines(lines);
      }
      case 9: {  // delete a line
        auto lines = split_lines(t);
        if (!lines.empty())
          lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(below(lines.size())));
        return join_lines(lines);
      }
      case 10: {  // replace a word by a token
        const std::size_t at = t.find_first_of(" \n", pos(t));
        if (at == std::string::npos) return t;
        const std::size_t end = t.find_first_of(" \n,]}", at + 1);
        t.replace(at + 1, end == std::string::npos ? 0 : end - at - 1,
                  kTokens[below(kTokens.size())]);
        return t;
      }
      default: {  // re-indent a line
        auto lines = split_lines(t);
        if (!lines.empty()) {
          auto& line = lines[below(lines.size())];
          if (below(2) == 0) {
            line.insert(0, below(4) + 1, ' ');
          } else {
            line.erase(0, std::min(line.find_first_not_of(' '), below(4) + 1));
          }
        }
        return join_lines(lines);
      }
    }
  }

  std::string replace_number(std::string t) {
    static const std::vector<std::string> kNumbers{"1e308",
                                                   "1e-308",
                                                   "1e999",
                                                   "0",
                                                   "-0",
                                                   "-1",
                                                   "2147483647",
                                                   "2147483648",
                                                   "9223372036854775807",
                                                   "1e19",
                                                   "4294967296",
                                                   "0.000001",
                                                   "1e6",
                                                   "99999999999999",
                                                   "1099511627777",
                                                   "nan",
                                                   "inf"};
    const std::size_t from = t.find_first_of("0123456789", pos(t));
    if (from == std::string::npos) return t;
    const std::size_t to = t.find_first_not_of("0123456789._", from);
    t.replace(from, (to == std::string::npos ? t.size() : to) - from,
              kNumbers[below(kNumbers.size())]);
    return t;
  }

  static std::vector<std::string> split_lines(const std::string& t) {
    std::vector<std::string> out;
    std::istringstream in(t);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  static std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  std::mt19937_64 rng_;
};

// `yaml` without the comments that say which file a node's policy was included from.
std::string without_policy_origin(const std::string& yaml) {
  static const std::regex origin(R"( *# policy from [^\n]*)");
  return std::regex_replace(yaml, origin, "");
}

// Loads `text`; on success (`loaded`) emits it and loads the emitted text back. Returns ""
// when the contract held, else what broke.
std::string check_one(const std::string& text, const std::string& file, bool& loaded) {
  core::Scenario s;
  loaded = false;
  try {
    s = load_string(text, file);
    loaded = true;
  } catch (const ScenarioError&) {
    return "";
  } catch (const std::exception& e) {
    return std::string("load threw something other than ScenarioError: ") + e.what();
  }
  std::string resolved;
  try {
    resolved = to_resolved_yaml(s);
  } catch (const std::exception& e) {
    return std::string("to_resolved_yaml threw: ") + e.what();
  }
  try {
    // Loaded back, an included policy is inline in the resolved file, so only the comment
    // naming the file it came from may differ.
    const std::string again = to_resolved_yaml(load_string(resolved, file));
    if (without_policy_origin(again) != without_policy_origin(resolved))
      return "the resolved scenario loads back different:\n" + again;
  } catch (const std::exception& e) {
    return std::string("the resolved scenario does not load: ") + e.what() + "\n" + resolved;
  }
  return "";
}

TEST(Fuzz, LoaderReturnsAScenarioOrAScenarioErrorAndRoundTrips) {
  const auto seeds = corpus();
  ASSERT_GE(seeds.size(), 8u);
  const auto seed = static_cast<std::uint64_t>(env_int("PAYQUAKE_FUZZ_SEED", 1));
  const std::int64_t first = env_int("PAYQUAKE_FUZZ_FIRST", 0);
  const std::int64_t iterations = env_int("PAYQUAKE_FUZZ_ITERATIONS", 4000);
  const bool show = std::getenv("PAYQUAKE_FUZZ_SHOW") != nullptr;
  std::int64_t loaded = 0;
  int failures = 0;
  for (std::int64_t i = first; i < first + iterations && failures < 5; ++i) {
    Mutator m(seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(i));
    const Seed& base = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const std::string text = m.mutate(base.text);
    if (show) std::cout << "--- iteration " << i << " of " << base.path << "\n" << text << "\n";
    bool ok = false;
    const std::string broken = check_one(text, base.path, ok);
    loaded += ok ? 1 : 0;
    if ((i + 1 - first) % 10000 == 0) {
      std::cout << (i + 1 - first) << " mutations, " << loaded << " loaded" << std::endl;
    }
    if (!broken.empty()) {
      ++failures;
      ADD_FAILURE() << "PAYQUAKE_FUZZ_SEED=" << seed << " PAYQUAKE_FUZZ_FIRST=" << i
                    << " PAYQUAKE_FUZZ_ITERATIONS=1 (" << base.path << "): " << broken
                    << "\n--- input:\n"
                    << text;
    }
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  constexpr long kMaxRssKiB = 1024 * 1024;  // 1 GiB: one load is bounded near 100 MB
  EXPECT_LT(usage.ru_maxrss, kMaxRssKiB);
  std::cout << iterations << " mutations, " << loaded << " loaded, peak RSS "
            << usage.ru_maxrss / 1024 << " MiB\n";
}

// What a policy the reader returned must satisfy (the fraud models assert on it), or "".
std::string broken_policy(const core::FraudPolicy& p) {
  using Kind = core::FraudRule::Kind;
  const auto finite = [](const core::Distribution& d) {
    return std::isfinite(d.value) && std::isfinite(d.mean) && std::isfinite(d.mu) &&
           std::isfinite(d.sigma) && std::isfinite(d.min) && std::isfinite(d.max) &&
           std::isfinite(d.stddev) && d.kind != core::Distribution::Kind::kZipf;
  };
  if (p.rules.empty() || p.rules.size() > kMaxFraudRules) return "rules: none or too many";
  if (p.score && !(p.score->auc >= 0.5 && p.score->auc < 1.0)) return "auc out of range";
  if (p.score && !finite(p.score->latency)) return "score latency not finite";
  if (p.step_up && !(p.step_up->abandon >= 0 && p.step_up->abandon <= 1 &&
                     p.step_up->stops_fraud >= 0 && p.step_up->stops_fraud <= 1))
    return "step_up share out of range";
  if (p.step_up && !finite(p.step_up->latency)) return "step_up latency not finite";
  for (const auto& r : p.rules) {
    if (r.action == core::FraudAction::kStepUp && !p.step_up) return "step_up without step_up";
    if (r.kind == Kind::kScoreOver && (!p.score || !(r.score_over >= 0 && r.score_over < 1)))
      return "score_over without a score or out of range";
    if (r.kind == Kind::kVelocity &&
        !(r.velocity.window_s > 0 && std::isfinite(r.velocity.window_s) && r.velocity.max >= 1))
      return "velocity window or max out of range";
    if (r.kind == Kind::kAmountOver && r.amount_over.minor < 0) return "amount_over negative";
    if (r.kind == Kind::kBlock && r.block_ids.empty()) return "empty block list";
  }
  return "";
}

// The same mutations over the shipped fraud policies (models/fraud/*.yaml): the reader
// returns a policy that keeps the models' preconditions, or a ScenarioError; nothing else.
TEST(Fuzz, PolicyReaderReturnsAValidPolicyOrAScenarioError) {
  std::vector<Seed> seeds;
  for (const auto& e : fs::directory_iterator(fs::path(PAYQUAKE_SOURCE_DIR) / "models" / "fraud")) {
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    seeds.push_back({e.path().string(), text.str()});
  }
  std::sort(seeds.begin(), seeds.end(),
            [](const Seed& a, const Seed& b) { return a.path < b.path; });
  ASSERT_GE(seeds.size(), 3u);
  const auto seed = static_cast<std::uint64_t>(env_int("PAYQUAKE_FUZZ_SEED", 1));
  const std::int64_t iterations = env_int("PAYQUAKE_FUZZ_ITERATIONS", 4000);
  std::int64_t loaded = 0;
  int failures = 0;
  for (std::int64_t i = 0; i < iterations && failures < 5; ++i) {
    Mutator m(seed * 0xC2B2AE3D27D4EB4FULL + static_cast<std::uint64_t>(i));
    const Seed& base = seeds[static_cast<std::size_t>(i) % seeds.size()];
    const std::string text = m.mutate(base.text);
    std::string broken;
    try {
      broken = broken_policy(read_fraud_policy_string(text, base.path));
      ++loaded;
    } catch (const ScenarioError&) {
    } catch (const std::exception& e) {
      broken = std::string("threw something other than ScenarioError: ") + e.what();
    }
    if (!broken.empty()) {
      ++failures;
      ADD_FAILURE() << "PAYQUAKE_FUZZ_SEED=" << seed << " iteration " << i << " (" << base.path
                    << "): " << broken << "\n--- input:\n"
                    << text;
    }
  }
  // Mutations that still load show the fuzzer reached the reader's checks, not only YAML's.
  EXPECT_GT(loaded, iterations / 20);
  std::cout << iterations << " policy mutations, " << loaded << " loaded\n";
}

}  // namespace
}  // namespace payquake::scenario
