#include "fraud/rules.hpp"

#include <algorithm>

namespace payquake::fraud {

std::optional<std::uint64_t> subject_of(const Candidate& c, core::FraudSubject per) {
  switch (per) {
    case core::FraudSubject::kCard:
      return c.card;
    case core::FraudSubject::kMerchant:
      return c.merchant;
    case core::FraudSubject::kDevice:
      return c.device;
  }
  return std::nullopt;
}

RulesEngine::RulesEngine(std::vector<core::FraudRule> rules)
    : rules_(std::move(rules)), windows_(rules_.size()), counts_(rules_.size(), 0) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].kind == core::FraudRule::Kind::kVelocity)
      windows_[i].emplace(rules_[i].velocity.window_s);
    std::sort(rules_[i].block_ids.begin(), rules_[i].block_ids.end());
  }
}

Decision RulesEngine::evaluate(const Candidate& c) {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    counts_[i] = 0;
    if (!windows_[i]) continue;
    if (const auto subject = subject_of(c, rules_[i].velocity.per))
      counts_[i] = windows_[i]->record(*subject, c.time_s);
  }
  for (std::size_t i = 0; i < rules_.size(); ++i)
    if (matches(i, c)) return rule_decision(rules_[i].action, static_cast<int>(i));
  return Decision{};
}

bool RulesEngine::matches(std::size_t i, const Candidate& c) const {
  const core::FraudRule& r = rules_[i];
  switch (r.kind) {
    case core::FraudRule::Kind::kVelocity:
      return counts_[i] > static_cast<std::uint64_t>(r.velocity.max);
    case core::FraudRule::Kind::kAmountOver:
      return c.amount > r.amount_over;
    case core::FraudRule::Kind::kScoreOver:
      return c.score && *c.score > r.score_over;
    case core::FraudRule::Kind::kBlock: {
      const auto subject = subject_of(c, r.block_per);
      return subject && std::binary_search(r.block_ids.begin(), r.block_ids.end(), *subject);
    }
  }
  return false;
}

std::size_t RulesEngine::velocity_subjects_held() const {
  std::size_t n = 0;
  for (const auto& w : windows_)
    if (w) n += w->subjects_held();
  return n;
}

std::size_t RulesEngine::velocity_events_held() const {
  std::size_t n = 0;
  for (const auto& w : windows_)
    if (w) n += w->events_held();
  return n;
}

}  // namespace payquake::fraud
