// to_resolved_yaml: the scenario with every default written out, in the units a person
// would write, each number spelled so that it reads back to the same double.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>

#include "scenario/loader.hpp"
#include "scenario/metrics.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

using Kind = core::Distribution::Kind;

enum class Unit { kDuration, kMoney };

std::string in_unit(double v, Unit u) {
  return u == Unit::kDuration ? format_duration(v) : format_money(v);
}

// "median 2ms, p99 12ms" for a person reading a lognormal written as mu/sigma; six
// significant digits, since the exact value is in mu and sigma.
std::string quantiles(const core::Distribution& d, Unit u) {
  constexpr double kZ99 = 2.3263478740408408;  // the standard normal quantile at 0.99
  char buf[96];
  const double median = std::exp(d.mu);
  const double p99 = std::exp(d.mu + kZ99 * d.sigma);
  if (u == Unit::kDuration) {
    std::snprintf(buf, sizeof buf, "median %.6gs, p99 %.6gs", median, p99);
  } else {
    std::snprintf(buf, sizeof buf, "median %.2f, p99 %.2f", median, p99);
  }
  return buf;
}

void emit_distribution(YAML::Emitter& out, const core::Distribution& d, Unit u) {
  out << YAML::Flow << YAML::BeginMap << YAML::Key << "dist" << YAML::Value
      << core::to_string(d.kind);
  switch (d.kind) {
    case Kind::kConstant:
      out << YAML::Key << "value" << YAML::Value << in_unit(d.value, u);
      break;
    case Kind::kExponential:
      out << YAML::Key << "mean" << YAML::Value << in_unit(d.mean, u);
      break;
    case Kind::kLognormal:
      // mu/sigma, not median/p99: the quantile form would not read back bit for bit.
      out << YAML::Key << "mu" << YAML::Value << format_number(d.mu) << YAML::Key << "sigma"
          << YAML::Value << format_number(d.sigma);
      break;
    case Kind::kUniform:
      out << YAML::Key << "min" << YAML::Value << in_unit(d.min, u) << YAML::Key << "max"
          << YAML::Value << in_unit(d.max, u);
      break;
    case Kind::kNormal:
      out << YAML::Key << "mean" << YAML::Value << in_unit(d.mean, u) << YAML::Key << "stddev"
          << YAML::Value << in_unit(d.stddev, u);
      break;
    case Kind::kZipf:
      out << YAML::Key << "s" << YAML::Value << format_number(d.s);
      break;
  }
  out << YAML::EndMap;
  if (d.kind == Kind::kLognormal) out << YAML::Comment(quantiles(d, u));
}

void emit_strings(YAML::Emitter& out, const std::vector<std::string>& items, bool quoted) {
  out << YAML::Flow << YAML::BeginSeq;
  for (const auto& item : items) {
    if (quoted) out << YAML::DoubleQuoted;  // BINs stay strings for any YAML reader
    out << item;
  }
  out << YAML::EndSeq;
}

const char* bool_text(bool b) { return b ? "true" : "false"; }

void emit_retry(YAML::Emitter& out, const core::RetryPolicy& r) {
  out << YAML::Key << "retry" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "attempts" << YAML::Value << r.attempts;
  out << YAML::Key << "backoff" << YAML::Value << format_duration(r.backoff_s);
  out << YAML::Key << "multiplier" << YAML::Value << format_number(r.multiplier);
  out << YAML::Key << "jitter" << YAML::Value << core::to_string(r.jitter);
  if (r.budget >= 0) out << YAML::Key << "budget" << YAML::Value << format_percent(r.budget);
  out << YAML::EndMap;
}

void emit_reversal(YAML::Emitter& out, const core::ReversalPolicy& r) {
  out << YAML::Key << "reversal" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "on_timeout" << YAML::Value << bool_text(r.on_timeout);
  out << YAML::Key << "attempts" << YAML::Value << r.attempts;
  out << YAML::Key << "backoff" << YAML::Value << format_duration(r.backoff_s);
  out << YAML::EndMap;
}

