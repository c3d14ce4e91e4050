#include "scenario/fraud_policy_file.hpp"

#include <algorithm>
#include <cmath>

#include "scenario/includes.hpp"
#include "scenario/keys.hpp"
#include "scenario/read_distribution.hpp"
#include "scenario/reader.hpp"
#include "scenario/tidy.hpp"

namespace payquake::scenario {
namespace {

using core::FraudRule;

// Documented in docs/scenario-format.md under "Fraud policy files" (keys.hpp).
const KeySet kPolicyKeys{"policy", {"score", "rules", "step_up", "on_failure"}};
const KeySet kScoreKeys{"policy.score", {"auc", "latency"}};
const KeySet kRuleKeys{"policy.rules",
                       {"velocity", "amount_over", "score_over", "block", "action"}};
const KeySet kVelocityKeys{"policy.rules.velocity", {"per", "window", "max"}};
const KeySet kBlockKeys{"policy.rules.block", {"per", "ids"}};
const KeySet kStepUpKeys{"policy.step_up", {"latency", "abandon", "stops_fraud"}};

// In the order of the core enums, so a choice's index is the value.
const std::vector<std::string> kActions{"approve", "decline", "step_up"};
const std::vector<std::string> kSubjects{"card", "merchant", "device"};
const std::vector<std::string> kFailures{"fail_open", "fail_closed"};
// A rule's condition keys, in the order of FraudRule::Kind.
const std::vector<std::string> kConditions{"velocity", "amount_over", "score_over", "block"};

// What tells a policy from a scenario at a glance (is_fraud_policy_file).
const std::vector<std::string> kScenarioMarkers{"name",  "nodes",    "payers",
                                                "sites", "duration", "load"};

// Reads a policy mapping whose key path is `base` ("" for a policy file, "nodes.gw.fraud"
// for a node's policy), so a message names the key as the user would reach it.
class PolicyReader {
 public:
  PolicyReader(std::vector<Diagnostic>& diags, std::string base)
      : r_(diags), base_(std::move(base)) {}

  core::FraudPolicy read(const Value& root) {
    if (!r_.mapping(root, base_, kPolicyKeys)) return p_;
    if (const Value* v = r_.get(root, base_, "score", false, "")) read_score(*v);
    if (const Value* v = r_.get(root, base_, "step_up", false, "")) read_step_up(*v);
    if (const Value* v = r_.get(root, base_, "on_failure", false, ""))
      if (const auto i = r_.choice(*v, at("on_failure"), kFailures))
        p_.on_failure = static_cast<core::PolicyFailure>(*i);
    if (const Value* v =
            r_.get(root, base_, "rules", true, "a list of rules (first match wins), at least one"))
      read_rules(*v);
    return p_;
  }

 private:
  std::string at(std::string_view key) const { return join(base_, key); }

