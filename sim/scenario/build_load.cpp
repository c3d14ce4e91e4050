// Reading a load: the scenario's `load` and a population's own `payers[].load`. A load is
// written as rates and stages, or as a preset (models/load/NAME.yaml) or a trace (CSV),
// fitted with scale, compress and shift, with the scenario's own stages and spikes on
// top; it resolves to plain stages and spikes (load_shape.hpp). The preset file and trace
// were put in the tree by load_sources.cpp, so their mistakes are located in them.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "scenario/build.hpp"
#include "scenario/limits.hpp"
#include "scenario/load_shape.hpp"
#include "scenario/units.hpp"

namespace payquake::scenario {

// Documented in docs/scenario-format.md (keys.hpp).
const KeySet kLoadKeys{"load",
                       {"arrival", "start_rate", "preset", "trace", "scale", "compress", "shift",
                        "stages", "spikes"}};
const KeySet kPayerLoadKeys{"payers.load",
                            {"arrival", "start_rate", "preset", "trace", "scale", "compress",
                             "shift", "stages", "spikes"}};

namespace {

const KeySet kPresetKeys{"load.preset", {"start_rate", "stages", "spikes"}};
const KeySet kStageKeys{"load.stages", {"duration", "target"}};
const KeySet kSpikeKeys{"load.spikes", {"at", "duration", "multiplier"}};

// The keys that say where the rate comes from: exactly one of them.
constexpr const char* kSources[] = {"start_rate", "preset", "trace"};

// A plain decimal number (a CSV cell without a unit), or nullopt.
std::optional<double> plain_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

// "5 s", "0.25 s": a trace's time for messages.
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

}  // namespace

bool Builder::read_load(const Value& v, const std::string& path, const KeySet& keys,
                        core::Load& out) {
  if (!r_.mapping(v, path, keys)) return false;
  core::Load load;
  if (const Value* a = r_.get(v, path, "arrival", false, ""))
    if (const auto i = r_.choice(*a, join(path, "arrival"), {"poisson", "uniform"}))
      load.arrival = *i == 0 ? core::ArrivalProcess::kPoisson : core::ArrivalProcess::kUniform;

  core::Load base;
  bool rates_ok = read_load_source(v, path, base);
  LoadFit fit;
  const bool fitted_source = v.find("preset") || v.find("trace");
  for (const char* key : {"scale", "compress"}) {
    const Value* x = v.find(key);
    if (!x) continue;
    if (!fitted_source) {
      r_.error(x->loc, join(path, key),
               std::string("expected ") + key + " only with a preset or a trace, got it with start_rate");
      rates_ok = false;
      continue;
    }
    const auto n = r_.number(*x, join(path, key), Bound::kPositive);
    if (n) (std::string(key) == "scale" ? fit.scale : fit.compress) = *n;
    rates_ok = rates_ok && n.has_value();
  }
  if (const Value* x = v.find("shift")) {
    if (!fitted_source) {
      r_.error(x->loc, join(path, "shift"),
               "expected shift only with a preset or a trace, got it with start_rate");
      rates_ok = false;
    } else if (const auto d = r_.duration(*x, join(path, "shift"), Bound::kNonNegative)) {
      fit.shift_s = *d;
    } else {
      rates_ok = false;
    }
  }
  const core::ArrivalProcess arrival = load.arrival;
  load = fitted(base, fit);
  load.arrival = arrival;

  core::Load extra;
  if (const Value* stages = r_.get(v, path, "stages", false, ""))
    rates_ok = read_stages(*stages, join(path, "stages"), extra.stages) && rates_ok;
  if (const Value* spikes = r_.get(v, path, "spikes", false, ""))
    read_spikes(*spikes, join(path, "spikes"), extra.spikes);
  load = stacked(std::move(load), extra);

  bool any_positive = load.start_rate_per_s > 0;
  for (const auto& st : load.stages) any_positive = any_positive || st.target_per_s > 0;
  if (rates_ok && !any_positive) {
    r_.error(v.loc, path, "expected start_rate or a stage target > 0, got only zero rates");
    rates_ok = false;
  }
  out = std::move(load);
  return rates_ok;
}

// start_rate, preset or trace (exactly one) into `base`.
bool Builder::read_load_source(const Value& v, const std::string& path, core::Load& base) {
  const char* given = nullptr;
  for (const char* key : kSources) {
    const Value* x = v.find(key);
    if (!x) continue;
    if (given) {
      r_.error(x->loc, join(path, key),
               std::string("expected one of start_rate, preset or trace, got ") + key +
                   " beside " + given);
      return false;
    }
    given = key;
  }
  if (!given) {
    r_.error(v.loc, path,
             std::string("expected start_rate (") + std::string(kRateForm) +
                 "), preset or trace, got none of them (the key is missing)");
    return false;
  }
  const std::string key = given;
  const Value& x = *v.find(key);
  if (key == "start_rate") {
    const auto rate = r_.rate(x, join(path, key), Bound::kNonNegative);
    if (rate) base.start_rate_per_s = *rate;
    return rate.has_value();
  }
  // A scalar left by load_sources.cpp is a name it could not resolve, already reported.
  if (key == "preset") return x.is_mapping() && read_preset(x, join(path, key), base);
  return x.is_sequence() && read_trace(x, join(path, key), base);
}

bool Builder::read_preset(const Value& v, const std::string& path, core::Load& out) {
  if (!r_.mapping(v, path, kPresetKeys)) return false;
  bool ok = false;
  if (const Value* sr = r_.get(v, path, "start_rate", true, kRateForm)) {
    const auto rate = r_.rate(*sr, join(path, "start_rate"), Bound::kNonNegative);
    if (rate) out.start_rate_per_s = *rate;
    ok = rate.has_value();
  }
  if (const Value* stages = r_.get(v, path, "stages", false, ""))
    ok = read_stages(*stages, join(path, "stages"), out.stages) && ok;
  if (const Value* spikes = r_.get(v, path, "spikes", false, ""))
    read_spikes(*spikes, join(path, "spikes"), out.spikes);
  return ok;
}

// A trace's rows (load_sources.cpp): a header `time,rate` or `time,count`, then one row
// per point or bucket; a time is seconds (a plain number) or a duration, a rate per
// second (a plain number) or a rate, a count a plain number >= 0.
bool Builder::read_trace(const Value& rows, const std::string& path, core::Load& out) {
  if (rows.items.empty()) {
    r_.error(rows.loc, path, "expected a header time,rate or time,count, got an empty file");
    return false;
  }
  const auto counts = read_trace_header(rows.items[0], path);
  if (!counts) return false;
  std::vector<std::pair<double, double>> points;
  bool ok = true;
  for (std::size_t i = 1; i < rows.items.size(); ++i) {
    const auto point = read_trace_row(rows.items[i], path, *counts);
    if (!point) {
      ok = false;
      continue;
    }
    const Value& t = rows.items[i].items[0];
    if (points.empty() && point->first != 0) {
      r_.error(t.loc, path, "expected the first row at time 0, got '" + t.text + "'");
      ok = false;
    } else if (!points.empty() && point->first <= points.back().first) {
      r_.error(t.loc, path,
               "expected times increasing row by row, got '" + t.text + "' after " +
                   seconds_text(points.back().first));
      ok = false;
    }
    points.push_back(*point);
  }
  const std::size_t needed = *counts ? 2 : 1;
  if (ok && points.size() < needed) {
    r_.error(rows.loc, path,
             std::string("expected at least ") +
                 (*counts ? "two rows (a bucket ends where the next begins)" : "one row") +
                 ", got " + std::to_string(points.size()));
    ok = false;
  }
  if (!ok) return false;
  out = *counts ? from_count_rows(points) : from_rate_rows(points);
  return true;
}

// True for `time,count`, false for `time,rate`; empty after reporting another header.
std::optional<bool> Builder::read_trace_header(const Value& header, const std::string& path) {
  std::string got;
  for (const auto& c : header.items) got += (got.empty() ? "" : ",") + c.text;
  if (got == "time,rate") return false;
  if (got == "time,count") return true;
  r_.error(header.loc, path, "expected a header time,rate or time,count, got '" + got + "'");
  return std::nullopt;
}

// One row's (time in seconds, rate per second or count); empty after reporting it.
std::optional<std::pair<double, double>> Builder::read_trace_row(const Value& row,
                                                                 const std::string& path,
                                                                 bool counts) {
  const char* column = counts ? "count" : "rate";
  if (row.items.size() != 2) {
    r_.error(row.loc, path,
             std::string("expected 2 cells (time,") + column + "), got " +
                 std::to_string(row.items.size()));
    return std::nullopt;
  }
  const Value& t = row.items[0];
  const Value& y = row.items[1];
  std::optional<double> time = plain_number(t.text);
  if (time && *time < 0) time.reset();
  if (!time) time = r_.duration(t, path, Bound::kNonNegative);
  std::optional<double> value = plain_number(y.text);
  if (value && *value < 0) {
    r_.error(y.loc, path, std::string("expected a ") + column + " >= 0, got '" + y.text + "'");
    return std::nullopt;
  }
  if (!value && !counts) value = r_.rate(y, path, Bound::kNonNegative);
  if (!value && counts)
    r_.error(y.loc, path, "expected a count of arrivals >= 0, got '" + y.text + "'");
  if (!time || !value) return std::nullopt;
  return std::pair{*time, *value};
}

bool Builder::read_stages(const Value& v, const std::string& path, std::vector<core::Stage>& out) {
  if (!r_.list(v, path)) return false;
  bool ok = true;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const Value& st = v.items[i];
    const std::string sp = path + "[" + std::to_string(i) + "]";
    if (!r_.mapping(st, sp, kStageKeys)) {
      ok = false;
      continue;
    }
    core::Stage stage;
    // 0 is a jump: a trace's buckets and a shifted preset's wrap are written so.
    r_.duration_field(st, sp, "duration", Bound::kNonNegative, true, stage.duration_s);
    const Value* target = r_.get(st, sp, "target", true, kRateForm);
    const auto rate =
        target ? r_.rate(*target, join(sp, "target"), Bound::kNonNegative) : std::nullopt;
    if (rate) stage.target_per_s = *rate;
    ok = ok && rate.has_value();
    out.push_back(stage);
  }
  return ok;
}

void Builder::read_spikes(const Value& v, const std::string& path, std::vector<core::Spike>& out) {
  if (!r_.list(v, path)) return;
  for (std::size_t i = 0; i < v.items.size(); ++i) {
    const Value& sv = v.items[i];
    const std::string sp = path + "[" + std::to_string(i) + "]";
    if (!r_.mapping(sv, sp, kSpikeKeys)) continue;
    core::Spike spike;
    r_.duration_field(sv, sp, "at", Bound::kNonNegative, true, spike.at_s);
    r_.duration_field(sv, sp, "duration", Bound::kPositive, true, spike.duration_s);
    if (const Value* m = r_.get(sv, sp, "multiplier", true, "a number > 0"))
      if (const auto x = r_.number(*m, join(sp, "multiplier"), Bound::kPositive))
        spike.multiplier = *x;
    out.push_back(spike);
  }
}

}  // namespace payquake::scenario