void emit_idempotency(YAML::Emitter& out, const core::Idempotency& i) {
  out << YAML::Key << "idempotency" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << bool_text(i.enabled);
  out << YAML::Key << "ttl" << YAML::Value << format_duration(i.ttl_s);
  out << YAML::Key << "concurrent" << YAML::Value << core::to_string(i.concurrent);
  out << YAML::Key << "on_store_failure" << YAML::Value << core::to_string(i.on_store_failure);
  out << YAML::EndMap;
}

void emit_health_check(YAML::Emitter& out, const core::HealthCheck& h) {
  out << YAML::Key << "health_check" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "mode" << YAML::Value << core::to_string(h.mode);
  out << YAML::Key << "interval" << YAML::Value << format_duration(h.interval_s);
  out << YAML::Key << "timeout" << YAML::Value << format_duration(h.timeout_s);
  out << YAML::Key << "unhealthy_after" << YAML::Value << h.unhealthy_after;
  out << YAML::Key << "healthy_after" << YAML::Value << h.healthy_after;
  out << YAML::EndMap;
}

void emit_outlier_detection(YAML::Emitter& out, const core::OutlierDetection& o) {
  out << YAML::Key << "outlier_detection" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << bool_text(o.enabled);
  out << YAML::Key << "consecutive_errors" << YAML::Value << o.consecutive_errors;
  out << YAML::Key << "interval" << YAML::Value << format_duration(o.interval_s);
  out << YAML::Key << "base_ejection" << YAML::Value << format_duration(o.base_ejection_s);
  out << YAML::Key << "max_ejected" << YAML::Value << format_percent(o.max_ejected);
  out << YAML::EndMap;
}

void emit_stand_in(YAML::Emitter& out, const core::StandIn& s) {
  out << YAML::Key << "stand_in" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << bool_text(s.enabled);
  out << YAML::Key << "max_amount" << YAML::Value << core::to_string(s.max_amount);
  out << YAML::EndMap;
}

void emit_accounts(YAML::Emitter& out, const core::Accounts& a) {
  out << YAML::Key << "accounts" << YAML::Value;
  if (!a.enabled) {
    out << YAML::Flow << YAML::BeginMap << YAML::EndMap
        << YAML::Comment("no balance: funds are unlimited");
    return;
  }
  // A block mapping: a lognormal's comment inside a flow mapping would split it over lines.
  out << YAML::BeginMap << YAML::Key << "balance" << YAML::Value;
  emit_distribution(out, a.balance, Unit::kMoney);
  out << YAML::Key << "capture" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "after" << YAML::Value;
  emit_distribution(out, a.capture.after, Unit::kDuration);
  out << YAML::Key << "share" << YAML::Value << format_percent(a.capture.share);
  out << YAML::EndMap;
  out << YAML::Key << "hold_expiry" << YAML::Value << format_duration(a.hold_expiry_s);
  out << YAML::EndMap;
}

void emit_signing(YAML::Emitter& out, const core::Signing& g) {
  out << YAML::Key << "signing" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << bool_text(g.enabled);
  out << YAML::Key << "window" << YAML::Value << format_duration(g.window_s);
  out << YAML::Key << "nonce_capacity" << YAML::Value << g.nonce_capacity;
  out << YAML::Key << "on_store_failure" << YAML::Value << core::to_string(g.on_store_failure);
  out << YAML::EndMap;
}

void emit_rule(YAML::Emitter& out, const core::FraudRule& r) {
  using RK = core::FraudRule::Kind;
  out << YAML::Flow << YAML::BeginMap << YAML::Key << core::to_string(r.kind) << YAML::Value;
  switch (r.kind) {
    case RK::kVelocity:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "per" << YAML::Value
          << core::to_string(r.velocity.per) << YAML::Key << "window" << YAML::Value
          << format_duration(r.velocity.window_s) << YAML::Key << "max" << YAML::Value
          << r.velocity.max << YAML::EndMap;
      break;
    case RK::kAmountOver:
      out << core::to_string(r.amount_over);
      break;
    case RK::kScoreOver:
      out << format_number(r.score_over);
      break;
    case RK::kBlock:
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "per" << YAML::Value
          << core::to_string(r.block_per) << YAML::Key << "ids" << YAML::Value << YAML::Flow
          << YAML::BeginSeq;
      for (const auto id : r.block_ids) out << id;
      out << YAML::EndSeq << YAML::EndMap;
      break;
  }
  out << YAML::Key << "action" << YAML::Value << core::to_string(r.action) << YAML::EndMap;
}

