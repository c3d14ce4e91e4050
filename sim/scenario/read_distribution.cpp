#include "scenario/read_distribution.hpp"

#include <array>
#include <cmath>

namespace payquake::scenario {
namespace {

// The largest log of a lognormal's p99 (exp(709.8) is the largest double).
constexpr double kMaxLogP99 = 700;

using Kind = core::Distribution::Kind;

const std::vector<std::string> kKinds{"constant", "exponential", "lognormal", "uniform", "normal"};
const std::vector<Kind> kKindValues{Kind::kConstant, Kind::kExponential, Kind::kLognormal,
                                    Kind::kUniform, Kind::kNormal};

// Each kind's parameters, in kKinds' order; documented in docs/scenario-format.md (keys.hpp).
const std::array<KeySet, 5> kParamKeys{{
    {"dist: constant", {"dist", "value"}},
    {"dist: exponential", {"dist", "mean"}},
    {"dist: lognormal", {"dist", "median", "p99", "mu", "sigma"}},
    {"dist: uniform", {"dist", "min", "max"}},
    {"dist: normal", {"dist", "mean", "stddev"}},
}};
// Card activity is a skew, not a time or an amount: only zipf (read_activity).
const KeySet kZipfKeys{"dist: zipf", {"dist", "s"}};

// Without a known kind, any parameter name is accepted so the one mistake is reported once.
const KeySet kAnyParam = [] {
  std::vector<const KeySet*> sets;
  for (const auto& k : kParamKeys) sets.push_back(&k);
  sets.push_back(&kZipfKeys);
  return KeySet::any_of(sets);
}();

// Reads the distribution parameters of one kind; every one is checked even after a failure.
class Params {
 public:
  Params(Reader& r, const Value& m, const std::string& path, ParamUnit unit)
      : r_(r), m_(m), path_(path), unit_(unit) {}

  // A parameter in the field's unit.
  std::optional<double> unit(std::string_view key, Bound b) {
    const Value* v =
        r_.get(m_, path_, key, true, unit_ == ParamUnit::kDuration ? "a duration" : "money");
    if (!v) return std::nullopt;
    return unit_ == ParamUnit::kDuration ? r_.duration(*v, join(path_, key), b)
                                         : r_.money(*v, join(path_, key), b);
  }
  // A plain number (lognormal mu and sigma).
  std::optional<double> plain(std::string_view key, Bound b) {
    const Value* v = r_.get(m_, path_, key, true, "a number");
    if (!v) return std::nullopt;
    return r_.number(*v, join(path_, key), b);
  }
  // Reports `key` unless its value is above `floor` (named by the key `floor_key`).
  bool above(std::string_view key, double value, std::string_view floor_key, double floor,
             bool strictly) {
    if (strictly ? value > floor : value >= floor) return true;
    const Value* v = m_.find(key);
    const Value* f = m_.find(floor_key);
    r_.error(v->loc, join(path_, key),
             "expected " + std::string(key) + (strictly ? " > " : " >= ") + std::string(floor_key) +
                 " (" + f->text + "), got " + describe(*v));
    return false;
  }

