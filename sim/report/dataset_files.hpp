// The dataset folder of `payquake run --dataset DIR` (docs/dataset.md): payments.csv, written
// by metrics::DatasetWriter during the run, then the data dictionary and dataset.json (the
// folder's marker, written last). The folder is staged and put in place whole, like a run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "report/run_folder.hpp"
#include "report/run_info.hpp"

namespace payquake::report {

inline const FolderKind kDatasetFolder{
    "dataset.json", {"dataset.json", "payments.csv", "data-dictionary.md"}, "--dataset"};

// docs/dataset.md, as built into payquake.
std::string_view data_dictionary();

struct DatasetInfo {
  std::string scenario;
  double sample_share = 1.0;          // in (0, 1]
  std::uint64_t rows = 0;             // rows in payments.csv
  std::uint64_t open_payments = 0;    // kept payments never reconciled: no row
};

// dataset.json's text: what made the dataset and how far the run got.
std::string dataset_json(const DatasetInfo& dataset, const RunInfo& run);

// Writes data-dictionary.md and dataset.json (last) into `dir` (the staging folder, which
// already holds payments.csv). Throws std::runtime_error naming a file it cannot write.
void write_dataset_metadata(const std::string& dir, const DatasetInfo& dataset,
                            const RunInfo& run);

}  // namespace payquake::report
