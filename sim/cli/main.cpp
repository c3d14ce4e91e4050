// payquake's command line: parsing and wiring only; the work is in the subcommands.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/run_dataset.hpp"
#include "cli/compare_command.hpp"
#include "cli/size_command.hpp"
#include "cli/suggest_flag.hpp"
#include "cli/sweep_command.hpp"
#include "cli/tradeoff_command.hpp"
#include "report/openmetrics.hpp"
#include "report/run_info.hpp"

namespace {

// The command as a shell would show it, for the run folder's record.
std::string command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    const bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?&;|<>()") == std::string::npos;
    if (!plain) {
      std::string quoted = "'";
      for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      a = quoted + "'";
    }
    out += (i ? " " : "") + a;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace payquake;
  CLI::App app{"payquake: a discrete-event simulator and chaos testbed for payment networks"};
  app.set_version_flag("--version", report::kVersion);
  app.require_subcommand(1);
  // Every help page points to the format's reference, which ships with the sources.
  const std::string format_footer =
      "Scenario format: docs/scenario-format.md in the payquake sources (every key, unit, "
      "default and a complete example).";
  app.footer(format_footer);

  cli::RunRequest run;
  std::string seed;
  auto* run_cmd = app.add_subcommand("run", "Simulate a scenario and write a run folder");
  run_cmd->footer(format_footer);
  run_cmd->add_option("scenario", run.scenario_path, "Scenario YAML file")->required();
  run_cmd->add_option("--seed", seed, "Override the scenario's seed")->type_name("N");
  run_cmd->add_option("--out", run.out_dir, "Run folder (default runs/<name>-<seed>)");
  // One value per --set, so `run --set a=1 FILE` leaves FILE to the positional argument.
  run_cmd->add_option("--set", run.overrides,
                      "Override a value: key.path=value (repeat --set for each)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  run_cmd->add_option("--engine", run.engine,
                      "runahead (fast) or lockstep (one SimGrid timer per event date)")
      ->check(CLI::IsMember({"runahead", "lockstep"}));
  run_cmd->add_option("--trace", run.trace_every,
                      "Write the life of 1 payment in N (ids 0, N, 2N, ...) to DIR/trace.jsonl")
      ->type_name("N")
      ->check(CLI::Validator(
          [](const std::string& v) {
            return !v.empty() && v.find_first_not_of("0123456789") == std::string::npos &&
                           v.size() < 19 && std::stoull(v) >= 1
                       ? std::string()
                       : "expected a whole number >= 1, got '" + v + "'";
          },
          "N >= 1"));
  auto* dataset = run_cmd->add_option(
      "--dataset", run.dataset_dir,
      "Write the labelled transaction dataset to DIR (payments.csv, one row per payment, and "
      "data-dictionary.md; docs/dataset.md); with --force, an earlier dataset there is replaced");
  dataset->type_name("DIR")->check(CLI::Validator(
      [](const std::string& v) { return v.empty() ? "expected a folder, got ''" : std::string(); },
      "DIR"));
  std::string dataset_sample;
  run_cmd
      ->add_option("--dataset-sample", dataset_sample,
                   "Keep only this share of payments in the dataset, e.g. 10% (chosen by a draw "
                   "keyed on each payment: the same payments in every variant)")
      ->type_name("P%")
      ->needs(dataset)
      ->check(CLI::Validator(
          [](const std::string& v) {
            return cli::parse_dataset_sample(v)
                       ? std::string()
                       : "expected a percentage in (0%, 100%], like 10%, got '" + v + "'";
          },
          "P%"));
  run_cmd->add_option("--epoch", run.epoch,
                      "metrics.om: the Unix time (seconds, or UTC 2025-11-28T00:00:00Z) of "
                      "simulated time 0 (default: the arrivals end when the run starts)")
      ->type_name("TIME")
      ->check(CLI::Validator(
          [](const std::string& v) {
            double epoch = 0;
            return payquake::report::parse_epoch(v, &epoch)
                       ? std::string()
                       : "expected Unix seconds or YYYY-MM-DDTHH:MM:SSZ, got '" + v + "'";
          },
          "TIME"));
  run_cmd->add_option("--serve-metrics", run.serve_metrics,
                      "Live drill: serve Prometheus metrics on HOST:PORT while the run goes "
                      "(loopback only unless --allow-remote), e.g. 127.0.0.1:9464")
      ->type_name("HOST:PORT");
  run_cmd->add_option("--pace", run.pace,
                      "Run at X simulated seconds per wall second (a live drill); the progress "
                      "line says when the simulation cannot keep up")
      ->type_name("X")
      ->check(CLI::Validator(
          [](const std::string& v) {
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            return end != v.c_str() && *end == '\0' && x > 0 && x <= 1e9
                       ? std::string()
                       : "expected a number of simulated seconds per wall second in (0, 1e9], "
                         "got '" + v + "'";
          },
          "X > 0"));
  run_cmd->add_flag("--allow-remote", run.allow_remote,
                    "Let --serve-metrics bind an address other than loopback");
  run_cmd->add_flag("--force", run.force,
                    "Replace an earlier run in the output folder (it is replaced only once the "
                    "new run is completely written)");
  run_cmd->add_flag("--quiet", run.quiet,
                    "Print nothing on success (a failed or unjudged expectation is still shown)");
  run_cmd->add_flag("--control", run.control,
                    "Also run the scenario without its faults on the same random streams, and "
                    "report the difference the faults made (DIR/control/); over many seeds, "
                    "with intervals: `payquake compare FILE --control`");
  run_cmd->add_flag("--without-faults", run.without_faults,
                    "Run the scenario without its faults (what --control runs)");