 private:
  Reader& r_;
  const Value& m_;
  const std::string& path_;
  ParamUnit unit_;
};

std::optional<core::Distribution> lognormal(Reader& r, const Value& m, const std::string& path,
                                            Params& p) {
  const bool quantiles = m.find("median") || m.find("p99");
  const bool log_scale = m.find("mu") || m.find("sigma");
  if (quantiles && log_scale) {
    r.error(m.loc, path, "expected either median and p99 or mu and sigma, got both");
    return std::nullopt;
  }
  if (log_scale) {
    const auto mu = p.plain("mu", Bound::kAny);
    const auto sigma = p.plain("sigma", Bound::kNonNegative);
    if (!mu || !sigma) return std::nullopt;
    // exp(mu + 2.33 sigma) is the p99; beyond exp(709) a double is infinite, and every
    // sample far out in the tail would be too.
    constexpr double kZ99 = 2.3263478740408408;
    if (!(*mu + kZ99 * *sigma <= kMaxLogP99)) {
      r.error(m.loc, path,
              "expected mu + 2.33 sigma <= 700 (a finite p99), got mu " + m.find("mu")->text +
                  " and sigma " + m.find("sigma")->text);
      return std::nullopt;
    }
    return core::Distribution::lognormal(*mu, *sigma);
  }
  const auto median = p.unit("median", Bound::kPositive);
  const auto p99 = p.unit("p99", Bound::kPositive);
  if (!median || !p99 || !p.above("p99", *p99, "median", *median, true)) return std::nullopt;
  // Written back as mu and sigma (emit.cpp), it must read back within kMaxLogP99: a lower
  // bound here leaves room for the rounding of log(p99).
  constexpr double kMaxP99 = 1e300;  // log 690.8
  if (*p99 > kMaxP99) {
    r.error(m.find("p99")->loc, join(path, "p99"),
            "expected a p99 <= 1e300 in its unit, got " + describe(*m.find("p99")));
    return std::nullopt;
  }
  // sigma = ln(p99 / median): a denormal median under a large p99 overflows the ratio.
  if (!std::isfinite(*p99 / *median)) {
    r.error(m.find("median")->loc, join(path, "median"),
            "expected a median with a finite p99 / median, got " + describe(*m.find("median")) +
                " under a p99 of " + describe(*m.find("p99")));
    return std::nullopt;
  }
  return core::Distribution::lognormal_from_median_p99(*median, *p99);
}

}  // namespace

std::optional<core::Distribution> read_distribution(Reader& r, const Value& v,
                                                    const std::string& path, ParamUnit unit) {
  if (!v.is_mapping()) {
    r.error(v.loc, path,
            std::string("expected a distribution like {dist: lognormal, median: ") +
                (unit == ParamUnit::kDuration ? "2ms, p99: 12ms}" : "42.00, p99: 900.00}") +
                ", got " + describe(v));
    return std::nullopt;
  }
  const Value* dist =
      r.get(v, path, "dist", true, "one of constant, exponential, lognormal, uniform, normal");
  const auto index = dist ? r.choice(*dist, join(path, "dist"), kKinds) : std::nullopt;
  if (!index) {
    r.mapping(v, path, kAnyParam);
    return std::nullopt;
  }
  const Kind kind = kKindValues[*index];
  const std::size_t errors = r.error_count();
  r.mapping(v, path, kParamKeys[*index]);
  Params p(r, v, path, unit);
  std::optional<core::Distribution> d;
  switch (kind) {
    case Kind::kConstant:
      if (const auto x = p.unit("value", Bound::kNonNegative)) d = core::Distribution::constant(*x);
      break;
    case Kind::kExponential:
      if (const auto x = p.unit("mean", Bound::kNonNegative))
        d = core::Distribution::exponential(*x);
      break;
    case Kind::kLognormal:
      d = lognormal(r, v, path, p);
      break;
    case Kind::kUniform: {
      const auto lo = p.unit("min", Bound::kNonNegative);
      const auto hi = p.unit("max", Bound::kNonNegative);
      if (lo && hi && p.above("max", *hi, "min", *lo, false))
        d = core::Distribution::uniform(*lo, *hi);
      break;
    }
    case Kind::kNormal: {
      const auto mean = p.unit("mean", Bound::kNonNegative);
      const auto stddev = p.unit("stddev", Bound::kNonNegative);
      if (mean && stddev) d = core::Distribution::normal(*mean, *stddev);
      break;
    }
    case Kind::kZipf:
      break;  // not among kKinds: zipf is a skew, not a time or an amount
  }
  return r.error_count() == errors ? d : std::nullopt;
}

std::optional<core::Distribution> read_activity(Reader& r, const Value& v,
                                                const std::string& path) {
  if (!v.is_mapping()) {
    r.error(v.loc, path, "expected a distribution like {dist: zipf, s: 1.1}, got " + describe(v));
    return std::nullopt;
  }
  const Value* dist = r.get(v, path, "dist", true, "zipf");
  if (!dist) return std::nullopt;
  if (!(dist->is_scalar() && dist->text == "zipf")) {
    // Other keys are judged only once the kind is right, so one mistake is one message.
    r.error(dist->loc, join(path, "dist"),
            "expected zipf (activity is a skew over the cards), got " + describe(*dist));
    return std::nullopt;
  }
  const std::size_t errors = r.error_count();
  r.mapping(v, path, kZipfKeys);
  const Value* s = r.get(v, path, "s", true, "a number >= 0");
  const auto exponent = s ? r.number(*s, join(path, "s"), Bound::kNonNegative) : std::nullopt;
  if (!exponent || r.error_count() != errors) return std::nullopt;
  return core::Distribution::zipf(*exponent);
}

}  // namespace payquake::scenario
