// `payquake tradeoff`: check the scenario and every value in-process, then run the values as
// a one-axis sweep on common seeds (sweep_context.hpp: the same folder, resume, Ctrl-C and
// aggregates as `payquake sweep`), then write the curve (tradeoff.csv, tradeoff.txt).
#include "cli/tradeoff_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include "cli/commands.hpp"
#include "cli/sweep_context.hpp"
#include "scenario/loader.hpp"
#include "scenario/sweep_file.hpp"
#include "study/sweep_folder.hpp"
#include "study/tradeoff.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kVaryExample = "nodes.gw.fraud.rules.2.score_over=0.90,0.95,0.99";

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// --vary PATH=V1,V2,...: the axis, or a message naming the flag.
std::optional<study::SweepAxis> parse_vary(const TradeoffRequest& r, std::string* why) {
  if (r.vary.size() != 1) {
    *why = "--vary: a trade-off curve varies one parameter, got " + std::to_string(r.vary.size()) +
           " --vary; for a grid of several, use payquake sweep";
    return std::nullopt;
  }
  const std::string& text = r.vary[0];
  const std::size_t eq = text.find('=');
  study::SweepAxis axis;
  axis.path = eq == std::string::npos ? "" : trimmed(text.substr(0, eq));
  if (axis.path.empty() || eq + 1 >= text.size()) {
    *why = "--vary: expected PATH=V1,V2,... (e.g. " + std::string(kVaryExample) + "), got '" +
           text + "'";
    return std::nullopt;
  }
  std::set<std::string> seen;
  for (std::size_t start = eq + 1; start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string value = trimmed(text.substr(start, comma - start));
    if (value.empty()) {
      *why = "--vary: expected a value between commas in '" + text + "', got an empty one";
      return std::nullopt;
    }
    if (!seen.insert(value).second) {
      *why = "--vary: value '" + value + "' is given twice in '" + text + "'";
      return std::nullopt;
    }
    axis.values.push_back(value);
    start = comma + 1;
  }
  if (axis.values.size() < 2) {
    *why = "--vary: a curve needs at least two values, got '" + text + "' (e.g. " +
           std::string(kVaryExample) + ")";
    return std::nullopt;
  }
  if (axis.values.size() > scenario::kMaxSweepPoints) {
    *why = "--vary: at most " + std::to_string(scenario::kMaxSweepPoints) + " values, got " +
           std::to_string(axis.values.size());
    return std::nullopt;
  }
  return axis;
}

// --seed-base as typed ("": the scenario's own seed, left empty); false with a message
// naming the flag when it is not a whole number.
bool parse_seed_base(const std::string& text, std::optional<std::uint64_t>* seed) {
  if (text.empty()) return true;
  std::uint64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || at != end) {
    std::cerr << "payquake: --seed-base: expected a whole number >= 0, got '" << text << "'\n";
    return false;
  }
  *seed = n;
  return true;
}