// The policy inline, whatever file it came from: the resolved scenario stands alone. A
// policy included from its own file says which (`scenario_file` is the scenario's).
void emit_policy(YAML::Emitter& out, const core::FraudPolicy& p, const std::string& scenario_file) {
  out << YAML::Key << "fraud" << YAML::Value;
  if (!p.source_file.empty() && p.source_file != scenario_file)
    out << YAML::Comment("policy from " + p.source_file);
  out << YAML::BeginMap;
  if (p.score) {
    out << YAML::Key << "score" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "auc" << YAML::Value << format_number(p.score->auc);
    out << YAML::Key << "latency" << YAML::Value;
    emit_distribution(out, p.score->latency, Unit::kDuration);
    out << YAML::EndMap;
  }
  out << YAML::Key << "rules" << YAML::Value << YAML::BeginSeq;
  for (const auto& r : p.rules) emit_rule(out, r);
  out << YAML::EndSeq;
  if (p.step_up) {
    out << YAML::Key << "step_up" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "latency" << YAML::Value;
    emit_distribution(out, p.step_up->latency, Unit::kDuration);
    out << YAML::Key << "abandon" << YAML::Value << format_percent(p.step_up->abandon);
    out << YAML::Key << "stops_fraud" << YAML::Value << format_percent(p.step_up->stops_fraud);
    out << YAML::EndMap;
  }
  out << YAML::Key << "on_failure" << YAML::Value << core::to_string(p.on_failure);
  out << YAML::EndMap;
}

void emit_node(YAML::Emitter& out, const core::Node& n, const std::string& scenario_file) {
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << n.id;
  out << YAML::Key << "role" << YAML::Value << core::to_string(n.role);
  out << YAML::Key << "site" << YAML::Value << n.site;
  out << YAML::Key << "replicas" << YAML::Value << n.replicas;
  out << YAML::Key << "workers" << YAML::Value << n.workers;
  out << YAML::Key << "queue" << YAML::Value;
  if (n.queue == core::kUnlimitedQueue) {
    out << "unlimited";
  } else {
    out << n.queue;
  }
  out << YAML::Key << "io" << YAML::Value << core::to_string(n.io);
  out << YAML::Key << "service_time" << YAML::Value;
  emit_distribution(out, n.service_time, Unit::kDuration);
  if (n.role != core::Role::kIssuer) {
    out << YAML::Key << "next" << YAML::Value;
    emit_strings(out, n.next, false);
  }
  out << YAML::Key << "routing" << YAML::Value << core::to_string(n.routing);
  // An issuer has no next hop: no timeout, retry or reversal (the loader rejects them there).
  if (n.role != core::Role::kIssuer) {
    out << YAML::Key << "timeout" << YAML::Value << format_duration(n.timeout_s);
    emit_retry(out, n.retry);
    emit_reversal(out, n.reversal);
    emit_health_check(out, n.health_check);
    emit_outlier_detection(out, n.outlier_detection);
  }
  if (n.role == core::Role::kGateway) emit_idempotency(out, n.idempotency);
  if (n.role == core::Role::kGateway) emit_signing(out, n.signing);
  if (n.fraud) emit_policy(out, *n.fraud, scenario_file);
  if (n.role == core::Role::kNetwork) emit_stand_in(out, n.stand_in);
  if (n.role == core::Role::kIssuer) {
    out << YAML::Key << "bins" << YAML::Value;
    emit_strings(out, n.bins, true);
    emit_accounts(out, n.accounts);
  }
  out << YAML::EndMap;
}

