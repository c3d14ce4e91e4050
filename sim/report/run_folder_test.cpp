#include "report/run_folder.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <tuple>

namespace payquake::report {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& label) {
  const fs::path p = fs::temp_directory_path() /
                     ("payquake-run-folder-" + label + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void put(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

std::string get(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(RunFolder, ANewFolderAppearsOnlyAtCommit) {
  const fs::path root = fresh_dir("new");
  auto folder = RunFolder::prepare((root / "runs/a").string(), false);
  put(fs::path(folder.staging()) / "summary.json", "{}");
  EXPECT_FALSE(fs::exists(root / "runs/a"));
  folder.commit();
  EXPECT_EQ(get(root / "runs/a/summary.json"), "{}");
  EXPECT_EQ(std::distance(fs::directory_iterator(root / "runs"), {}), 1);  // no staging left
}

TEST(RunFolder, AnEarlierRunIsRefusedWithoutReplace) {
  const fs::path root = fresh_dir("refuse");
  fs::create_directories(root / "a");
  put(root / "a/summary.json", "old");
  try {
    RunFolder::prepare((root / "a").string(), false);
    FAIL() << "an earlier run was not refused";
  } catch (const RunFolderError& e) {
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get(root / "a/summary.json"), "old");
}

TEST(RunFolder, ReplacingLeavesNoFileOfTheEarlierRun) {
  const fs::path root = fresh_dir("replace");
  fs::create_directories(root / "a/control");
  put(root / "a/summary.json", "old");
  put(root / "a/control/summary.json", "old control");
  auto folder = RunFolder::prepare((root / "a").string(), true);
  put(fs::path(folder.staging()) / "summary.json", "new");
  EXPECT_EQ(get(root / "a/summary.json"), "old");  // untouched until the commit
  folder.commit();
  EXPECT_EQ(get(root / "a/summary.json"), "new");
  EXPECT_FALSE(fs::exists(root / "a/control"));
}

TEST(RunFolder, AnAbandonedRunLeavesTheEarlierOneAsItWas) {
  const fs::path root = fresh_dir("abandon");
  fs::create_directories(root / "a");
  put(root / "a/summary.json", "old");
  {
    auto folder = RunFolder::prepare((root / "a").string(), true);
    put(fs::path(folder.staging()) / "summary.json", "half");
  }  // destroyed without commit, as when writing fails
  EXPECT_EQ(get(root / "a/summary.json"), "old");
  EXPECT_EQ(std::distance(fs::directory_iterator(root), {}), 1);
}

TEST(RunFolder, AFolderOfOtherFilesIsNeverReplaced) {
  const fs::path root = fresh_dir("foreign");
  put(root / "notes.txt", "mine");
  EXPECT_THROW(RunFolder::prepare(root.string(), true), RunFolderError);
  EXPECT_EQ(get(root / "notes.txt"), "mine");
}

// A run folder the user put notes into is theirs now: --force used to delete them with it.
TEST(RunFolder, AnEarlierRunWithTheUsersFilesInItIsNeverReplaced) {
  const fs::path root = fresh_dir("mixed");
  fs::create_directories(root / "a/notes");
  put(root / "a/summary.json", "old");
  put(root / "a/notes/mine.txt", "mine");
  try {
    RunFolder::prepare((root / "a").string(), true);
    FAIL() << "a folder with the user's files was replaced";
  } catch (const RunFolderError& e) {
    EXPECT_NE(std::string(e.what()).find("'notes'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(get(root / "a/notes/mine.txt"), "mine");
}

TEST(RunFolder, AComparisonFolderHoldsItsOwnEntries) {
  const fs::path root = fresh_dir("compare-kind");
  fs::create_directories(root / "c/a/1");
  put(root / "c/compare.json", "{}");
  auto folder = RunFolder::prepare((root / "c").string(), true, kCompareFolder);
  folder.commit();
  EXPECT_FALSE(fs::exists(root / "c/compare.json"));
  // A run's marker does not make a comparison folder replaceable, nor the other way round.
  fs::create_directories(root / "r");
  put(root / "r/summary.json", "{}");
  EXPECT_THROW(RunFolder::prepare((root / "r").string(), true, kCompareFolder), RunFolderError);
}

TEST(RunFolder, AnEmptyFolderIsUsed) {
  const fs::path root = fresh_dir("empty");
  fs::create_directories(root / "a");
  auto folder = RunFolder::prepare((root / "a").string(), false);
  put(fs::path(folder.staging()) / "summary.json", "new");
  folder.commit();
  EXPECT_EQ(get(root / "a/summary.json"), "new");
}

TEST(RunFolder, AFileWhereTheFolderShouldBeIsRefused) {
  const fs::path root = fresh_dir("file");
  put(root / "a", "x");
  EXPECT_THROW(RunFolder::prepare((root / "a").string(), true), RunFolderError);
}

TEST(RunFolder, DotAndDotDotAreNoRunFolders) {
  EXPECT_THROW(RunFolder::prepare(".", true), RunFolderError);
  EXPECT_THROW(RunFolder::prepare("..", true), RunFolderError);
  EXPECT_THROW(RunFolder::prepare("", true), RunFolderError);
}

TEST(RunFolder, AComparisonFolderIsMarkedByItsOwnFile) {
  const fs::path root = fresh_dir("marker");
  fs::create_directories(root / "c/a/1");
  put(root / "c/a/1/summary.json", "run");
  put(root / "c/compare.json", "old");
  // Without --force it is refused like an earlier run; a run's rules would call it foreign.
  EXPECT_THROW(RunFolder::prepare((root / "c").string(), false, kCompareFolder), RunFolderError);
  auto folder = RunFolder::prepare((root / "c").string(), true, kCompareFolder);
  put(fs::path(folder.staging()) / "compare.json", "new");
  folder.commit();
  EXPECT_EQ(get(root / "c/compare.json"), "new");
  EXPECT_FALSE(fs::exists(root / "c/a"));
}

// compare.html and size.html are the studies' own: a folder holding one (from an earlier
// comparison or sizing) is replaced with --force, never called foreign.
TEST(RunFolder, AStudysPageIsOneOfItsEntries) {
  const fs::path root = fresh_dir("study-pages");
  for (const auto& [kind, marker, page] :
       {std::tuple{&kCompareFolder, "compare.json", "compare.html"},
        std::tuple{&kSizeFolder, "size.json", "size.html"}}) {
    const fs::path dir = root / marker;
    fs::create_directories(dir);
    put(dir / marker, "old");
    put(dir / page, "<html>old</html>");
    auto folder = RunFolder::prepare(dir.string(), true, *kind);
    put(fs::path(folder.staging()) / page, "<html>new</html>");
    folder.commit();
    EXPECT_EQ(get(dir / page), "<html>new</html>") << page;
  }
}

}  // namespace
}  // namespace payquake::report
