#include "study/sweep_folder.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "study/run_summary.hpp"

namespace payquake::study {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

// Entries a sweep writes in its folder; anything else is somebody else's.
bool is_sweep_entry(const std::string& name) {
  return name == kSweepManifest || name == "sweep.csv" || name == "sweep.json" ||
         name == "sweep.txt" || name == "sweep.html" || name == "slurm" || name.starts_with("point-") ||
         name == "tradeoff.csv" || name == "tradeoff.txt" ||  // `payquake tradeoff`'s own
         (name.starts_with(".") && name.find(".tmp-") != std::string::npos);
}

std::optional<Json> read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  Json j = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

fs::path failure_file(const std::string& dir, const SweepRun& run) {
  return fs::path(dir) / (run.folder + ".failed.json");
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path p(path);
  const fs::path tmp =
      p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw SweepFolderError("cannot write " + path);
    }
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw SweepFolderError("cannot write " + path + ": " + ec.message());
  }
}

Json sweep_manifest(const SweepDesign& d) {
  Json axes = Json::array();
  for (const auto& a : d.axes) axes.push_back({{"path", a.path}, {"values", a.values}});
  Json m = {{"payquake_sweep", 1},
            {"name", d.name},
            {"base", d.scenario_path},
            {"base_fingerprint", d.fingerprint},
            {"replications", d.replications},
            {"seeds", d.common_seeds ? "common" : "independent"},
            {"first_seed", d.first_seed},
            {"vary", axes}};
  if (!d.fixed_overrides.empty()) m["set"] = d.fixed_overrides;  // a sweep file's folder: none
  return m;
}

void check_sweep_folder(const std::string& dir, const SweepDesign& d) {
  const auto found = read_json(fs::path(dir) / kSweepManifest);
  if (!found)
    throw SweepFolderError(dir + " holds no sweep (no readable " + std::string(kSweepManifest) +
                           "); start the sweep without --runs or --aggregate-only first");
  if (*found != sweep_manifest(d))
    throw SweepFolderError(dir + " holds the runs of another sweep (" + kSweepManifest +
                           " differs: the sweep file or its base scenario changed since); "
                           "--force starts this sweep over there, or --out names another folder");
}

void prepare_sweep_folder(const std::string& dir, const SweepDesign& d, bool restart) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw SweepFolderError(dir + " is not a folder");
  std::vector<fs::path> ours;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!is_sweep_entry(name))
      throw SweepFolderError(dir + " holds '" + name +
                             "', which a sweep does not write; payquake never replaces a folder "
                             "of other files: choose another --out");
    ours.push_back(e.path());
  }
  const bool has_manifest = fs::exists(fs::path(dir) / kSweepManifest, ec);
  if (!restart && has_manifest) {
    check_sweep_folder(dir, d);
    return;
  }
  if (!restart && !ours.empty())
    throw SweepFolderError(dir + " holds sweep files without a " + std::string(kSweepManifest) +
                           "; --force starts the sweep over there");
  for (const auto& p : ours) fs::remove_all(p, ec);
  fs::create_directories(dir, ec);
  if (ec) throw SweepFolderError("cannot create " + dir + ": " + ec.message());
  if (::access(dir.c_str(), W_OK) != 0) throw SweepFolderError(dir + " is not writable");
  write_file_atomically((fs::path(dir) / kSweepManifest).string(),
                        sweep_manifest(d).dump(2) + "\n");
}

const char* to_string(RunState s) {
  switch (s) {
    case RunState::kFinished:
      return "finished";
    case RunState::kFailed:
      return "failed";
    case RunState::kMissing:
      return "missing";
  }
  return "?";
}

RunRecord read_run(const std::string& dir, const SweepRun& run) {
  RunRecord r;
  const fs::path folder = fs::path(dir) / run.folder;
  auto summary = read_summary(folder.string());
  std::string why;
  // Exit 0 stands for "it ran": what counts is a whole summary of this very run.
  if (judge_run(0, summary, 0, &why) == RunStatus::kOk) {
    const auto seed = summary->find("seed");
    if (seed != summary->end() && seed->is_number_unsigned() &&
        seed->get<std::uint64_t>() == run.seed) {
      r.state = RunState::kFinished;
      r.summary = std::move(summary);
      return r;
    }
    why = "its summary.json is of another seed";
  }
  if (const auto failed = read_json(failure_file(dir, run))) {
    r.state = RunState::kFailed;
    r.why = failed->value("why", std::string("failed"));
    return r;
  }
  r.why = summary ? "interrupted (" + why + ")" : "not run";
  return r;
}

void clear_run(const std::string& dir, const SweepRun& run) {
  const fs::path folder = fs::path(dir) / run.folder;
  std::error_code ec;
  fs::remove_all(folder, ec);
  fs::remove(failure_file(dir, run), ec);
  fs::remove(folder.string() + ".stderr", ec);
  fs::remove(folder.parent_path() / ("." + folder.filename().string() + ".stderr"), ec);
  // Staging folders of a run folder killed before it could clean up: ".seed-7.staging-<pid>".
  const std::string prefix = "." + folder.filename().string() + ".staging-";
  for (const auto& e : fs::directory_iterator(folder.parent_path(), ec))
    if (e.path().filename().string().starts_with(prefix)) fs::remove_all(e.path(), ec);
}

void record_failure(const std::string& dir, const SweepRun& run, int exit_code,
                    const std::string& why) {
  const Json j = {{"run", run.number}, {"seed", run.seed}, {"exit_code", exit_code}, {"why", why}};
  write_file_atomically(failure_file(dir, run).string(), j.dump(2) + "\n");
}

std::size_t count_running(const std::string& dir, const std::vector<SweepPoint>& points) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& p : points)
    for (const auto& e : fs::directory_iterator(fs::path(dir) / p.folder, ec)) {
      const std::string name = e.path().filename().string();
      if (name.starts_with(".") && name.ends_with(".stderr")) ++n;
    }
  return n;
}

}  // namespace payquake::study
