// `payquake sweep`: check the sweep file and every point in-process, then run what the
// folder does not hold yet (locally, or as a Slurm array), then aggregate from the folder.
#include "cli/sweep_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/sweep_context.hpp"
#include "report/study_html.hpp"
#include "scenario/loader.hpp"
#include "study/executor.hpp"
#include "study/sweep_folder.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

namespace fs = std::filesystem;

void print_errors(const scenario::ScenarioError& e, const std::string& prefix = "") {
  for (const auto& d : e.diagnostics()) std::cerr << prefix << d.to_string() << '\n';
}

std::string point_text(const study::SweepPoint& p) {
  std::string s;
  for (const auto& o : p.overrides) s += (s.empty() ? "" : ", ") + o;
  return s.empty() ? "the base" : s;
}

// Loads every point as `payquake run` would: a combination of values that is invalid
// together is found before anything runs.
bool check_points(const SweepContext& ctx) {
  bool ok = true;
  for (const auto& p : ctx.points) {
    try {
      const core::Scenario s = scenario::load_file(ctx.design.scenario_path, p.overrides);
      const topology::Topology topo(s);
    } catch (const scenario::ScenarioError& e) {
      print_errors(
          e, ctx.file.path + ": point " + std::to_string(p.index) + " (" + point_text(p) + "): ");
      ok = false;
    } catch (const std::invalid_argument& e) {
      std::cerr << ctx.file.path << ": point " << p.index << " (" << point_text(p)
                << "): " << e.what() << '\n';
      ok = false;
    }
  }
  return ok;
}

// Reads the sweep file and its base; with `every_point`, also loads every point.
std::optional<SweepContext> load(const SweepRequest& r, bool every_point) {
  SweepContext ctx;
  try {
    ctx.file = scenario::read_sweep_file(r.sweep_file);
    const core::Scenario base =
        every_point ? scenario::check_sweep(ctx.file) : scenario::load_file(ctx.file.base);
    ctx.design.name = fs::path(r.sweep_file).stem().string();
    ctx.design.scenario_path = fs::absolute(ctx.file.base).lexically_normal().string();
    ctx.design.fingerprint = scenario_fingerprint(scenario::to_resolved_yaml(base));
    ctx.design.replications = ctx.file.replications;
    ctx.design.common_seeds = ctx.file.seeds == scenario::SweepSeeds::kCommon;
    ctx.design.first_seed = base.seed;
    for (const auto& a : ctx.file.vary) ctx.design.axes.push_back({a.path, a.values});
  } catch (const scenario::ScenarioError& e) {
    print_errors(e);
    std::cerr << "payquake: " << r.sweep_file << " is not a valid sweep; nothing was run\n";
    return std::nullopt;
  }
  ctx.points = study::sweep_points(ctx.design);
  if (every_point && !check_points(ctx)) {
    std::cerr << "payquake: " << r.sweep_file << " has points that are not valid scenarios; "
              << "nothing was run\n";
    return std::nullopt;
  }
  ctx.sweep_file = fs::absolute(r.sweep_file).lexically_normal().string();
  const std::string dir = r.out_dir.empty() ? "runs/sweep-" + ctx.design.name : r.out_dir;
  ctx.dir = fs::absolute(dir).lexically_normal().string();
  if (ctx.dir.size() > 1 && ctx.dir.back() == '/') ctx.dir.pop_back();
  return ctx;
}

void warn_failed(const study::RunOutcome& o) {
  std::cerr << "payquake: warning: run " << o.run.label << " failed: " << o.why
            << "; it is reported, not averaged\n";
  if (!o.stderr_tail.empty()) {
    std::string indented = "    " + o.stderr_tail;
    for (std::size_t p = indented.find('\n'); p != std::string::npos && p + 1 < indented.size();
         p = indented.find('\n', p + 1))
      indented.insert(p + 1, "    ");
    std::cerr << indented << (indented.back() == '\n' ? "" : "\n");
  }
}

int aggregate_only(const SweepContext& ctx, const SweepRequest& r) {
  const study::SweepResult result = write_aggregates(ctx, r.metrics);
  if (!r.quiet) std::cout << study::sweep_table(result);
  return result.complete() ? kOk : kExpectationFailed;
}

