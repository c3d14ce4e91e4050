#include "study/slurm.hpp"

#include <algorithm>
#include <cctype>

#include "study/sweep.hpp"

namespace payquake::study {
namespace {

std::string header(const SlurmSweep& s, const std::string& job_name, const std::string& output,
                   const SlurmOptions& o) {
  std::string h = "#!/bin/bash\n";
  h += "#SBATCH --job-name=" + job_name + "\n";
  h += "#SBATCH --output=" + output + "\n";
  h += "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!o.partition.empty()) h += "#SBATCH --partition=" + o.partition + "\n";
  for (const auto& a : o.sbatch_args) h += "#SBATCH " + a + "\n";
  return h;
}

// `payquake sweep` exits 1 when a run failed: that is a result (recorded in the folder and
// reported by the aggregation), not a failure of the job.
std::string call(const SlurmSweep& s, const std::string& args) {
  return shell_quote(s.binary) + " sweep " + shell_quote(s.sweep_file) + " --out " +
         shell_quote(s.dir) + " " + args + " --quiet || [ $? -eq 1 ]\n";
}

}  // namespace

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string parsable_job_id(const std::string& out) {
  std::string id;
  for (char c : out) {
    if (!std::isdigit(static_cast<unsigned char>(c))) break;
    id += c;
  }
  return id;
}

SlurmJobs slurm_jobs(const SlurmSweep& s, const std::vector<std::size_t>& runs,
                     const SlurmOptions& o) {
  SlurmJobs j;
  j.runs_per_task =
      o.runs_per_task > 0
          ? o.runs_per_task
          : std::max<std::size_t>(1, (runs.size() + kMaxArrayTasks - 1) / kMaxArrayTasks);
  for (std::size_t i = 0; i < runs.size(); i += j.runs_per_task) {
    const auto end =
        runs.begin() + static_cast<std::ptrdiff_t>(std::min(runs.size(), i + j.runs_per_task));
    j.task_lines.push_back(run_list_text({runs.begin() + static_cast<std::ptrdiff_t>(i), end}));
  }
  const std::string slurm_dir = s.dir + "/slurm";
  std::string array = header(s, "payquake-sweep-" + s.name, slurm_dir + "/task-%A_%a.out", o);
  array += "#SBATCH --array=0-" + std::to_string(j.task_lines.size() - 1);
  if (o.max_parallel > 0) array += '%' + std::to_string(o.max_parallel);
  array +=
      "\n# Task t runs the sweep runs on line t + 1 of tasks.txt (written beside this script).\n";
  array += "set -uo pipefail\n";
  array += "runs=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" " +
           shell_quote(slurm_dir + "/tasks.txt") + ")\n";
  array +=
      "[ -n \"$runs\" ] || { echo \"no line $((SLURM_ARRAY_TASK_ID + 1)) in tasks.txt\" >&2; exit "
      "2; }\n";
  array += call(s, "--runs \"$runs\" --jobs 1");
  j.array_script = array;

  std::string metrics;
  for (const auto& m : s.metrics) metrics += "--metric " + shell_quote(m) + " ";
  std::string aggregate =
      header(s, "payquake-sweep-" + s.name + "-aggregate", slurm_dir + "/aggregate-%j.out", o);
  aggregate += "# Submitted with --dependency=afterok:<the array>: every task succeeded.\n";
  aggregate += "set -uo pipefail\n";
  aggregate += call(s, metrics + "--aggregate-only");
  j.aggregate_script = aggregate;
  return j;
}

}  // namespace payquake::study
