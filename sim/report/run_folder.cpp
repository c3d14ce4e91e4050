#include "report/run_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace payquake::report {
namespace {

namespace fs = std::filesystem;

// "runs/x/" and "runs/./x" name the same folder as "runs/x".
fs::path normal(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

[[noreturn]] void fail(const fs::path& path, const std::string& why) {
  throw RunFolderError("cannot write to " + path.string() + ": " + why);
}

// The destination's present state decides whether it may be replaced.
void check_destination(const fs::path& path, bool replace, const FolderKind& kind) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (ec || status.type() == fs::file_type::not_found) return;
  if (status.type() != fs::file_type::directory) fail(path, "it exists and is not a folder");
  bool empty = true;
  bool earlier_run = false;
  std::string foreign;  // the first entry payquake did not write
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    empty = false;
    const std::string name = entry.path().filename().string();
    if (name == kind.marker) earlier_run = true;
    const bool ours = std::find(kind.entries.begin(), kind.entries.end(), name) != kind.entries.end();
    if (!ours && foreign.empty()) foreign = name;
  }
  if (ec) fail(path, ec.message());
  if (empty) return;
  if (!earlier_run)
    fail(path, "the folder holds files that are not a payquake result; choose a new or empty folder");
  if (!foreign.empty())
    fail(path, "the folder holds an earlier result and '" + foreign +
                   "', which payquake did not write; it is never replaced (move that away, or "
                   "choose another " + kind.flag + ")");
  if (!replace)
    fail(path, "the folder holds an earlier result; add --force to replace it, or choose another " +
                   kind.flag);
  // The earlier run is deleted after the exchange: its files must be removable.
  if (::access(path.c_str(), W_OK | X_OK) != 0)
    fail(path, std::string("the earlier run cannot be replaced: ") + std::strerror(errno));
}

// Creating a folder can succeed where writing a file fails (a full disk, a quota): write
// and sync a few bytes so the run is refused now rather than after the simulation.
void probe_writable(const fs::path& folder) {
  const fs::path probe = folder / ".write-probe";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(folder.parent_path(), std::strerror(errno));
  const char bytes[64] = {};
  const bool ok = ::write(fd, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes) &&
                  ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  ::unlink(probe.c_str());
  if (!ok) fail(folder.parent_path(), std::strerror(saved));
}

}  // namespace

RunFolder RunFolder::prepare(const std::string& path_text, bool replace,
                             const FolderKind& kind) {
  if (path_text.empty()) throw RunFolderError("the run folder's path is empty");
  const fs::path path = normal(path_text);
  if (path.empty() || path == "." || path == ".." || path.filename() == "..")
    fail(path_text, "name a folder of its own, not . or ..");
  check_destination(path, replace, kind);

  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) fail(path, "cannot create " + parent.string() + ": " + ec.message());
  const fs::path staging =
      parent / std::string(".").append(path.filename().string())
                   .append(".staging-")
                   .append(std::to_string(::getpid()));
  fs::remove_all(staging, ec);  // left by an earlier process with this pid that was killed
  if (!fs::create_directory(staging, ec) || ec)
    fail(path, "cannot create a folder in " + parent.string() + ": " +
                   (ec ? ec.message() : std::string("it already exists")));
  RunFolder folder(path.string(), staging.string());
  probe_writable(staging);
  return folder;
}

RunFolder::RunFolder(RunFolder&& other) noexcept
    : path_(std::move(other.path_)), staging_(std::move(other.staging_)), open_(other.open_) {
  other.open_ = false;
}

RunFolder::~RunFolder() {
  if (open_) abandon();
}

void RunFolder::commit() {
  std::error_code ec;
  const bool exists = fs::exists(path_, ec);
  const bool empty_dir = exists && fs::is_directory(path_, ec) && fs::is_empty(path_, ec);
  if (!exists || empty_dir) {
    // rename(2) replaces an empty folder in one step.
    if (std::rename(staging_.c_str(), path_.c_str()) != 0)
      fail(path_, std::strerror(errno));
  } else {
    // Both folders swap names in one step; the earlier run is then in the staging name.
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) != 0)
      fail(path_, std::strerror(errno));
  }
  open_ = false;
  fs::remove_all(staging_, ec);  // the earlier run, if any; a leftover is harmless
}

void RunFolder::abandon() {
  open_ = false;
  std::error_code ec;
  fs::remove_all(staging_, ec);
}

}  // namespace payquake::report
