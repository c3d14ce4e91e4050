// A fraud policy file (models/fraud/*.yaml, DESIGN.md section 4): score, rules (first match
// wins), step_up and on_failure, read into a validated core::FraudPolicy with located
// errors. A scenario's gateway or issuer names one under `fraud:` (inline or `include:`);
// `payquake validate` checks a policy file alone through this reader.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fraud_policy.hpp"
#include "scenario/loader.hpp"
#include "scenario/tree.hpp"

namespace payquake::scenario {

// A list of thousands of rules is evaluated in order for every payment, and is a block
// list written as rules: refused (a `block:` rule takes the ids).
inline constexpr std::size_t kMaxFraudRules = 1'000;

// Reads and checks the policy at `path`. Throws ScenarioError listing every mistake
// (file:line:col, did-you-mean for unknown keys). `include:` works as in a scenario.
core::FraudPolicy read_fraud_policy(const std::string& path);
// As read_fraud_policy, for text in memory.
core::FraudPolicy read_fraud_policy_string(const std::string& yaml_text,
                                           const std::string& file_name_for_messages);

// A node's `fraud: FILE` (a policy named by its file alone, as `--set nodes.gw.fraud=FILE`
// swaps one policy for another) read as `fraud: {include: FILE}`: relative to the file
// that wrote it, or to the working folder for a --set; the file must lie where an include of
// scenario `top_file` may (includes.hpp). Call after the overrides.
void resolve_policy_files(Value& root, const std::string& top_file, std::vector<Diagnostic>& diags,
                          ParseBudget& budget);

// The policy mapping `v` (includes resolved) at key path `path` ("nodes.gw.fraud"), every
// mistake appended to `diags` with its location; nullopt when there was one. Its source_file
// is the file its keys were written in.
std::optional<core::FraudPolicy> read_fraud_policy_value(const Value& v, const std::string& path,
                                                         std::vector<Diagnostic>& diags);

// Whether a document reads as a fraud policy rather than a scenario: a mapping with a
// policy's keys (score, rules, step_up, on_failure) and none of a scenario's (name, nodes,
// payers, sites, duration, load).
bool looks_like_fraud_policy(const Value& root);
// The same for the file at `path`. For `payquake validate`, which takes either; false when
// it cannot be read or parsed (the scenario loader then says why).
bool is_fraud_policy_file(const std::string& path);

// What loading a policy as a scenario says (`payquake run` of a policy file), once.
inline constexpr std::string_view kPolicyIsNotAScenario =
    "expected a scenario, got a fraud policy (score, rules, step_up, on_failure): a scenario "
    "uses one under a gateway's or issuer's fraud: key; `payquake validate` checks the policy "
    "file";

}  // namespace payquake::scenario
