#include "report/dataset_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "metrics/dataset_writer.hpp"

namespace payquake::report {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& label) {
  const fs::path p = fs::temp_directory_path() /
                     ("payquake-dataset-" + label + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string get(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The table row documenting `column`: "| `column` | type | unit | what |", or "".
std::string dictionary_row(std::string_view column) {
  const std::string_view text = data_dictionary();
  const std::string head = "| `" + std::string(column) + "` |";
  const auto at = text.find(head);
  if (at == std::string_view::npos) return "";
  return std::string(text.substr(at, text.find('\n', at) - at));
}

// Every column the writer writes has its row (type, unit and meaning), labels say so,
// and nothing is documented that the writer does not write.
TEST(DataDictionary, DocumentsEveryColumnWithTypeUnitAndMeaning) {
  for (const auto& column : metrics::kDatasetColumns) {
    const std::string row = dictionary_row(column);
    ASSERT_FALSE(row.empty()) << column << " has no row in docs/dataset.md";
    // Four cells, none empty (a unit that does not apply is written "-").
    int cells = 0;
    std::size_t from = 1;
    for (std::size_t bar; (bar = row.find(" | ", from)) != std::string::npos; from = bar + 3) {
      EXPECT_GT(bar, from) << row;
      ++cells;
    }
    EXPECT_EQ(cells, 3) << row;
  }
  for (const auto& label : metrics::kDatasetLabels)
    EXPECT_NE(dictionary_row(label).find("**label.**"), std::string::npos) << label;
  // The column table has as many rows as the writer has columns.
  const std::string_view text = data_dictionary();
  const auto table = text.find("| column | type | unit |");
  ASSERT_NE(table, std::string_view::npos);
  const auto end = text.find("\n\n", table);
  const std::string_view rows = text.substr(table, end - table);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n') - 1,  // header and separator lines
            static_cast<long>(std::size(metrics::kDatasetColumns)));
}

TEST(DatasetJson, APartialRunSaysHowFarItGotAndWhatHasNoRow) {
  DatasetInfo dataset{"evening", 0.1, 1234, 17};
  RunInfo run;
  run.seed = 7;
  run.partial = true;
  run.simulated_seconds = 61.5;
  run.planned_seconds = 600;
  run.command_line = "payquake run evening.yaml --dataset d";
  const auto j = nlohmann::json::parse(dataset_json(dataset, run));
  EXPECT_EQ(j["scenario"], "evening");
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["rows"], 1234);
  EXPECT_DOUBLE_EQ(j["sample_percent"].get<double>(), 10.0);
  EXPECT_EQ(j["partial"], true);
  EXPECT_EQ(j["simulated_seconds"], 61.5);
  EXPECT_EQ(j["planned_seconds"], 600);
  EXPECT_EQ(j["open_payments_without_row"], 17);
  EXPECT_EQ(j["columns"].size(), std::size(metrics::kDatasetColumns));
  EXPECT_EQ(j["labels"], nlohmann::json::array({"is_fraud", "attack_id", "attack_kind"}));
}

// The folder appears whole at commit: the dictionary, payments.csv and dataset.json (the
// marker, written last); an earlier dataset is replaced only when asked, and the message
// names --dataset.
TEST(DatasetFolder, AppearsWholeAndIsReplacedOnlyWhenAsked) {
  const fs::path root = fresh_dir("folder");
  const std::string dir = (root / "data").string();
  {
    auto folder = RunFolder::prepare(dir, false, kDatasetFolder);
    std::ofstream(folder.staging() + "/payments.csv") << "payment_id\n";
    write_dataset_metadata(folder.staging(), {"s", 1.0, 0, 0}, RunInfo{});
    EXPECT_FALSE(fs::exists(dir));
    folder.commit();
  }
  EXPECT_EQ(get(dir + "/data-dictionary.md"), std::string(data_dictionary()));
  EXPECT_EQ(nlohmann::json::parse(get(dir + "/dataset.json"))["rows"], 0);
  try {
    RunFolder::prepare(dir, false, kDatasetFolder);
    FAIL() << "an earlier dataset was replaced without --force";
  } catch (const RunFolderError& e) {
    EXPECT_NE(std::string(e.what()).find("choose another --dataset"), std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(RunFolder::prepare(dir, true, kDatasetFolder).abandon());
  // A run folder is not a dataset folder: never replaced by one.
  const std::string run_dir = (root / "run").string();
  fs::create_directories(run_dir);
  std::ofstream(run_dir + "/summary.json") << "{}";
  EXPECT_THROW(RunFolder::prepare(run_dir, true, kDatasetFolder), RunFolderError);
}

TEST(DatasetFolder, AFolderThatCannotBeWrittenIsAnError) {
  EXPECT_THROW(write_dataset_metadata("/nonexistent/payquake", {"s", 1.0, 0, 0}, RunInfo{}),
               std::runtime_error);
}

}  // namespace
}  // namespace payquake::report