void emit_client(YAML::Emitter& out, const core::Client& c) {
  out << YAML::Key << "client" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "timeout" << YAML::Value << format_duration(c.timeout_s);
  out << YAML::Key << "retries" << YAML::Value << c.retries;
  out << YAML::Key << "retry_delay" << YAML::Value;
  emit_distribution(out, c.retry_delay, Unit::kDuration);
  out << YAML::Key << "idempotency_key" << YAML::Value << core::to_string(c.idempotency_key);
  out << YAML::Key << "double_submit" << YAML::Value << format_percent(c.double_submit);
  out << YAML::Key << "double_submit_delay" << YAML::Value;
  emit_distribution(out, c.double_submit_delay, Unit::kDuration);
  out << YAML::EndMap;
}

void emit_load(YAML::Emitter& out, const core::Load& load) {
  out << YAML::BeginMap;
  out << YAML::Key << "arrival" << YAML::Value << core::to_string(load.arrival);
  out << YAML::Key << "start_rate" << YAML::Value << format_rate(load.start_rate_per_s);
  out << YAML::Key << "stages" << YAML::Value << YAML::BeginSeq;
  for (const auto& st : load.stages) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "duration" << YAML::Value
        << format_duration(st.duration_s) << YAML::Key << "target" << YAML::Value
        << format_rate(st.target_per_s) << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "spikes" << YAML::Value << YAML::BeginSeq;
  for (const auto& sp : load.spikes) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "at" << YAML::Value
        << format_duration(sp.at_s) << YAML::Key << "duration" << YAML::Value
        << format_duration(sp.duration_s) << YAML::Key << "multiplier" << YAML::Value
        << format_number(sp.multiplier) << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
}

void emit_payers(YAML::Emitter& out, const core::Payers& p) {
  out << YAML::BeginMap;
  out << YAML::Key << "id" << YAML::Value << p.id;
  out << YAML::Key << "share" << YAML::Value << format_percent(p.share);
  out << YAML::Key << "cards" << YAML::Value << p.cards;
  out << YAML::Key << "activity" << YAML::Value;
  emit_distribution(out, p.activity, Unit::kDuration);  // zipf has no unit
  out << YAML::Key << "issuers" << YAML::Value << YAML::Flow << YAML::BeginMap;
  for (const auto& [issuer, share] : p.issuers)
    out << YAML::Key << issuer << YAML::Value << format_percent(share);
  out << YAML::EndMap;
  out << YAML::Key << "entry" << YAML::Value << p.entry;
  out << YAML::Key << "amount" << YAML::Value;
  emit_distribution(out, p.amount, Unit::kMoney);
  emit_client(out, p.client);
  if (p.load) {
    out << YAML::Key << "load" << YAML::Value;
    emit_load(out, *p.load);
  }
  out << YAML::Key << "merchants" << YAML::Value << p.merchants;
  out << YAML::Key << "second_device" << YAML::Value << format_percent(p.second_device);
  if (p.fraud_rate)
    out << YAML::Key << "fraud_rate" << YAML::Value << format_percent(*p.fraud_rate);
  out << YAML::EndMap;
}

void emit_fraud(YAML::Emitter& out, const core::Fraud& f) {
  out << YAML::BeginMap;
  out << YAML::Key << "base_rate" << YAML::Value << format_percent(f.base_rate);
  out << YAML::Key << "chargeback_fee" << YAML::Value << core::to_string(f.chargeback_fee);
  out << YAML::Key << "margin" << YAML::Value << format_percent(f.margin);
  out << YAML::EndMap;
}

