// A sweep on a Slurm cluster: a job array whose task t runs the sweep runs listed on line
// t + 1 of tasks.txt (one run, or a pack of runs so the scheduler is not flooded), and an
// aggregation job that starts once the whole array succeeded (--dependency=afterok). Both
// scripts only call payquake; the runs share nothing but the sweep's folder.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace payquake::study {

struct SlurmOptions {
  std::string partition;                 // --partition; empty: the cluster's default
  std::size_t max_parallel = 0;          // the array's %N throttle; 0: none
  std::size_t runs_per_task = 0;         // 0: 1, or more when that would exceed kMaxArrayTasks
  std::vector<std::string> sbatch_args;  // more #SBATCH options (--account=..., --time=...)
};

// The tasks one array may have before runs are packed (Slurm's default MaxArraySize is 1001).
inline constexpr std::size_t kMaxArrayTasks = 1000;

struct SlurmJobs {
  std::size_t runs_per_task = 1;
  std::vector<std::string> task_lines;  // tasks.txt: per task its runs ("0-9", "3,5")
  std::string array_script;
  std::string aggregate_script;
};

struct SlurmSweep {
  std::string name;                  // the sweep's name (job names)
  std::string binary;                // payquake, absolute (the nodes must see it at this path)
  std::string sweep_file;            // absolute
  std::string dir;                   // the sweep folder, absolute
  std::vector<std::string> metrics;  // --metric, for the aggregation
};

// REQUIRES: `runs` (the run numbers to do) is not empty.
SlurmJobs slurm_jobs(const SlurmSweep& sweep, const std::vector<std::size_t>& runs,
                     const SlurmOptions& options);

// `s` in single quotes, safe in a POSIX shell.
std::string shell_quote(const std::string& s);

// The job id in `sbatch --parsable` output ("123" or "123;cluster"); empty if none.
std::string parsable_job_id(const std::string& sbatch_out);

}  // namespace payquake::study