  void read_score(const Value& v) {
    if (!r_.mapping(v, at("score"), kScoreKeys)) return;
    core::ScoreSpec s;
    bool ok = true;
    if (const Value* auc = r_.get(v, at("score"), "auc", true, "a number from 0.5 to below 1")) {
      const auto a = r_.number(*auc, at("score.auc"), Bound::kAny);
      if (a && !(*a >= 0.5 && *a < 1.0)) {
        r_.error(auc->loc, at("score.auc"),
                 "expected a number from 0.5 (no skill) to below 1 (1 would be a perfect "
                 "score, which no model is), got " +
                     describe(*auc));
        ok = false;
      } else if (a) {
        s.auc = *a;
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    ok = read_latency(v, at("score"), s.latency) && ok;
    if (ok) p_.score = s;
    score_written_ = true;
  }

  void read_step_up(const Value& v) {
    const std::string path = at("step_up");
    if (!r_.mapping(v, path, kStepUpKeys)) return;
    core::StepUpSpec s;
    bool ok = read_latency(v, path, s.latency);
    ok = read_probability(v, path, "abandon", s.abandon) && ok;
    ok = read_probability(v, path, "stops_fraud", s.stops_fraud) && ok;
    if (ok) p_.step_up = s;
    step_up_written_ = true;
  }

  bool read_latency(const Value& m, const std::string& path, core::Distribution& out) {
    const Value* v = r_.get(m, path, "latency", true, "a distribution of durations");
    if (!v) return false;
    const auto d = read_distribution(r_, *v, join(path, "latency"), ParamUnit::kDuration);
    if (d) out = *d;
    return d.has_value();
  }

  bool read_probability(const Value& m, const std::string& path, const char* key, double& out) {
    const Value* v = r_.get(m, path, key, true, "a percentage >= 0% and <= 100%");
    if (!v) return false;
    const auto p = r_.percent(*v, join(path, key));
    if (p) out = *p;
    return p.has_value();
  }

  void read_rules(const Value& v) {
    if (!r_.list(v, at("rules"))) return;
    if (v.items.empty()) {
      r_.error(v.loc, at("rules"), "expected at least one rule, got an empty list");
      return;
    }
    if (v.items.size() > kMaxFraudRules) {
      r_.error(v.loc, at("rules"),
               "expected at most " + std::to_string(kMaxFraudRules) + " rules, got " +
                   std::to_string(v.items.size()) + " (put many ids in one block: rule)");
      return;
    }
    for (std::size_t i = 0; i < v.items.size(); ++i)
      read_rule(v.items[i], at("rules") + "[" + std::to_string(i) + "]");
  }

  void read_rule(const Value& v, const std::string& path) {
    if (!r_.mapping(v, path, kRuleKeys)) return;
    FraudRule rule;
    std::vector<std::size_t> present;
    for (std::size_t k = 0; k < kConditions.size(); ++k)
      if (v.find(kConditions[k])) present.push_back(k);
    if (present.size() != 1) {
      std::string got = "none";
      if (present.size() > 1) {
        got.clear();
        for (std::size_t k : present) got += (got.empty() ? "" : " and ") + kConditions[k];
      }
      r_.error(v.loc, path,
               "expected one condition per rule (velocity, amount_over, score_over or block), "
               "got " +
                   got);
    }
    bool ok = present.size() == 1;
    if (ok) {
      rule.kind = static_cast<FraudRule::Kind>(present[0]);
      ok = read_condition(v, path, rule);
    }
    if (const Value* a = r_.get(v, path, "action", true, "one of approve, decline, step_up")) {
      if (const auto i = r_.choice(*a, join(path, "action"), kActions)) {
        rule.action = static_cast<core::FraudAction>(*i);
        if (rule.action == core::FraudAction::kStepUp && !step_up_written_) {
          r_.error(a->loc, join(path, "action"),
                   "expected approve or decline, got 'step_up', and the policy has no step_up: "
                   "section (add step_up: {latency, abandon, stops_fraud})");
          ok = false;
        }
      } else {
        ok = false;
      }
    } else {
      ok = false;
    }
    if (ok) p_.rules.push_back(std::move(rule));
  }

  bool read_condition(const Value& v, const std::string& path, FraudRule& rule) {
    switch (rule.kind) {
      case FraudRule::Kind::kVelocity:
        return read_velocity(*v.find("velocity"), join(path, "velocity"), rule.velocity);
      case FraudRule::Kind::kAmountOver: {
        const auto m =
            r_.money(*v.find("amount_over"), join(path, "amount_over"), Bound::kNonNegative);
        if (m) rule.amount_over = core::Money{std::llround(*m * 100.0)};  // exact: two decimals
        return m.has_value();
      }
      case FraudRule::Kind::kScoreOver:
        return read_score_over(*v.find("score_over"), join(path, "score_over"), rule);
      case FraudRule::Kind::kBlock:
        return read_block(*v.find("block"), join(path, "block"), rule);
    }
    return false;
  }

  bool read_velocity(const Value& v, const std::string& path, core::VelocitySpec& out) {
    if (!r_.mapping(v, path, kVelocityKeys)) return false;
    bool ok = read_subject(v, path, out.per);
    ok = r_.duration_field(v, path, "window", Bound::kPositive, true, out.window_s) && ok;
    ok = r_.count_field(v, path, "max", 1, true, out.max) && ok;
    return ok;
  }

  bool read_subject(const Value& m, const std::string& path, core::FraudSubject& out) {
    const Value* v = r_.get(m, path, "per", true, "one of card, merchant, device");
    if (!v) return false;
    const auto i = r_.choice(*v, join(path, "per"), kSubjects);
    if (i) out = static_cast<core::FraudSubject>(*i);
    return i.has_value();
  }

  bool read_score_over(const Value& v, const std::string& path, FraudRule& rule) {
    const auto t = r_.number(v, path, Bound::kAny);
    if (!t) return false;
    if (!(*t >= 0.0 && *t < 1.0)) {
      r_.error(v.loc, path, "expected a score from 0 to below 1, got " + describe(v));
      return false;
    }
    if (!score_written_) {
      r_.error(v.loc, path,
               "expected a rule the policy can evaluate, got a score threshold, and the policy "
               "has no score: section (add score: {auc, latency})");
      return false;
    }
    rule.score_over = *t;
    return true;
  }

  bool read_block(const Value& v, const std::string& path, FraudRule& rule) {
    if (!r_.mapping(v, path, kBlockKeys)) return false;
    bool ok = read_subject(v, path, rule.block_per);
    const Value* ids = r_.get(v, path, "ids", true, "a list of ids (counts >= 0)");
    if (!ids) return false;
    const std::string ids_path = join(path, "ids");
    if (!r_.list(*ids, ids_path)) return false;
    if (ids->items.empty()) {
      r_.error(ids->loc, ids_path, "expected at least one id, got an empty list");
      return false;
    }
    for (std::size_t i = 0; i < ids->items.size(); ++i) {
      const auto id =
          r_.count(ids->items[i], ids_path + "[" + std::to_string(i) + "]", 0, "an id (a count)");
      if (id) rule.block_ids.push_back(static_cast<std::uint64_t>(*id));
      ok = ok && id.has_value();
    }
    std::sort(rule.block_ids.begin(), rule.block_ids.end());
    rule.block_ids.erase(std::unique(rule.block_ids.begin(), rule.block_ids.end()),
                         rule.block_ids.end());
    return ok;
  }

  Reader r_;
  std::string base_;
  core::FraudPolicy p_;
  // The section was written (even if it had mistakes): rules that need it are judged only
  // on their own mistakes.
  bool score_written_ = false;
  bool step_up_written_ = false;
};

}  // namespace

core::FraudPolicy read_fraud_policy_string(const std::string& yaml_text,
                                           const std::string& file_name_for_messages) {
  std::vector<Diagnostic> diags;
  ParseBudget budget;
  auto root = parse_yaml(yaml_text, file_name_for_messages, diags, budget);
  if (!root) throw ScenarioError(std::move(diags));
  resolve_includes(*root, file_name_for_messages, diags, budget);
  core::FraudPolicy p = PolicyReader(diags, "").read(*root);
  tidy_diagnostics(diags);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  p.source_file = file_name_for_messages;
  return p;
}

core::FraudPolicy read_fraud_policy(const std::string& path) {
  std::string why;
  const auto text = read_text_file(path, &why);
  if (!text)
    throw ScenarioError({Diagnostic{path, 0, 0, "", "cannot read the fraud policy: " + why}});
  return read_fraud_policy_string(*text, path);
}

std::optional<core::FraudPolicy> read_fraud_policy_value(const Value& v, const std::string& path,
                                                         std::vector<Diagnostic>& diags) {
  const std::size_t before = diags.size();
  core::FraudPolicy p = PolicyReader(diags, path).read(v);
  if (diags.size() != before) return std::nullopt;
  // The file the policy came from: its keys keep the location of the file that wrote them
  // (an include's keys, its file; an inline policy's, the scenario's).
  p.source_file = v.keys.empty() ? v.loc.file : v.keys.front().loc.file;
  return p;
}

void resolve_policy_files(Value& root, const std::string& top_file, std::vector<Diagnostic>& diags,
                          ParseBudget& budget) {
  Value* nodes = root.is_mapping() ? root.find("nodes") : nullptr;
  if (!nodes || !nodes->is_sequence()) return;
  for (Value& node : nodes->items) {
    Value* fraud = node.is_mapping() ? node.find("fraud") : nullptr;
    if (!fraud || !fraud->is_scalar()) continue;
    Value named;
    named.kind = Value::Kind::kMapping;
    named.loc = fraud->loc;
    named.keys.push_back(Key{"include", fraud->loc});
    named.items.push_back(std::move(*fraud));
    *fraud = std::move(named);
    // The include's own location decides what a relative path is relative to; the top
    // file, which files may be read (includes.hpp).
    const std::size_t before = diags.size();
    resolve_includes(*fraud, top_file, diags, budget);
    if (diags.size() == before) continue;
    // Named where the user wrote it, and not read further: its missing rules would only
    // repeat that the file could not be read.
    const Value* id = node.find("id");
    const std::string path =
        "nodes." + (id && id->is_scalar() ? id->text : std::string("?")) + ".fraud";
    for (std::size_t i = before; i < diags.size(); ++i)
      if (diags[i].key_path == "include") diags[i].key_path = path;
    node.erase(node.index_of("fraud"));
  }
}

bool looks_like_fraud_policy(const Value& root) {
  if (!root.is_mapping()) return false;
  for (const auto& k : kScenarioMarkers)
    if (root.find(k)) return false;
  return std::any_of(kPolicyKeys.keys().begin(), kPolicyKeys.keys().end(),
                     [&](const std::string& k) { return root.find(k) != nullptr; });
}

bool is_fraud_policy_file(const std::string& path) {
  std::string why;
  const auto text = read_text_file(path, &why);
  if (!text) return false;
  std::vector<Diagnostic> diags;
  ParseBudget budget;
  auto root = parse_yaml(*text, path, diags, budget);
  if (!root) return false;
  resolve_includes(*root, path, diags, budget);  // a policy may be all include
  return looks_like_fraud_policy(*root);
}

}  // namespace payquake::scenario
