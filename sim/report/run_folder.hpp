// A run folder is replaced whole or not at all. A run is written into a staging folder
// beside its destination; only when every file is written does the staging folder take
// the destination's place (one atomic exchange), so a reader never sees a mix of two runs
// and a failed or interrupted write leaves the previous run as it was.
#pragma once

#include <stdexcept>
#include <string>

namespace payquake::report {

// The destination cannot hold a run (read-only, full, not a run folder, ...): a problem
// of the user's environment or command line, reported before anything is simulated.
class RunFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunFolder {
 public:
  // Checks that `path` can take a run and creates the staging folder beside it.
  // `path` may be absent, an empty folder, or, with `replace`, a folder holding an earlier
  // payquake run (a summary.json); a folder with other files is never replaced.
  // `marker` is the file that makes a folder an earlier result: summary.json for a run,
  // compare.json for a comparison (whose runs sit in subfolders).
  // Throws RunFolderError naming the path and the reason.
  static RunFolder prepare(const std::string& path, bool replace,
                           const std::string& marker = "summary.json");

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