// Every key of the attack's kind, defaults written out.
void emit_attack(YAML::Emitter& out, const core::Attack& a) {
  using AK = core::Attack::Kind;
  out << YAML::BeginMap;
  out << YAML::Key << "kind" << YAML::Value << core::to_string(a.kind);
  out << YAML::Key << "id" << YAML::Value << a.id;
  out << YAML::Key << "entry" << YAML::Value << a.entry;
  out << YAML::Key << "at" << YAML::Value << format_duration(a.at_s);
  out << YAML::Key << "duration" << YAML::Value << format_duration(a.duration_s);
  out << YAML::Key << "rate" << YAML::Value << format_rate(a.rate_per_s);
  if (a.kind != AK::kReplay) {
    out << YAML::Key << "amount" << YAML::Value;
    emit_distribution(out, a.amount, Unit::kMoney);
  }
  if (a.kind == AK::kCardTesting || a.kind == AK::kAccountTakeover)
    out << YAML::Key << "payers" << YAML::Value << a.payers;
  if (a.kind == AK::kCardTesting) out << YAML::Key << "cards" << YAML::Value << a.cards;
  if (a.kind == AK::kBinAttack) {
    out << YAML::Key << "issuer" << YAML::Value << a.issuer;
    out << YAML::Key << "valid" << YAML::Value << format_percent(a.valid);
  }
  if (a.kind == AK::kCardTesting || a.kind == AK::kBinAttack)
    out << YAML::Key << "devices" << YAML::Value << a.devices;
  if (a.kind == AK::kCardTesting) {
    out << YAML::Key << "tries_per_card" << YAML::Value << a.tries_per_card;
    out << YAML::Key << "pause_above" << YAML::Value << format_percent(a.pause_above);
    out << YAML::Key << "pause" << YAML::Value << format_duration(a.pause_s);
  }
  if (a.kind == AK::kReplay)
    out << YAML::Key << "capture" << YAML::Value << format_duration(a.capture_s);
  out << YAML::EndMap;
}


// The target as the loader reads it, rebuilt from the resolved fields (not Fault::target), so
// a fault made in code is written correctly too.
std::string fault_target(const core::Fault& f) {
  using FK = core::Fault::Kind;
  switch (f.kind) {
    case FK::kCrash:
    case FK::kSlowdown:
    case FK::kErrors:
      return f.replica < 0 ? f.node : f.node + "[" + std::to_string(f.replica) + "]";
    case FK::kLatency:
    case FK::kLoss:
      if (!f.node.empty()) return f.node;
      return f.site.empty() ? "link:" + f.between.first + "/" + f.between.second : "site:" + f.site;
    case FK::kStoreOutage:
      return f.node + (f.store == core::Fault::Store::kNonces ? ".nonces" : ".idempotency");
    case FK::kPolicyOutage:
      return f.node + ".fraud";
    case FK::kSiteOutage:
      return f.site;
    case FK::kPartition:
      break;  // written as between
  }
  return "";
}

void emit_fault(YAML::Emitter& out, const core::Fault& f) {
  using FK = core::Fault::Kind;
  out << YAML::Flow << YAML::BeginMap;
  if (!f.id.empty()) out << YAML::Key << "id" << YAML::Value << f.id;
  out << YAML::Key << "kind" << YAML::Value << core::to_string(f.kind);
  if (f.kind == FK::kPartition) {
    out << YAML::Key << "between" << YAML::Value;
    emit_strings(out, {f.between.first, f.between.second}, false);
  } else {
    // Quoted: "link:a/b" and "site:a" hold a colon.
    out << YAML::Key << "target" << YAML::Value << YAML::DoubleQuoted << fault_target(f);
  }
  out << YAML::Key << "at" << YAML::Value << format_duration(f.at_s);
  out << YAML::Key << "duration" << YAML::Value << format_duration(f.duration_s);
  switch (f.kind) {
    case FK::kCrash:
      out << YAML::Key << "restart" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key
          << "warmup" << YAML::Value << format_duration(f.restart_warmup_s) << YAML::Key
          << "slowdown" << YAML::Value << format_number(f.restart_slowdown) << YAML::EndMap;
      break;
    case FK::kLatency:
      out << YAML::Key << "add" << YAML::Value << format_duration(f.add_s);
      out << YAML::Key << "jitter" << YAML::Value << format_duration(f.jitter_s);
      break;
    case FK::kLoss:
      out << YAML::Key << "rate" << YAML::Value << format_percent(f.rate);
      break;
    case FK::kSlowdown:
      out << YAML::Key << "factor" << YAML::Value << format_number(f.factor);
      break;
    case FK::kErrors:
      out << YAML::Key << "rate" << YAML::Value << format_percent(f.rate);
      out << YAML::Key << "code" << YAML::Value << YAML::DoubleQuoted << core::code_string(f.code);
      break;
    case FK::kPartition:
    case FK::kStoreOutage:
    case FK::kSiteOutage:
    case FK::kPolicyOutage:
      break;
  }
  out << YAML::EndMap;
}

