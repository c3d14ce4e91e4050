// `payquake compare`: validate both variants in-process, plan the paired runs, run them
// as children through the study library, pair them by seed, write and print the result.
#include "cli/compare_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/self_binary.hpp"
#include "report/atomic_file.hpp"
#include "report/run_folder.hpp"
#include "report/study_html.hpp"
#include "scenario/loader.hpp"
#include "study/comparison_report.hpp"
#include "study/executor.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

namespace fs = std::filesystem;

struct Variant {
  char side = 'a';  // 'a' or 'b': its subfolder
  std::string file;
  std::vector<std::string> overrides;  // --set, then --set-a or --set-b
  bool without_faults = false;         // --control's A: `run --without-faults`
  std::string name;                    // the scenario's name, once loaded
};

Variant variant(char side, const CompareRequest& r) {
  Variant v{side, side == 'b' && !r.b_file.empty() ? r.b_file : r.a_file, r.set,
            r.control && side == 'a', ""};
  const auto& own = side == 'a' ? r.set_a : r.set_b;
  v.overrides.insert(v.overrides.end(), own.begin(), own.end());
  return v;
}

// The variant as a person would type it: "retry-storm.yaml --set duration=2m".
std::string shown(const Variant& v) {
  std::string s = v.file;
  if (v.without_faults) s += " --without-faults";
  for (const auto& o : v.overrides) s += " --set " + o;
  return s;
}

// `run` options of the variant beyond its file, seed and overrides.
std::vector<std::string> run_options(const Variant& v) {
  if (v.without_faults) return {"--without-faults"};
  return {};
}

// Loads the variant as `payquake run` would, before any child starts; prints what is
// wrong and returns false when it would not run. Under --control, B must have faults for
// the comparison to measure anything.
bool check(Variant& v, bool control) {
  try {
    const core::Scenario s =
        scenario::load_file(v.file, v.overrides, {.without_faults = v.without_faults});
    const topology::Topology topo(s);
    v.name = s.name;
    if (control && !v.without_faults && s.faults.empty()) {
      std::cerr << "payquake: compare --control compares a scenario without and with its faults, "
                   "and "
                << v.file << " has none\n";
      return false;
    }
    return true;
  } catch (const scenario::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << v.file << ": " << e.what() << '\n';
  }
  std::cerr << "payquake: variant " << static_cast<char>(std::toupper(v.side)) << " (" << shown(v)
            << ") is not a valid scenario; nothing was run\n";
  return false;
}

std::uint64_t seed_of(const CompareRequest& r, std::size_t replication) {
  return r.seed_base + replication;
}

std::string run_folder(const Variant& v, std::uint64_t seed) {
  return std::string(1, v.side) + "/" + std::to_string(seed);
}

// A and B of each replication side by side, so that an interrupted comparison has whole
// pairs. Children run inside the comparison's folder: scenario paths are made absolute.
study::Plan make_plan(const Variant& a, const Variant& b, const CompareRequest& r) {
  study::Plan plan;
  for (std::size_t i = 0; i < r.replications; ++i) {
    const std::uint64_t seed = seed_of(r, i);
    for (const Variant* v : {&a, &b})
      plan.push_back({run_folder(*v, seed), fs::absolute(v->file).string(), v->overrides, seed,
                      run_folder(*v, seed), run_options(*v)});
  }
  return plan;
}

void warn_failed(const study::RunOutcome& o) {
  std::cerr << "payquake: warning: run " << o.run.label << " (seed " << *o.run.seed
            << ") failed: " << o.why << "; its replication is left out of both sides\n";
  if (!o.stderr_tail.empty()) {
    std::string indented = "    " + o.stderr_tail;
    for (std::size_t p = indented.find('\n'); p != std::string::npos && p + 1 < indented.size();
         p = indented.find('\n', p + 1))
      indented.insert(p + 1, "    ");
    std::cerr << indented << (indented.back() == '\n' ? "" : "\n");
  }
}

struct Pairing {
  std::vector<study::Pair> pairs;
  study::ComparisonInfo info;
  bool any_failed = false;
};

// Replication i is runs 2i (A) and 2i + 1 (B) of the plan; it counts when both are whole.
Pairing pair_up(const study::StudyResult& result, const Variant& a, const Variant& b,
                const CompareRequest& r) {
  Pairing p;
  p.info.a = shown(a);
  p.info.b = shown(b);
  p.info.replications = r.replications;
  p.info.partial = result.interrupted();
  for (std::size_t i = 0; i < r.replications; ++i) {
    const study::RunOutcome& ra = result.runs[2 * i];
    const study::RunOutcome& rb = result.runs[2 * i + 1];
    if (ra.status == study::RunStatus::kOk && rb.status == study::RunStatus::kOk) {
      p.pairs.push_back({*ra.run.seed, &*ra.summary, &*rb.summary});
      p.info.seeds.push_back(*ra.run.seed);
      continue;
    }
    std::string why;
    for (const study::RunOutcome* o : {&ra, &rb}) {
      if (o->status == study::RunStatus::kOk) continue;
      if (o->status == study::RunStatus::kFailed) {
        p.any_failed = true;
        warn_failed(*o);
      }
      if (!why.empty()) why += "; ";
      why += o->run.label + ": " + (o->why.empty() ? study::to_string(o->status) : o->why);
    }
    p.info.excluded.push_back({*ra.run.seed, why});
  }
  return p;
}

