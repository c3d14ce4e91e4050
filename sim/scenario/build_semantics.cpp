// Reading payment semantics (DESIGN.md section 2): the retry, reversal, idempotency, stand-in
// and account settings of nodes, each allowed only on the roles it means something for, and
// the client behaviour of a payer population.
#include <array>
#include <cmath>

#include "scenario/build.hpp"
#include "scenario/read_distribution.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {
namespace {

using core::Role;

// The node keys that apply to some roles only, and why not to the others.
struct Placement {
  std::string_view key;
  std::array<bool, 4> allowed;  // indexed by core::Role: gateway, acquirer, network, issuer
  std::string_view why_not;
};

constexpr std::string_view kNoNextHop = "it has no next hop";
constexpr std::array<Placement, 10> kPlacements{{
    {"timeout", {true, true, true, false}, kNoNextHop},
    {"health_check", {true, true, true, false}, kNoNextHop},
    {"outlier_detection", {true, true, true, false}, kNoNextHop},
    {"retry", {true, true, true, false}, kNoNextHop},
    {"reversal", {true, true, true, false}, kNoNextHop},
    {"idempotency", {true, false, false, false}, "only gateways keep idempotency keys"},
    {"stand_in", {false, false, true, false}, "only networks stand in for issuers"},
    {"accounts", {false, false, false, true}, "only issuers hold cardholder accounts"},
    {"fraud", {true, false, false, true}, "only gateways and issuers run fraud policies"},
    {"signing", {true, false, false, false}, "only gateways check request signatures"},
}};

// The sections' keys, documented in docs/scenario-format.md (keys.hpp).
const KeySet kRetryKeys{"nodes.retry", {"attempts", "backoff", "multiplier", "jitter", "budget"}};
const KeySet kReversalKeys{"nodes.reversal", {"on_timeout", "attempts", "backoff"}};
const KeySet kIdempotencyKeys{"nodes.idempotency",
                              {"enabled", "ttl", "concurrent", "on_store_failure"}};
const KeySet kStandInKeys{"nodes.stand_in", {"enabled", "max_amount"}};
const KeySet kAccountsKeys{"nodes.accounts", {"balance", "capture", "hold_expiry"}};
const KeySet kCaptureKeys{"nodes.accounts.capture", {"after", "share"}};
const KeySet kHealthCheckKeys{"nodes.health_check",
                              {"mode", "interval", "timeout", "unhealthy_after", "healthy_after"}};
const KeySet kOutlierKeys{"nodes.outlier_detection",
                          {"enabled", "consecutive_errors", "interval", "base_ejection",
                           "max_ejected"}};
const KeySet kClientKeys{"payers.client",
                         {"timeout", "retries", "retry_delay", "idempotency_key", "double_submit",
                          "double_submit_delay"}};

const std::vector<std::string> kJitters{"full", "equal", "none"};
constexpr std::array<core::Jitter, 3> kJitterValues{core::Jitter::kFull, core::Jitter::kEqual,
                                                    core::Jitter::kNone};
// In the order of the core enums, so a choice's index is the value.
const std::vector<std::string> kConcurrent{"conflict", "wait"};
const std::vector<std::string> kStoreFailure{"fail_closed", "fail_open"};
const std::vector<std::string> kKeyPolicies{"reuse", "new", "none"};

std::string article(Role role) {
  return role == Role::kAcquirer || role == Role::kIssuer ? "an " : "a ";
}

// Retries, resends and presses are counted in small counters, and a hundred of them is
// already a storm: a larger count is a typo.
constexpr int kMaxRepeats = 100;

void repeat_field(Reader& r, const Value& m, const std::string& path, const char* key, int min,
                  int& out) {
  int value = out;
  if (!r.count_field(m, path, key, min, false, value)) return;
  if (value > kMaxRepeats) {
    const Value* x = m.find(key);
    r.error(x->loc, join(path, key),
            "expected a count <= " + std::to_string(kMaxRepeats) + ", got " + describe(*x));
    return;
  }
  out = value;
}

void read_retry(Reader& r, const Value& m, const std::string& path, core::RetryPolicy& out) {
  if (!r.mapping(m, path, kRetryKeys)) return;
  repeat_field(r, m, path, "attempts", 1, out.attempts);
  r.duration_field(m, path, "backoff", Bound::kNonNegative, false, out.backoff_s);
  if (const Value* x = m.find("multiplier")) {
    const std::string x_path = join(path, "multiplier");
    if (const auto k = r.number(*x, x_path, Bound::kAny)) {
      // Below 1 the backoff would shrink with every retry.
      if (*k >= 1) {
        out.multiplier = *k;
      } else {
        r.error(x->loc, x_path, "expected a number >= 1, got " + describe(*x));
      }
    }
  }
  if (const Value* x = m.find("jitter"))
    if (const auto i = r.choice(*x, join(path, "jitter"), kJitters)) out.jitter = kJitterValues[*i];
  if (const Value* x = m.find("budget"))
    if (const auto b = r.percent(*x, join(path, "budget"))) out.budget = *b;
}

void read_reversal(Reader& r, const Value& m, const std::string& path, core::ReversalPolicy& out) {
  if (!r.mapping(m, path, kReversalKeys)) return;
  // The switch is required: {attempts: 3} alone would read as reversals that never happen.
  r.bool_field(m, path, "on_timeout", true, out.on_timeout);
  repeat_field(r, m, path, "attempts", 1, out.attempts);
  r.duration_field(m, path, "backoff", Bound::kNonNegative, false, out.backoff_s);
}

void read_idempotency(Reader& r, const Value& m, const std::string& path, core::Idempotency& out) {
  if (!r.mapping(m, path, kIdempotencyKeys)) return;
  r.bool_field(m, path, "enabled", true, out.enabled);
  r.duration_field(m, path, "ttl", Bound::kPositive, false, out.ttl_s);
  if (const Value* x = m.find("concurrent"))
    if (const auto i = r.choice(*x, join(path, "concurrent"), kConcurrent))
      out.concurrent = static_cast<core::ConcurrentKey>(*i);
  if (const Value* x = m.find("on_store_failure"))
    if (const auto i = r.choice(*x, join(path, "on_store_failure"), kStoreFailure))
      out.on_store_failure = static_cast<core::StoreFailure>(*i);
}

void read_stand_in(Reader& r, const Value& m, const std::string& path, core::StandIn& out) {
  if (!r.mapping(m, path, kStandInKeys)) return;
  r.bool_field(m, path, "enabled", true, out.enabled);
  if (const Value* x = m.find("max_amount"))
    if (const auto major = r.money(*x, join(path, "max_amount"), Bound::kNonNegative))
      out.max_amount = core::Money{std::llround(*major * 100.0)};  // exact: at most two decimals
}

void read_capture(Reader& r, const Value& m, const std::string& path, core::Capture& out) {
  if (!r.mapping(m, path, kCaptureKeys)) return;
  if (const Value* x = m.find("after"))
    if (auto d = read_distribution(r, *x, join(path, "after"), ParamUnit::kDuration)) out.after = *d;
  if (const Value* x = m.find("share"))
    if (const auto f = r.percent(*x, join(path, "share"))) out.share = *f;
}

void read_accounts(Reader& r, const Value& m, const std::string& path, core::Accounts& out) {
  if (!r.mapping(m, path, kAccountsKeys)) return;
  if (const Value* x = m.find("capture")) read_capture(r, *x, join(path, "capture"), out.capture);
  r.duration_field(m, path, "hold_expiry", Bound::kPositive, false, out.hold_expiry_s);
  const Value* balance = m.find("balance");
  if (!balance) return;  // no balance: funds are unlimited
  if (auto d = read_distribution(r, *balance, join(path, "balance"), ParamUnit::kMoney)) {
    out.enabled = true;
    out.balance = *d;
  }
}

const std::vector<std::string> kDetections{"probe", "oracle"};  // core::Detection's order

void read_health_check(Reader& r, const Value& m, const std::string& path, core::HealthCheck& out) {
  if (!r.mapping(m, path, kHealthCheckKeys)) return;
  if (const Value* x = m.find("mode"))
    if (const auto i = r.choice(*x, join(path, "mode"), kDetections))
      out.mode = static_cast<core::Detection>(*i);
  r.duration_field(m, path, "interval", Bound::kPositive, false, out.interval_s);
  r.duration_field(m, path, "timeout", Bound::kPositive, false, out.timeout_s);
  repeat_field(r, m, path, "unhealthy_after", 1, out.unhealthy_after);
  repeat_field(r, m, path, "healthy_after", 1, out.healthy_after);
  if (out.timeout_s > out.interval_s) {
    // One probe per interval is in flight at a time (Envoy requires the same).
    const Value* x = m.find("timeout");
    r.error(x->loc, join(path, "timeout"),
            "expected a probe timeout no longer than the interval (" +
                format_duration(out.interval_s) + "), got " + describe(*x));
  }
}

void read_outlier_detection(Reader& r, const Value& m, const std::string& path,
                            core::OutlierDetection& out) {
  if (!r.mapping(m, path, kOutlierKeys)) return;
  out.enabled = true;  // written: on unless it says otherwise
  r.bool_field(m, path, "enabled", false, out.enabled);
  repeat_field(r, m, path, "consecutive_errors", 1, out.consecutive_errors);
  r.duration_field(m, path, "interval", Bound::kPositive, false, out.interval_s);
  r.duration_field(m, path, "base_ejection", Bound::kPositive, false, out.base_ejection_s);
  if (const Value* x = m.find("max_ejected"))
    if (const auto p = r.percent(*x, join(path, "max_ejected"))) out.max_ejected = *p;
}

}  // namespace