void emit_slo(YAML::Emitter& out, const core::Slo& slo) {
  out << YAML::BeginMap;
  out << YAML::Key << "window" << YAML::Value << format_duration(slo.window_s);
  out << YAML::Key << "success_rate" << YAML::Value << format_percent(slo.success_rate);
  out << YAML::Key << "latency_p99" << YAML::Value << format_duration(slo.latency_p99_s);
  out << YAML::Key << "stable_for" << YAML::Value << format_duration(slo.stable_for_s);
  out << YAML::EndMap;
}

// "<= 2m": the comparison as written when the text holds it, else rebuilt in the metric's unit.
std::string comparison(const core::Expectation& e) {
  const std::string op = core::to_string(e.op);
  const std::string prefix = e.metric + " " + op + " ";
  if (e.text.starts_with(prefix) && e.text.size() > prefix.size())
    return e.text.substr(e.metric.size() + 1);
  const auto unit = metric_unit(e.metric);
  return op + " " + format_metric_value(e.value, unit ? *unit : MetricUnit::kSummaryPath);
}

}  // namespace

std::string to_resolved_yaml(const core::Scenario& s) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << s.name;
  out << YAML::Key << "seed" << YAML::Value << s.seed;
  out << YAML::Key << "duration" << YAML::Value << format_duration(s.duration_s);
  out << YAML::Key << "warmup" << YAML::Value << format_duration(s.warmup_s);
  out << YAML::Key << "window" << YAML::Value << format_duration(s.window_s);
  out << YAML::Key << "drain_limit" << YAML::Value << format_duration(s.drain_limit_s);
  out << YAML::Key << "sites" << YAML::Value << YAML::BeginSeq;
  for (const auto& site : s.sites) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << site.id << YAML::Key
        << "internal_latency" << YAML::Value << format_duration(site.internal_latency_s)
        << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
  for (const auto& link : s.links) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "between" << YAML::Value;
    emit_strings(out, {link.a, link.b}, false);
    out << YAML::Key << "latency" << YAML::Value << format_duration(link.latency_s) << YAML::Key
        << "bandwidth" << YAML::Value << format_bandwidth(link.bandwidth_bps) << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
  for (const auto& n : s.nodes) emit_node(out, n, s.source_file);
  out << YAML::EndSeq;
  out << YAML::Key << "payers" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : s.payers) emit_payers(out, p);
  out << YAML::EndSeq;
  out << YAML::Key << "load" << YAML::Value;
  emit_load(out, s.load);
  out << YAML::Key << "fraud" << YAML::Value;
  emit_fraud(out, s.fraud);
  out << YAML::Key << "attacks" << YAML::Value;
  if (s.attacks.empty()) out << YAML::Flow;  // "attacks: []" on one line
  out << YAML::BeginSeq;
  for (const auto& a : s.attacks) emit_attack(out, a);
  out << YAML::EndSeq;
  out << YAML::Key << "faults" << YAML::Value;
  if (s.faults.empty()) out << YAML::Flow;  // "faults: []" on one line
  out << YAML::BeginSeq;
  for (const auto& f : s.faults) emit_fault(out, f);
  out << YAML::EndSeq;
  out << YAML::Key << "slo" << YAML::Value;
  emit_slo(out, s.slo);
  out << YAML::Key << "expect" << YAML::Value;
  if (s.expectations.empty()) out << YAML::Flow;
  out << YAML::BeginMap;
  for (const auto& e : s.expectations)
    out << YAML::Key << e.metric << YAML::Value << YAML::DoubleQuoted << comparison(e);
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace payquake::scenario