int only_runs(const SweepContext& ctx, const SweepRequest& r) {
  std::string why;
  const auto numbers = study::parse_run_list(r.runs, study::sweep_run_count(ctx.design), &why);
  if (!numbers) {
    std::cerr << "payquake: --runs: " << why << '\n';
    return kBadInput;
  }
  const RunsDone done = run_missing(ctx, *numbers, r.jobs, ::isatty(STDERR_FILENO) != 0);
  if (done.stop_signal) return 128 + done.stop_signal;
  return done.failed ? kExpectationFailed : kOk;
}

int run_locally(const SweepContext& ctx, const SweepRequest& r) {
  const auto todo = unfinished_runs(ctx);
  const std::size_t total = study::sweep_run_count(ctx.design);
  if (!r.quiet) {
    std::cerr << "payquake: sweep " << ctx.design.name << ": " << ctx.points.size() << " points x "
              << ctx.design.replications << " replications = " << total << " runs into " << ctx.dir;
    if (todo.size() < total)
      std::cerr << " (" << total - todo.size() << " finished earlier, " << todo.size()
                << " to run)";
    std::cerr << "\n";
  }
  const RunsDone done = run_missing(ctx, todo, r.jobs, ::isatty(STDERR_FILENO) != 0);
  const study::SweepResult result = write_aggregates(ctx, r.metrics);
  if (!r.quiet)
    std::cout << study::sweep_table(result) << "  results in " << ctx.dir
              << "/ (sweep.csv, sweep.json, sweep.txt, sweep.html, point-*/seed-*/)\n";
  if (done.stop_signal) {
    std::cerr << "payquake: interrupted; " << result.finished << " of " << result.runs
              << " runs finished and kept; start the sweep again to run the other "
              << result.runs - result.finished << "\n";
    return 128 + done.stop_signal;
  }
  return result.complete() ? kOk : kExpectationFailed;
}

}  // namespace

std::string scenario_fingerprint(const std::string& resolved_yaml) {
  // FNV-1a, 64 bits (not a security measure).
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : resolved_yaml) h = (h ^ c) * 1099511628211ull;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string payquake_binary() {
  if (const char* injected = std::getenv("PAYQUAKE_STUDY_BINARY"); injected && *injected)
    return injected;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "/proc/self/exe" : self.string();
}

std::vector<std::size_t> unfinished_runs(const SweepContext& ctx) {
  std::vector<std::size_t> out;
  const std::size_t total = study::sweep_run_count(ctx.design);
  for (std::size_t k = 0; k < total; ++k)
    if (study::read_run(ctx.dir, study::sweep_run(ctx.design, ctx.points, k)).state !=
        study::RunState::kFinished)
      out.push_back(k);
  return out;
}

RunsDone run_missing(const SweepContext& ctx, const std::vector<std::size_t>& numbers,
                     unsigned jobs, bool progress) {
  RunsDone done;
  study::Plan plan;
  std::vector<study::SweepRun> runs;
  for (std::size_t k : numbers) {
    const study::SweepRun run = study::sweep_run(ctx.design, ctx.points, k);
    if (study::read_run(ctx.dir, run).state == study::RunState::kFinished) {
      ++done.skipped;
      continue;
    }
    study::clear_run(ctx.dir, run);
    runs.push_back(run);
    plan.push_back(study::sweep_plan_run(ctx.design, ctx.points[run.point], run));
  }
  if (plan.empty()) return done;
  const study::StudyResult result =
      study::execute(plan, {payquake_binary(), jobs, ctx.dir, progress});
  for (std::size_t i = 0; i < result.runs.size(); ++i) {
    const study::RunOutcome& o = result.runs[i];
    if (o.status == study::RunStatus::kNotStarted) continue;
    ++done.ran;
    if (o.status != study::RunStatus::kFailed) continue;
    ++done.failed;
    warn_failed(o);
    study::record_failure(ctx.dir, runs[i], o.exit_code, o.why);
  }
  done.stop_signal = result.stop_signal;
  return done;
}

