// A run folder is replaced whole or not at all. A run is written into a staging folder
// beside its destination; only when every file is written does the staging folder take
// the destination's place (one atomic exchange), so a reader never sees a mix of two runs
// and a failed or interrupted write leaves the previous run as it was.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace payquake::report {

// The destination cannot hold a run (read-only, full, not a run folder, ...): a problem
// of the user's environment or command line, reported before anything is simulated.
class RunFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a result folder holds: its marker (present once it is complete) and every entry
// payquake writes there. A folder holding anything else is not payquake's to replace.
struct FolderKind {
  std::string marker;
  std::vector<std::string> entries;  // the marker included
  std::string flag = "--out";        // the option that names such a folder, for messages
};
// `payquake run`: its files, the --control run's folder and, when the control failed or
// was interrupted, its stderr.
inline const FolderKind kRunFolder{
    "summary.json",
    {"summary.json", "timeseries.csv", "faults.csv", "scenario.resolved.yaml", "trace.jsonl",
     "metrics.om", "report.html", "control", "control.stderr"}};
// `payquake compare`: its reports and the two sides' runs.
inline const FolderKind kCompareFolder{
    "compare.json", {"compare.json", "compare.csv", "compare.txt", "compare.html", "a", "b"}};
// `payquake size`: its reports and the runs at every value tried.
inline const FolderKind kSizeFolder{
    "size.json", {"size.json", "size.csv", "size.txt", "size.html", "runs"}};

class RunFolder {
 public:
  // Checks that `path` can take a run and creates the staging folder beside it.
  // `path` may be absent, an empty folder, or, with `replace`, a folder holding an earlier
  // result of `kind` (its marker) and nothing but `kind`'s entries; a folder with any other
  // file is never replaced (the error names it). Throws RunFolderError naming the path and
  // the reason.
  static RunFolder prepare(const std::string& path, bool replace,
                           const FolderKind& kind = kRunFolder);

  RunFolder(RunFolder&& other) noexcept;
  RunFolder& operator=(RunFolder&&) = delete;
  RunFolder(const RunFolder&) = delete;
  // Removes the staging folder if the run was never committed.
  ~RunFolder();

  const std::string& path() const { return path_; }
  // Where the files are written until commit().
  const std::string& staging() const { return staging_; }

  // Puts the staged run in `path`'s place; an earlier run there is removed.
  // Throws RunFolderError when the exchange fails (the earlier run is then untouched).
  void commit();
  // Deletes the staging folder; `path` is left as it was.
  void abandon();

 private:
  RunFolder(std::string path, std::string staging) : path_(std::move(path)), staging_(std::move(staging)) {}

  std::string path_;
  std::string staging_;
  bool open_ = true;
};

}  // namespace payquake::report
