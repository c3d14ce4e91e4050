#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "scenario/fraud_policy_file.hpp"
#include "scenario/loader.hpp"

namespace payquake::cli {
namespace {

// "a fraud policy: score AUC 0.93, 4 rules (first match wins), step-up, fail_open": what
// was read, so a user sees the file was taken as a policy and not as a scenario.
std::string policy_summary(const core::FraudPolicy& p) {
  std::ostringstream out;
  out << "a fraud policy: ";
  if (p.score)
    out << "score AUC " << p.score->auc;
  else
    out << "no score";
  out << ", " << p.rules.size() << (p.rules.size() == 1 ? " rule" : " rules")
      << " (first match wins), " << (p.step_up ? "step-up" : "no step-up") << ", "
      << core::to_string(p.on_failure) << "; a gateway or issuer runs it with fraud: {include: FILE}";
  return out.str();
}

// Loads `file` as what it reads as (a fraud policy or a scenario); the summary to print.
std::string check(const std::string& file) {
  if (scenario::is_fraud_policy_file(file))
    return " (" + policy_summary(scenario::read_fraud_policy(file)) + ")";
  scenario::load_file(file);
  return "";
}

}  // namespace

int validate_command(const std::vector<std::string>& files) {
  int code = kOk;
  for (const auto& file : files) {
    try {
      const std::string what = check(file);
      std::cout << file << ": ok" << what << '\n';
    } catch (const scenario::ScenarioError& e) {
      for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
      std::cerr << file << ": " << e.diagnostics().size()
                << (e.diagnostics().size() == 1 ? " error\n" : " errors\n");
      code = kBadInput;
    }
  }
  return code;
}

}  // namespace payquake::cli
