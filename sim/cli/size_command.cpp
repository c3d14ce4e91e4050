#include "cli/size_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "cli/commands.hpp"
#include "cli/self_binary.hpp"
#include "report/atomic_file.hpp"
#include "report/run_folder.hpp"
#include "report/study_html.hpp"
#include "scenario/loader.hpp"
#include "scenario/suggest.hpp"
#include "study/executor.hpp"
#include "study/figures.hpp"
#include "study/sizing_report.hpp"
#include "topology/topology.hpp"

namespace payquake::cli {
namespace {

namespace fs = std::filesystem;

// Where a run's summary says how busy the node was at its busiest: the capacity report's
// peak window, or the whole run's utilisation when the run has no capacity report.
std::optional<double> peak_utilisation(const nlohmann::ordered_json& summary,
                                       const std::string& node) {
  for (const std::string& path : std::vector<std::string>{"capacity.nodes." + node + ".peak_utilisation",
                                 "nodes." + node + ".utilisation"})
    if (const auto v = study::figure_value(summary, study::path_figure(path))) return v;
  return std::nullopt;
}

void warn_failed(const study::RunOutcome& o) {
  std::cerr << "payquake: warning: run " << o.run.label << " failed: " << o.why
            << "; it is left out of its value's figures\n";
  if (!o.stderr_tail.empty()) std::cerr << "    " << o.stderr_tail << (o.stderr_tail.back() == '\n' ? "" : "\n");
}

// The scenario, loaded as the children will load it, and the knob's value in it.
struct Question {
  std::string name;
  std::int64_t value = 0;
};

int usage(const std::string& flag, const study::SpecError& e, const std::string& whole) {
  std::cerr << "payquake: size: " << flag << ": " << e.message;
  if (e.part != whole) std::cerr << " (in '" << whole << "')";
  std::cerr << '\n';
  return kBadInput;
}

std::optional<Question> load_question(const SizeRequest& r, study::Knob knob) {
  try {
    const core::Scenario s = scenario::load_file(r.scenario, r.set);
    const topology::Topology topo(s);
    std::vector<std::string> ids;
    for (const auto& n : s.nodes) {
      ids.push_back(n.id);
      if (n.id != r.node) continue;
      std::int64_t v = knob == study::Knob::kWorkers    ? n.workers
                       : knob == study::Knob::kReplicas ? n.replicas
                                                        : n.queue;
      if (knob == study::Knob::kQueue && v == core::kUnlimitedQueue) {
        v = 1000;
        std::cerr << "payquake: note: " << r.node
                  << ".queue is unlimited in the scenario; the search starts at 1000\n";
      }
      return Question{s.name, v};
    }
    const auto near = scenario::nearest(r.node, ids);
    std::cerr << "payquake: size: --node: expected the id of a node of " << r.scenario
              << ", got '" << r.node << "'"
              << (near ? " (did you mean '" + *near + "'?)" : std::string()) << '\n';
    return std::nullopt;
  } catch (const scenario::ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << r.scenario << ": " << e.what() << '\n';
  }
  std::cerr << "payquake: " << r.scenario << " is not a valid scenario; nothing was run\n";
  return std::nullopt;
}

// The replications at `value`, judged.
struct Trial {
  study::CurvePoint point;
  bool any_failed = false;
  bool interrupted = false;
  int stop_signal = 0;
};

Trial try_value(std::int64_t value, const SizeRequest& r, const study::SizingInfo& info,
                const std::string& staging, bool tty) {
  const std::string knob = study::to_string(info.knob);
  const std::string setting = "nodes." + r.node + "." + knob + "=" + std::to_string(value);
  study::Plan plan;
  for (std::uint64_t seed : info.seeds) {
    std::vector<std::string> overrides = r.set;
    overrides.push_back(setting);
    const std::string dir = "runs/" + knob + "=" + std::to_string(value) + "/" + std::to_string(seed);
    plan.push_back({knob + "=" + std::to_string(value) + " seed " + std::to_string(seed),
                    fs::absolute(r.scenario).string(), overrides, seed, dir, {}});
  }
  const study::StudyResult result = study::execute(plan, {self_binary(), r.jobs, staging, tty});
  Trial t;
  t.interrupted = result.interrupted();
  t.stop_signal = result.stop_signal;
  t.point.value = value;
  t.point.runs = plan.size();
  std::vector<const nlohmann::ordered_json*> ok;
  for (const auto& o : result.runs) {
    if (o.status == study::RunStatus::kOk) {
      ok.push_back(&*o.summary);
      continue;
    }
    ++t.point.failed;
    if (o.status == study::RunStatus::kFailed) {
      t.any_failed = true;
      warn_failed(o);
    }
  }
  std::vector<double> peaks;
  for (const auto* s : ok)
    if (const auto u = peak_utilisation(*s, r.node)) peaks.push_back(*u);
  t.point.peak_utilisation = study::describe(peaks);
  t.point.holds = !ok.empty();
  for (const auto& term : info.terms) {
    std::vector<std::optional<double>> values;
    const study::Figure f = study::path_figure(study::slo_path(term, r.node));
    for (const auto* s : ok) values.push_back(study::figure_value(*s, f));
    t.point.terms.push_back(study::judge(term, values));
    t.point.holds = t.point.holds && t.point.terms.back().holds;
  }
  return t;
}

void write_reports(report::RunFolder& folder, const std::vector<study::CurvePoint>& curve,
                   const study::SizingInfo& info, const std::string& table) {
  const std::string dir = folder.staging();
  const nlohmann::ordered_json json = study::sizing_json(curve, info);
  report::write_atomically(dir + "/size.json", json.dump(2) + "\n");
  report::write_atomically(dir + "/size.html", report::size_html(json));
  report::write_atomically(dir + "/size.csv", study::sizing_csv(curve, info));
  report::write_atomically(dir + "/size.txt", table);
  folder.commit();
}

}  // namespace

CLI::App* add_size_command(CLI::App& app, SizeRequest& r) {
  auto* cmd = app.add_subcommand(
      "size", "Find the smallest workers, replicas or queue of a node that meets an SLO");
  cmd->add_option("scenario", r.scenario, "Scenario YAML file")->required();
  cmd->add_option("--node", r.node, "The node whose capacity is sized")->required();
  cmd->add_option("--knob", r.knob, "What is sized: workers, replicas or queue")->required();
  cmd->add_option("--slo", r.slo,
                  "The objective, terms joined by commas: e.g. "
                  "\"latency_p99<=2s,success_rate>=99.9%\"")
      ->required();
  cmd->add_option("--set", r.set, "Override a value of the scenario (repeat for each)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  cmd->add_option("--replications,-n", r.replications, "Replications (seeds) per value (default 5)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  cmd->add_option("--seed-base", r.seed_base, "Seed of the first replication (default 1)");
  cmd->add_option("--jobs,-j", r.jobs, "Runs at once (default: the number of cores)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--out", r.out_dir, "Sizing folder (default runs/size-<name>-<node>-<knob>)");
  cmd->add_flag("--force", r.force, "Replace an earlier sizing in the folder");
  cmd->add_flag("--quiet", r.quiet, "Print no curve (warnings and errors still go to stderr)");
  return cmd;
}

int size_command(const SizeRequest& r) {
  study::SpecError error;
  const auto knob = study::parse_knob(r.knob, &error);
  if (!knob) return usage("--knob", error, r.knob);
  const auto terms = study::parse_slo(r.slo, &error);
  if (terms.empty()) return usage("--slo", error, r.slo);
  const auto question = load_question(r, *knob);
  if (!question) return kBadInput;

  study::SizingInfo info;
  info.scenario = r.scenario;
  for (const auto& s : r.set) info.scenario += " --set " + s;
  info.node = r.node;
  info.knob = *knob;
  info.scenario_value = question->value;
  info.slo = r.slo;
  info.terms = terms;
  info.replications = r.replications;
  for (std::size_t i = 0; i < r.replications; ++i) info.seeds.push_back(r.seed_base + i);

  const std::string dir = r.out_dir.empty() ? "runs/size-" + question->name + "-" + r.node + "-" +
                                                  study::to_string(*knob)
                                            : r.out_dir;
  std::optional<report::RunFolder> folder;
  try {
    folder.emplace(report::RunFolder::prepare(dir, r.force, report::kSizeFolder));
  } catch (const report::RunFolderError& e) {
    std::cerr << "payquake: " << e.what() << '\n';
    return kBadInput;
  }
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (!r.quiet)
    std::cerr << "payquake: sizing " << r.node << "." << study::to_string(*knob) << " from "
              << question->value << " with " << r.replications << " replications per value into "
              << folder->path() << "\n";

  study::KnobSearch search(question->value, study::knob_min(*knob), study::kKnobMax);
  std::map<std::int64_t, study::CurvePoint> curve;
  bool any_failed = false;
  int stop_signal = 0;
  bool undecidable = false;
  while (const auto value = search.next()) {
    Trial t = try_value(*value, r, info, folder->staging(), tty);
    any_failed = any_failed || t.any_failed;
    if (t.interrupted) {
      stop_signal = t.stop_signal;
      break;
    }
    if (t.point.failed == t.point.runs) {
      std::cerr << "payquake: every run at " << study::to_string(*knob) << "=" << *value
                << " failed; the search cannot go on\n";
      curve[*value] = t.point;
      undecidable = true;
      break;
    }
    if (!r.quiet)
      std::cerr << "payquake: " << study::to_string(*knob) << "=" << *value << ": "
                << (t.point.holds ? "meets" : "does not meet") << " the SLO\n";
    if (!search.record(*value, t.point.holds)) info.non_monotone = true;
    curve[*value] = std::move(t.point);
  }
  info.partial = stop_signal != 0 || undecidable;
  info.answer = info.partial ? std::nullopt : search.answer();
  info.largest_failing = search.largest_failing();
  std::vector<study::CurvePoint> points;
  for (auto& [v, p] : curve) points.push_back(std::move(p));
  const std::string table = study::sizing_table(points, info);
  try {
    write_reports(*folder, points, info, table);
  } catch (const std::exception& e) {
    std::cerr << "payquake: " << e.what() << "; the earlier contents of " << dir
              << " are unchanged\n";
    return kBadInput;
  }
  if (!r.quiet)
    std::cout << table << "  results in " << folder->path()
              << "/ (size.json, size.csv, size.txt, size.html, runs/<knob>=<value>/<seed>/)\n";
  if (stop_signal != 0) {
    std::cerr << "payquake: interrupted; the values finished so far are kept in " << folder->path()
              << " (size.json marked partial, no answer)\n";
    return 128 + stop_signal;
  }
  return any_failed || undecidable ? kExpectationFailed : kOk;
}

}  // namespace payquake::cli
