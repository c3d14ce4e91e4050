// `payquake run --dataset DIR`: the labelled transaction dataset's folder beside the run
// (docs/dataset.md). Checked and staged before anything is simulated, filled by a
// metrics::DatasetWriter subscribed to the flow, completed and put in place with the run.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/scenario.hpp"
#include "metrics/dataset_writer.hpp"
#include "report/run_folder.hpp"
#include "report/run_info.hpp"

namespace payquake::cli {

// A share of payments written as a percentage in (0%, 100%] ("10%", "0.5%"); nullopt otherwise.
std::optional<double> parse_dataset_sample(const std::string& text);

class RunDataset {
 public:
  // Checks `request.dataset_dir` (not the run folder `run_dir`, nor inside it or around it;
  // absent, empty, or an earlier dataset with --force; writable) and stages it, with
  // payments.csv open and its header written. Throws report::RunFolderError naming the
  // folder and the reason.
  RunDataset(const RunRequest& request, const std::string& run_dir,
             const core::Scenario& scenario);

  // The flow's events go here too while the run lasts.
  core::FlowObserver& observer() { return *writer_; }

  // Closes payments.csv and writes the dictionary and dataset.json into the staging folder.
  // Throws std::runtime_error naming a file that could not be written whole.
  void finish(const report::RunInfo& run);
  // Puts the staged dataset in place (throws report::RunFolderError when it cannot).
  void commit() { folder_.commit(); }
  const std::string& path() const { return folder_.path(); }
  std::uint64_t rows() const { return writer_->rows(); }
  std::uint64_t open_payments() const { return writer_->open_payments(); }
  double share() const { return share_; }

 private:
  report::RunFolder folder_;
  std::string scenario_name_;
  double share_;
  std::vector<char> csv_buffer_;  // a large buffer: few write calls for a big file
  std::ofstream csv_;
  std::optional<metrics::DatasetWriter> writer_;  // made once csv_ is open
};

}  // namespace payquake::cli