void write_comparison(report::RunFolder& folder, const std::vector<study::FigureComparison>& rows,
                      const study::ComparisonInfo& info, const std::string& table) {
  const std::string dir = folder.staging();
  report::write_atomically(dir + "/compare.csv", study::comparison_csv(rows));
  report::write_atomically(dir + "/compare.txt", table);
  const nlohmann::ordered_json json = study::comparison_json(rows, info);
  report::write_atomically(dir + "/compare.json", json.dump(2) + "\n");
  report::write_atomically(dir + "/compare.html", report::compare_html(json));
  folder.commit();
}

int finish(const study::StudyResult& result, const Pairing& pairing, const std::string& dir) {
  if (result.interrupted()) {
    std::cerr << "payquake: interrupted; " << pairing.pairs.size() << " whole replications kept in "
              << dir << " (compare.json marked partial)\n";
    return 128 + result.stop_signal;
  }
  return pairing.any_failed ? kExpectationFailed : kOk;
}

// The comparison's folder unless --out: runs/compare-<A>-vs-<B>, or for --control
// runs/compare-<name>-control.
std::string default_out_dir(const Variant& a, const Variant& b, const CompareRequest& r) {
  if (r.control) return "runs/compare-" + b.name + "-control";
  return "runs/compare-" + a.name + "-vs-" + b.name;
}

}  // namespace

CLI::App* add_compare_command(CLI::App& app, CompareRequest& r) {
  auto* cmd = app.add_subcommand(
      "compare", "Run two variants with the same seeds and report paired differences");
  cmd->add_option("A.yaml", r.a_file, "Variant A's scenario")->required();
  cmd->add_option("B.yaml", r.b_file, "Variant B's scenario (default: A's, changed by --set-b)");
  cmd->add_flag("--control", r.control,
                "Compare A.yaml without its faults (A) and with them (B): the difference its "
                "faults make, over --replications seeds");
  cmd->add_option("--set", r.set, "Override a value in both variants (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  cmd->add_option("--set-a", r.set_a, "Override a value in variant A only (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  cmd->add_option("--set-b", r.set_b, "Override a value in variant B only (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  cmd->add_option("--replications,-n", r.replications,
                  "Replications (seeds) per variant (default 10)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  cmd->add_option("--seed-base", r.seed_base, "Seed of the first replication (default 1)");
  cmd->add_option("--jobs,-j", r.jobs, "Runs at once (default: the number of cores)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--metric", r.metrics,
                  "Also compare this dotted path of summary.json, e.g. "
                  "nodes.iss.queue_wait_seconds.p99 (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("PATH");
  cmd->add_option("--out", r.out_dir,
                  "Comparison folder (default runs/compare-<A>-vs-<B>; with --control "
                  "runs/compare-<A>-control)");
  cmd->add_flag("--force", r.force, "Replace an earlier comparison in the folder");
  cmd->add_flag("--quiet", r.quiet, "Print no table (warnings and errors still go to stderr)");
  return cmd;
}

int compare_command(const CompareRequest& request) {
  if (request.control && !request.b_file.empty()) {
    std::cerr << "payquake: compare --control compares one scenario without and with its "
                 "faults; give one file, not two (got "
              << request.a_file << " and " << request.b_file << ")\n";
    return kBadInput;
  }
  Variant a = variant('a', request);
  Variant b = variant('b', request);
  if (!check(a, request.control) || !check(b, request.control)) return kBadInput;

  const std::string dir =
      request.out_dir.empty() ? default_out_dir(a, b, request) : request.out_dir;
  std::optional<report::RunFolder> folder;
  try {
    folder.emplace(report::RunFolder::prepare(dir, request.force, report::kCompareFolder));
  } catch (const report::RunFolderError& e) {
    std::cerr << "payquake: " << e.what() << '\n';
    return kBadInput;
  }

  if (shown(a) == shown(b))
    std::cerr << "payquake: note: A and B are the same variant; every difference should be "
                 "exactly 0 (a check of determinism)\n";
  const study::Plan plan = make_plan(a, b, request);
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (!request.quiet)
    std::cerr << "payquake: comparing " << request.replications << " replications of A and B ("
              << plan.size() << " runs) into " << folder->path() << "\n";
  const study::StudyResult result =
      study::execute(plan, {self_binary(), request.jobs, folder->staging(), tty});

  const Pairing pairing = pair_up(result, a, b, request);
  const auto rows = study::compare_pairs(pairing.pairs, request.metrics);
  const std::string table = study::comparison_table(rows, pairing.info);
  try {
    write_comparison(*folder, rows, pairing.info, table);
  } catch (const std::exception& e) {
    std::cerr << "payquake: " << e.what() << "; the earlier contents of " << dir
              << " are unchanged\n";
    return kBadInput;
  }
  if (!request.quiet)
    std::cout << table << "  results in " << folder->path()
              << "/ (compare.json, compare.csv, compare.txt, compare.html, a/<seed>/, b/<seed>/)\n";
  return finish(result, pairing, folder->path());
}

}  // namespace payquake::cli