const Value* Builder::placed(const Value& v, const std::string& path, std::string_view key,
                             const core::Node& n, bool role_known) {
  const Value* value = v.find(key);
  if (!value || !role_known) return value;
  for (const auto& p : kPlacements) {
    if (p.key != key || p.allowed[static_cast<std::size_t>(n.role)]) continue;
    r_.error(value->loc, join(path, key),
             "expected no " + std::string(key) + " on " + article(n.role) +
                 core::to_string(n.role) + " (" + std::string(p.why_not) + "), got " +
                 describe(*value));
    return nullptr;
  }
  return value;
}

void Builder::read_node_semantics(const Value& v, const std::string& path, core::Node& n,
                                  bool role_known) {
  if (const Value* x = placed(v, path, "retry", n, role_known))
    read_retry(r_, *x, join(path, "retry"), n.retry);
  if (const Value* x = placed(v, path, "reversal", n, role_known))
    read_reversal(r_, *x, join(path, "reversal"), n.reversal);
  if (const Value* x = placed(v, path, "idempotency", n, role_known))
    read_idempotency(r_, *x, join(path, "idempotency"), n.idempotency);
  if (const Value* x = placed(v, path, "stand_in", n, role_known))
    read_stand_in(r_, *x, join(path, "stand_in"), n.stand_in);
  if (const Value* x = placed(v, path, "accounts", n, role_known))
    read_accounts(r_, *x, join(path, "accounts"), n.accounts);
  if (const Value* x = placed(v, path, "health_check", n, role_known))
    read_health_check(r_, *x, join(path, "health_check"), n.health_check);
  // An oracle knows every failure at once: passive detection has nothing to add unless asked.
  n.outlier_detection.enabled = n.health_check.mode == core::Detection::kProbe;
  if (const Value* x = placed(v, path, "outlier_detection", n, role_known))
    read_outlier_detection(r_, *x, join(path, "outlier_detection"), n.outlier_detection);
}

void Builder::read_client(const Value& v, const std::string& path, core::Client& c) {
  if (!r_.mapping(v, path, kClientKeys)) return;
  r_.duration_field(v, path, "timeout", Bound::kPositive, false, c.timeout_s);
  repeat_field(r_, v, path, "retries", 0, c.retries);
  if (const Value* x = v.find("retry_delay"))
    if (auto d = read_distribution(r_, *x, join(path, "retry_delay"), ParamUnit::kDuration))
      c.retry_delay = *d;
  if (const Value* x = v.find("idempotency_key"))
    if (const auto i = r_.choice(*x, join(path, "idempotency_key"), kKeyPolicies))
      c.idempotency_key = static_cast<core::KeyPolicy>(*i);
  if (const Value* x = v.find("double_submit"))
    if (const auto p = r_.percent(*x, join(path, "double_submit"))) c.double_submit = *p;
  if (const Value* x = v.find("double_submit_delay"))
    if (auto d = read_distribution(r_, *x, join(path, "double_submit_delay"), ParamUnit::kDuration))
      c.double_submit_delay = *d;
}

}  // namespace payquake::scenario