  std::vector<std::string> files;
  auto* validate_cmd = app.add_subcommand(
      "validate", "Check scenario files (or fraud policy files, models/fraud/*.yaml) without simulating");
  validate_cmd->footer(format_footer);
  validate_cmd->add_option("files", files, "Scenario or fraud policy YAML files")->required();

  cli::CompareRequest compare;
  auto* compare_cmd = cli::add_compare_command(app, compare);
  compare_cmd->footer(format_footer);

  cli::SweepRequest sweep;
  auto* sweep_cmd = cli::add_sweep_command(app, sweep);
  sweep_cmd->footer(format_footer);
  cli::SizeRequest size;
  auto* size_cmd = cli::add_size_command(app, size);
  size_cmd->footer(format_footer);
  cli::TradeoffRequest tradeoff;
  auto* tradeoff_cmd = cli::add_tradeoff_command(app, tradeoff);
  tradeoff_cmd->footer(format_footer);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A mistyped flag: one line that names it and the flag meant, rather than CLI11's
    // "arguments were not expected" (which also blames the positional arguments after it).
    if (const std::string hint = cli::suggest_flag(argc, argv, app); !hint.empty()) {
      std::cerr << hint << '\n';
      return cli::kBadInput;
    }
    const int code = app.exit(e);
    return code == 0 ? cli::kOk : cli::kBadInput;
  }

  try {
    if (*run_cmd) {
      if (!seed.empty()) {
        if (seed.find_first_not_of("0123456789") != std::string::npos || seed.size() > 19) {
          std::cerr << "payquake: --seed: expected a whole number >= 0, got '" << seed << "'\n";
          return cli::kBadInput;
        }
        run.overrides.push_back("seed=" + seed);
      }
      if (!dataset_sample.empty()) run.dataset_share = *cli::parse_dataset_sample(dataset_sample);
      run.command_line = command_line(argc, argv);
      return cli::run_command(run);
    }
    if (*compare_cmd) return cli::compare_command(compare);
    if (*sweep_cmd) return cli::sweep_command(sweep);
    if (*size_cmd) return cli::size_command(size);
    if (*tradeoff_cmd) return cli::tradeoff_command(tradeoff);
    return cli::validate_command(files);
  } catch (const std::exception& e) {
    std::cerr << "payquake: internal error: " << e.what() << '\n';
    return cli::kInternalError;
  }
}
