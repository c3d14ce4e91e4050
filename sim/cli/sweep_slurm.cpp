// `payquake sweep --slurm`: the runs the folder lacks become a job array (sbatch), the
// aggregation a job that depends on it (afterok), and payquake waits for that job with
// `srun --dependency`, which returns as soon as it has ended (sbatch --wait polls slowly).
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/sweep_context.hpp"
#include "study/command.hpp"
#include "study/executor.hpp"
#include "study/slurm.hpp"
#include "study/sweep_folder.hpp"

namespace payquake::cli {
namespace {

namespace fs = std::filesystem;

volatile sig_atomic_t g_wait_signal = 0;
extern "C" void on_wait_signal(int s) { g_wait_signal = s; }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void print_dry_run(const SweepContext& ctx, const study::SlurmJobs& jobs, std::size_t runs) {
  const std::string slurm = ctx.dir + "/slurm";
  std::cout << "# " << runs << " runs in " << jobs.task_lines.size() << " array tasks ("
            << jobs.runs_per_task << " per task); nothing was written or submitted (--dry-run)\n";
  std::cout << "# " << slurm << "/tasks.txt (" << jobs.task_lines.size()
            << " lines; line t + 1 lists the runs of task t):\n";
  for (std::size_t i = 0; i < jobs.task_lines.size() && i < 5; ++i)
    std::cout << "#   " << jobs.task_lines[i] << "\n";
  if (jobs.task_lines.size() > 5) std::cout << "#   ...\n";
  std::cout << "# " << slurm << "/array.sh:\n" << jobs.array_script;
  std::cout << "# " << slurm << "/aggregate.sh:\n" << jobs.aggregate_script;
  std::cout << "# submitted as:\n#   sbatch --parsable " << slurm << "/array.sh\n"
            << "#   sbatch --parsable --dependency=afterok:<array job id> " << slurm
            << "/aggregate.sh\n#   srun --dependency=afterany:<aggregation job id> -n1 true"
            << "   (waits for the aggregation)\n";
}

void write_jobs(const SweepContext& ctx, const study::SlurmJobs& jobs) {
  const std::string slurm = ctx.dir + "/slurm";
  fs::create_directories(slurm);
  std::string tasks;
  for (const auto& l : jobs.task_lines) tasks += l + "\n";
  study::write_file_atomically(slurm + "/tasks.txt", tasks);
  study::write_file_atomically(slurm + "/array.sh", jobs.array_script);
  study::write_file_atomically(slurm + "/aggregate.sh", jobs.aggregate_script);
  // The aggregates of an earlier attempt describe fewer runs than this one will have.
  for (const char* f : {"/sweep.csv", "/sweep.json", "/sweep.txt"}) fs::remove(ctx.dir + f);
}

// `sbatch --parsable ARGS... SCRIPT`: the job id, or empty after saying why.
std::string submit(std::vector<std::string> args, const std::string& script) {
  args.insert(args.begin(), {"sbatch", "--parsable"});
  args.push_back(script);
  const study::CommandResult r = study::run_and_capture(args);
  const std::string id = r.exit_code == 0 ? study::parsable_job_id(r.out) : "";
  if (id.empty())
    std::cerr << "payquake: sbatch " << script << " failed (exit " << r.exit_code << ")"
              << (r.exit_code == 127 ? ": sbatch not found; is this a Slurm submit host?" : "")
              << (r.err.empty() ? "" : ": " + first_line(r.err)) << "\n";
  return id;
}

// Runs finished and failed in the folder so far (summary.json present; a failure record).
study::Progress folder_progress(const SweepContext& ctx, const std::vector<std::size_t>& todo) {
  study::Progress p;
  p.total = todo.size();
  std::error_code ec;
  for (std::size_t k : todo) {
    const study::SweepRun run = study::sweep_run(ctx.design, ctx.points, k);
    const fs::path folder = fs::path(ctx.dir) / run.folder;
    if (fs::exists(folder / "summary.json", ec)) ++p.done;
    if (fs::exists(folder.string() + ".failed.json", ec)) ++p.done, ++p.failed;
  }
  p.running = study::count_running(ctx.dir, ctx.points);
  return p;
}

// Waits for the aggregation job; shows progress from the folder on a terminal.
int wait_for(const SweepContext& ctx, const std::string& job, const SweepRequest& r,
             const std::vector<std::size_t>& todo) {
  std::vector<std::string> args = {"srun", "--dependency=afterany:" + job, "-n1", "--quiet",
                                   "--job-name=payquake-sweep-wait"};
  if (!r.slurm_options.partition.empty())
    args.push_back("--partition=" + r.slurm_options.partition);
  args.push_back("true");
  struct sigaction action {
  }, old_int{}, old_term{};
  action.sa_handler = on_wait_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);
  const pid_t pid = study::start_command(args);
  const bool tty = ::isatty(STDERR_FILENO) != 0 && !r.quiet;
  std::optional<int> code = pid < 0 ? std::optional<int>(127) : std::nullopt;
  for (int tick = 0; !code; ++tick) {
    if (g_wait_signal) ::kill(pid, g_wait_signal == SIGINT ? SIGINT : SIGTERM);
    const timespec nap{0, 100'000'000};  // 100 ms
    ::nanosleep(&nap, nullptr);
    code = study::poll_command(pid);
    if (tty && tick % 10 == 0)
      std::fprintf(stderr, "\r\033[K  on Slurm: %s",
                   study::progress_text(folder_progress(ctx, todo)).c_str());
  }
  if (tty) std::fprintf(stderr, "\r\033[K");
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  return *code;
}

std::string job_state(const std::string& job) {
  const study::CommandResult r = study::run_and_capture({"scontrol", "show", "job", "-o", job});
  const auto at = r.out.find("JobState=");
  if (at == std::string::npos) return "unknown";
  std::string state = r.out.substr(at + 9, r.out.find(' ', at) - at - 9);
  const auto reason = r.out.find("Reason=");
  if (reason != std::string::npos)
    state += " (" + r.out.substr(reason + 7, r.out.find(' ', reason) - reason - 7) + ")";
  return state;
}

}  // namespace

