#include "cli/run_dataset.hpp"

#include <filesystem>
#include <stdexcept>

#include "report/dataset_files.hpp"
#include "scenario/units.hpp"

namespace payquake::cli {
namespace {

namespace fs = std::filesystem;

// `path` as an absolute, normal path (what is missing of it taken as written).
fs::path absolute(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

// Whether `outer` is `inner` or one of its parent folders.
bool holds(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin();
  auto i = inner.begin();
  for (; o != outer.end(); ++o, ++i)
    if (i == inner.end() || *o != *i) return false;
  return true;
}

// The dataset and the run are two folders, each replaced whole: neither may hold the other.
report::RunFolder prepare(const RunRequest& request, const std::string& run_dir) {
  if (request.dataset_dir.empty()) throw report::RunFolderError("the folder's path is empty");
  const fs::path dataset = absolute(request.dataset_dir);
  const fs::path run = absolute(run_dir);
  if (holds(dataset, run) || holds(run, dataset))
    throw report::RunFolderError("cannot write to " + request.dataset_dir +
                                 ": it is, holds or is inside the run folder " + run_dir +
                                 "; give the dataset a folder of its own");
  return report::RunFolder::prepare(request.dataset_dir, request.force, report::kDatasetFolder);
}

}  // namespace

std::optional<double> parse_dataset_sample(const std::string& text) {
  const std::optional<double> share = scenario::parse_percent(text);
  if (!share || !(*share > 0.0 && *share <= 1.0)) return std::nullopt;
  return share;
}

RunDataset::RunDataset(const RunRequest& request, const std::string& run_dir,
                       const core::Scenario& scenario)
    : folder_(prepare(request, run_dir)),
      scenario_name_(scenario.name),
      share_(request.dataset_share),
      csv_buffer_(std::size_t{1} << 20) {
  csv_.rdbuf()->pubsetbuf(csv_buffer_.data(), static_cast<std::streamsize>(csv_buffer_.size()));
  csv_.open(folder_.staging() + "/payments.csv", std::ios::binary);
  if (!csv_) throw report::RunFolderError("cannot write " + folder_.staging() + "/payments.csv");
  writer_.emplace(scenario, metrics::DatasetSample(scenario.seed, request.dataset_share), csv_);
}

void RunDataset::finish(const report::RunInfo& run) {
  csv_.close();
  if (csv_.fail()) throw std::runtime_error("cannot write " + folder_.staging() + "/payments.csv");
  report::write_dataset_metadata(folder_.staging(),
                                 {scenario_name_, share_, writer_->rows(), writer_->open_payments()},
                                 run);
}

}  // namespace payquake::cli