// Loads the scenario as `payquake run` would; prints what is wrong (a value's --set
// mistakes named as --vary's) and returns empty when it would not run.
std::optional<core::Scenario> load(const std::string& file, const std::vector<std::string>& sets,
                                   const char* flag) {
  try {
    core::Scenario s = scenario::load_file(file, sets);
    const topology::Topology topo(s);
    return s;
  } catch (const scenario::ScenarioError& e) {
    for (auto d : e.diagnostics()) {
      if (d.file == "--set") d.file = flag;
      std::cerr << d.to_string() << '\n';
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << file << ": " << e.what() << '\n';
  }
  return std::nullopt;
}

bool has_policy_or_attack(const core::Scenario& s) {
  return !s.attacks.empty() || std::any_of(s.nodes.begin(), s.nodes.end(),
                                           [](const auto& n) { return n.fraud.has_value(); });
}

// The scenario with --set, then with each value: every point before anything runs.
// Returns the scenario with --set (the curve's base), empty when anything would not run.
std::optional<core::Scenario> check(const TradeoffRequest& r, const study::SweepAxis& axis) {
  auto base = load(r.scenario_path, r.set, "--set");
  if (!base) {
    std::cerr << "payquake: " << r.scenario_path
              << " is not a valid scenario (with its --set); nothing was run\n";
    return std::nullopt;
  }
  bool fraud = false;
  for (const auto& value : axis.values) {
    std::vector<std::string> sets = r.set;
    sets.push_back(axis.path + "=" + value);
    const auto point = load(r.scenario_path, sets, "--vary");
    if (!point) {
      std::cerr << "payquake: --vary: " << axis.path << "=" << value
                << " does not give a valid scenario; nothing was run\n";
      return std::nullopt;
    }
    fraud = fraud || has_policy_or_attack(*point);
  }
  if (!fraud)
    std::cerr << "payquake: note: no value gives a node a fraud policy or the scenario an attack: "
                 "the curve can only show base-rate fraud, which no policy catches\n";
  return base;
}

// The curve as a one-axis sweep on common seeds, with its folder.
SweepContext curve_context(const TradeoffRequest& r, const study::SweepAxis& axis,
                           const core::Scenario& base, std::optional<std::uint64_t> seed_base) {
  SweepContext ctx;
  study::SweepDesign& d = ctx.design;
  const std::string key = axis.path.substr(axis.path.rfind('.') + 1);
  d.name = "tradeoff-" + base.name + "-" + key;
  d.scenario_path = fs::absolute(r.scenario_path).lexically_normal().string();
  d.fingerprint = scenario_fingerprint(scenario::to_resolved_yaml(base));
  d.replications = r.replications;
  d.common_seeds = true;  // the curve's values differ by the knob, not by luck
  d.first_seed = seed_base.value_or(base.seed);
  d.axes = {axis};
  d.fixed_overrides = r.set;
  ctx.points = study::sweep_points(d);
  ctx.sweep_file = "payquake tradeoff " + d.scenario_path + " --vary " + r.vary[0];
  const std::string dir = r.out_dir.empty() ? "runs/" + d.name : r.out_dir;
  ctx.dir = fs::absolute(dir).lexically_normal().string();
  if (ctx.dir.size() > 1 && ctx.dir.back() == '/') ctx.dir.pop_back();
  return ctx;
}

int run_curve(const SweepContext& ctx, const TradeoffRequest& r) {
  const auto todo = unfinished_runs(ctx);
  const std::size_t total = study::sweep_run_count(ctx.design);
  if (!r.quiet) {
    std::cerr << "payquake: tradeoff: " << ctx.points.size() << " values x "
              << ctx.design.replications << " replications = " << total << " runs into " << ctx.dir;
    if (todo.size() < total)
      std::cerr << " (" << total - todo.size() << " finished earlier, " << todo.size()
                << " to run)";
    std::cerr << "\n";
  }
  const RunsDone done = run_missing(ctx, todo, r.jobs, ::isatty(STDERR_FILENO) != 0);
  const study::SweepResult sweep = write_aggregates(ctx, r.metrics);
  const study::Tradeoff curve = study::make_tradeoff(sweep);
  const std::string table = study::tradeoff_table(curve);
  study::write_file_atomically(ctx.dir + "/tradeoff.csv", study::tradeoff_csv(curve));
  study::write_file_atomically(ctx.dir + "/tradeoff.txt", table);
  if (!r.quiet)
    std::cout << table << "  results in " << ctx.dir
              << "/ (tradeoff.csv, tradeoff.txt, sweep.csv, sweep.json, sweep.html, "
                 "point-*/seed-*/)\n";
  if (done.stop_signal) {
    std::cerr << "payquake: interrupted; " << sweep.finished << " of " << sweep.runs
              << " runs finished and kept (INCOMPLETE, no lowest cost named); start the same "
                 "command again to run the other "
              << sweep.runs - sweep.finished << "\n";
    return 128 + done.stop_signal;
  }
  return curve.complete() ? kOk : kExpectationFailed;
}

}  // namespace

CLI::App* add_tradeoff_command(CLI::App& app, TradeoffRequest& r) {
  auto* cmd = app.add_subcommand(
      "tradeoff",
      "Vary one fraud policy parameter on common seeds: caught vs false declines, loss and "
      "total cost per value with 95% intervals (tradeoff.csv)");
  cmd->add_option("SCENARIO.yaml", r.scenario_path, "Scenario with a fraud policy")->required();
  cmd->add_option("--vary", r.vary,
                  "The parameter and its values, e.g. " + std::string(kVaryExample))
      ->required()
      ->allow_extra_args(false)
      ->type_name("PATH=V1,V2,...");
  cmd->add_option("--set", r.set, "Override a value at every point (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  cmd->add_option("--replications,-n", r.replications,
                  "Replications (seeds) per value (default 10)")
      ->check(CLI::Range(std::size_t{1}, scenario::kMaxSweepReplications));
  cmd->add_option("--seed-base", r.seed_base,
                  "Seed of the first replication (default: the scenario's seed)")
      ->type_name("N");
  cmd->add_option("--jobs,-j", r.jobs, "Runs at once (default: the number of cores)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--metric", r.metrics,
                  "Also aggregate this dotted path of summary.json in sweep.csv (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  cmd->add_option("--out", r.out_dir,
                  "Folder (default runs/tradeoff-<scenario name>-<last key of the path>)");
  cmd->add_flag("--force", r.force, "Start over: delete the runs a study left in the folder");
  cmd->add_flag("--quiet", r.quiet, "Print no table (warnings and errors still go to stderr)");
  return cmd;
}

int tradeoff_command(const TradeoffRequest& r) {
  std::string why;
  const auto axis = parse_vary(r, &why);
  if (!axis) {
    std::cerr << "payquake: " << why << '\n';
    return kBadInput;
  }
  if (axis->values.size() * r.replications > scenario::kMaxSweepRuns) {
    std::cerr << "payquake: --replications: " << axis->values.size() << " values x "
              << r.replications << " replications is over " << scenario::kMaxSweepRuns << " runs\n";
    return kBadInput;
  }
  std::optional<std::uint64_t> seed_base;
  if (!parse_seed_base(r.seed_base, &seed_base)) return kBadInput;
  const auto base = check(r, *axis);
  if (!base) return kBadInput;
  const SweepContext ctx = curve_context(r, *axis, *base, seed_base);
  return in_sweep_folder([&] {
    study::prepare_sweep_folder(ctx.dir, ctx.design, r.force);
    return run_curve(ctx, r);
  });
}

}  // namespace payquake::cli
