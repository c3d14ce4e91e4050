#include "scenario/test_util.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "scenario/loader.hpp"

namespace payquake::scenario::testing {

const std::string kReference = R"(name: ref
seed: 42
duration: 30m
warmup: 1m
sites:
  - id: east
    internal_latency: 0.5ms
  - id: west
links:
  - between: [east, west]
    latency: 35ms
    bandwidth: 10Gbps
nodes:
  - id: gw
    role: gateway
    site: east
    replicas: 2
    workers: 64
    queue: 2000
    service_time: {dist: lognormal, median: 2ms, p99: 12ms}
    next: [acq]
    timeout: 4s
  - id: acq
    role: acquirer
    site: east
    workers: 128
    service_time: {dist: exponential, mean: 1ms}
    next: [net]
    timeout: 3s
  - id: net
    role: network
    site: west
    workers: 512
    service_time: {dist: constant, value: 0.5ms}
    timeout: 2s
  - id: iss
    role: issuer
    site: west
    bins: ["4111"]
    workers: 200
    queue: unlimited
    service_time: {dist: uniform, min: 5ms, max: 9ms}
payers:
  - id: shoppers
    cards: 1_000_000
    activity: {dist: zipf, s: 1.1}
    issuers: {iss: 100%}
    entry: gw
    amount: {dist: lognormal, median: 42.00, p99: 900.00}
load:
  start_rate: 2000/s
  stages:
    - {duration: 5m, target: 20k/s}
  spikes: [{at: 12m, duration: 30s, multiplier: 3}]
)";

std::string reference_with(std::string_view from, std::string_view to) {
  std::string text = kReference;
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "not in the reference: " << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> errors_of(const std::string& text,
                                   const std::vector<std::string>& overrides) {
  std::vector<std::string> out;
  try {
    load_string(text, "t.yaml", overrides);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) out.push_back(d.to_string());
  }
  return out;
}

TempDir::TempDir() {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() /
         ("payquake-scenario-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TempDir::write(const std::string& relative, const std::string& text) const {
  const auto file = dir_ / relative;
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
  return file.string();
}

std::string TempDir::path(const std::string& relative) const { return (dir_ / relative).string(); }

}  // namespace payquake::scenario::testing
