#include "report/dataset_files.hpp"

#include <nlohmann/json.hpp>

#include "metrics/dataset_writer.hpp"
#include "report/atomic_file.hpp"
#include "report/data_dictionary_md.hpp"  // generated from docs/dataset.md

namespace payquake::report {

std::string_view data_dictionary() {
  return {reinterpret_cast<const char*>(kDataDictionaryMd), sizeof kDataDictionaryMd};
}

std::string dataset_json(const DatasetInfo& dataset, const RunInfo& run) {
  nlohmann::ordered_json j;
  j["scenario"] = dataset.scenario;
  j["seed"] = run.seed;
  j["file"] = "payments.csv";
  j["format"] = "csv";
  j["rows"] = dataset.rows;
  j["sample_percent"] = dataset.sample_share * 100.0;
  j["sample_basis"] =
      "a draw keyed on the seed and on the payment's population and arrival number: the same "
      "payments in every variant";
  auto& columns = j["columns"] = nlohmann::ordered_json::array();
  for (const auto& c : metrics::kDatasetColumns) columns.push_back(std::string(c));
  auto& labels = j["labels"] = nlohmann::ordered_json::array();
  for (const auto& c : metrics::kDatasetLabels) labels.push_back(std::string(c));
  j["partial"] = run.partial;
  j["drain_limit_reached"] = run.drain_limit_reached;
  j["simulated_seconds"] = run.simulated_seconds;
  j["planned_seconds"] = run.planned_seconds;
  j["open_payments_without_row"] = dataset.open_payments;
  j["command_line"] = run.command_line;
  return j.dump(2) + "\n";
}

void write_dataset_metadata(const std::string& dir, const DatasetInfo& dataset,
                            const RunInfo& run) {
  write_atomically(dir + "/data-dictionary.md", std::string(data_dictionary()));
  write_atomically(dir + "/dataset.json", dataset_json(dataset, run));
}

}  // namespace payquake::report