study::SweepResult write_aggregates(const SweepContext& ctx,
                                    const std::vector<std::string>& metrics) {
  const study::SweepResult result =
      study::aggregate_sweep(ctx.dir, ctx.sweep_file, ctx.design, metrics);
  study::write_file_atomically(ctx.dir + "/sweep.csv", study::sweep_csv(result));
  const nlohmann::ordered_json json = study::sweep_json(result);
  study::write_file_atomically(ctx.dir + "/sweep.json", json.dump(2) + "\n");
  study::write_file_atomically(ctx.dir + "/sweep.html", report::sweep_html(json));
  study::write_file_atomically(ctx.dir + "/sweep.txt", study::sweep_table(result));
  return result;
}

CLI::App* add_sweep_command(CLI::App& app, SweepRequest& r) {
  auto* cmd = app.add_subcommand(
      "sweep",
      "Run a grid of --set values times replications; aggregate per point with 95% intervals");
  cmd->add_option("SWEEP.yaml", r.sweep_file, "Sweep file (base, replications, seeds, vary)")
      ->required();
  cmd->add_option("--jobs,-j", r.jobs, "Runs at once (default: the number of cores)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--out", r.out_dir, "Sweep folder (default runs/sweep-<file name>)");
  cmd->add_flag("--force", r.force,
                "Start over: delete the runs a sweep left in the folder (any sweep's)");
  cmd->add_flag("--quiet", r.quiet, "Print no table (warnings and errors still go to stderr)");
  cmd->add_option("--metric", r.metrics,
                  "Also aggregate this dotted path of summary.json (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  cmd->add_option("--runs", r.runs,
                  "Run only these run numbers (e.g. 0-9,12) and do not aggregate: what a Slurm "
                  "array task does")
      ->type_name("LIST");
  cmd->add_flag("--aggregate-only", r.aggregate_only,
                "Run nothing; aggregate what the folder holds: the Slurm aggregation job");
  cmd->add_flag("--slurm", r.slurm,
                "Run as a Slurm job array plus an aggregation job (sbatch), and wait for them");
  cmd->add_option("--partition", r.slurm_options.partition, "Slurm partition (with --slurm)");
  cmd->add_option("--max-parallel", r.slurm_options.max_parallel,
                  "At most N array tasks at once (the array's %N; with --slurm)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_option("--runs-per-task", r.slurm_options.runs_per_task,
                  "Runs per array task (default 1, more when over 1000 tasks; with --slurm)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  cmd->add_option("--sbatch", r.slurm_options.sbatch_args,
                  "One more sbatch option for both jobs, e.g. --sbatch=--time=30 (repeatable)")
      ->allow_extra_args(false)
      ->type_name("OPTION");
  cmd->add_flag("--dry-run", r.dry_run, "With --slurm: print the job scripts, submit nothing");
  return cmd;
}

int sweep_command(const SweepRequest& r) {
  const bool task = !r.runs.empty() || r.aggregate_only;
  if (task && (r.slurm || r.force)) {
    std::cerr << "payquake: --runs and --aggregate-only work on an existing sweep folder; "
                 "they take neither --slurm nor --force\n";
    return kBadInput;
  }
  if (!r.slurm &&
      (r.dry_run || !r.slurm_options.partition.empty() || r.slurm_options.max_parallel ||
       r.slurm_options.runs_per_task || !r.slurm_options.sbatch_args.empty())) {
    std::cerr << "payquake: --dry-run, --partition, --max-parallel, --runs-per-task and --sbatch "
                 "need --slurm\n";
    return kBadInput;
  }
  const auto ctx = load(r, /*every_point=*/!task);
  if (!ctx) return kBadInput;
  return in_sweep_folder([&] {
    if (task) {
      study::check_sweep_folder(ctx->dir, ctx->design);
      return r.aggregate_only ? aggregate_only(*ctx, r) : only_runs(*ctx, r);
    }
    if (!(r.slurm && r.dry_run)) study::prepare_sweep_folder(ctx->dir, ctx->design, r.force);
    return r.slurm ? sweep_on_slurm(*ctx, r) : run_locally(*ctx, r);
  });
}

}  // namespace payquake::cli