int sweep_on_slurm(const SweepContext& ctx, const SweepRequest& r) {
  const auto todo = unfinished_runs(ctx);
  if (todo.empty()) {
    if (r.dry_run) {
      std::cout << "# every run of the sweep is finished in " << ctx.dir << "; nothing to submit\n";
      return kOk;
    }
    std::cerr << "payquake: every run is finished in " << ctx.dir << "; aggregating here\n";
    const study::SweepResult result = write_aggregates(ctx, r.metrics);
    if (!r.quiet) std::cout << study::sweep_table(result);
    return result.complete() ? kOk : kExpectationFailed;
  }
  const study::SlurmSweep s{ctx.design.name, payquake_binary(), ctx.sweep_file, ctx.dir, r.metrics};
  const study::SlurmJobs jobs = study::slurm_jobs(s, todo, r.slurm_options);
  if (r.dry_run) {
    print_dry_run(ctx, jobs, todo.size());
    return kOk;
  }
  write_jobs(ctx, jobs);
  const std::string slurm = ctx.dir + "/slurm";
  const std::string array = submit({}, slurm + "/array.sh");
  if (array.empty()) return kBadInput;
  const std::string aggregate = submit({"--dependency=afterok:" + array}, slurm + "/aggregate.sh");
  if (aggregate.empty()) {
    study::run_and_capture({"scancel", array});
    std::cerr << "payquake: cancelled the array job " << array << "\n";
    return kBadInput;
  }
  study::write_file_atomically(slurm + "/jobs.txt",
                               "array " + array + "\naggregate " + aggregate + "\n");
  if (!r.quiet)
    std::cerr << "payquake: submitted " << todo.size() << " runs as array job " << array << " ("
              << jobs.task_lines.size() << " tasks"
              << (r.slurm_options.max_parallel
                      ? ", at most " + std::to_string(r.slurm_options.max_parallel) + " at once"
                      : "")
              << ") and the aggregation as job " << aggregate << " (afterok); waiting\n";
  const int waited = wait_for(ctx, aggregate, r, todo);
  if (g_wait_signal) {
    std::cerr << "payquake: stopped waiting; the jobs keep running on the cluster (array " << array
              << ", aggregation " << aggregate << "): `scancel " << array << " " << aggregate
              << "` stops them; the same command later resumes what is missing\n";
    return 128 + g_wait_signal;
  }
  if (!fs::exists(ctx.dir + "/sweep.json")) {
    std::cerr << "payquake: the aggregation job " << aggregate << " did not write sweep.json (job "
              << job_state(aggregate) << ", srun exit " << waited << "); an array task failed? see "
              << slurm << "/task-" << array
              << "_*.out; the same command again reruns only the runs that are missing\n";
    return kExpectationFailed;
  }
  const study::SweepResult result =
      study::aggregate_sweep(ctx.dir, ctx.sweep_file, ctx.design, r.metrics);
  if (!r.quiet)
    std::cout << read_text(ctx.dir + "/sweep.txt") << "  results in " << ctx.dir
              << "/ (sweep.csv, sweep.json, sweep.txt, point-*/seed-*/, slurm/)\n";
  return result.complete() ? kOk : kExpectationFailed;
}

}  // namespace payquake::cli
