// Every way a child can end, read the same way by the executor, the tests and the bench.
#include "study/child_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace payquake::study {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& label) {
  const fs::path p =
      fs::temp_directory_path() / "payquake-child-test" / std::to_string(::getpid()) / label;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string text_of(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ChildSpec shell(const std::string& script) { return {{"/bin/sh", "-c", script}, "", "", ""}; }

TEST(ChildProcess, ItsOutputGoesWhereAskedAndItsExitCodeIsItsOwn) {
  const fs::path dir = fresh_dir("output");
  ChildSpec spec = shell("pwd; echo oops >&2; read line || echo 'stdin is empty'; exit 4");
  spec.working_dir = (dir / "elsewhere").string();
  fs::create_directories(spec.working_dir);
  spec.stdout_path = (dir / "out").string();
  spec.stderr_path = (dir / "err").string();
  const ChildExit e = ChildProcess(spec).wait();
  EXPECT_EQ(e.exit_code, 4);
  EXPECT_EQ(e.signal, 0);
  EXPECT_GT(e.max_rss_kib, 0);
  // It ran in its working folder; stdin was empty.
  EXPECT_EQ(text_of(dir / "out"), fs::canonical(spec.working_dir).string() + "\nstdin is empty\n");
  EXPECT_EQ(text_of(dir / "err"), "oops\n");
}

TEST(ChildProcess, ASignalThatEndsItIsReportedAs128PlusTheSignal) {
  ChildProcess child(shell("exec sleep 5"));
  EXPECT_FALSE(child.poll().has_value());  // still running
  child.signal(SIGTERM);
  const ChildExit e = child.wait();
  EXPECT_EQ(e.signal, SIGTERM);
  EXPECT_EQ(e.exit_code, 128 + SIGTERM);
  EXPECT_LT(e.wall_seconds, 4.0);
  EXPECT_EQ(child.poll()->exit_code, 128 + SIGTERM);  // read once, remembered
}

TEST(ChildProcess, AProgramThatCannotRunEndsWith127AndABadRedirectionWith126) {
  const fs::path dir = fresh_dir("cannot");
  EXPECT_EQ(ChildProcess({{(dir / "absent").string()}, "", "", ""}).wait().exit_code, kExecFailed);
  ChildSpec spec = shell("exit 0");
  spec.stderr_path = (dir / "no-such-folder" / "err").string();
  EXPECT_EQ(ChildProcess(spec).wait().exit_code, kSetupFailed);
  spec = shell("exit 0");
  spec.working_dir = (dir / "no-such-folder").string();
  EXPECT_EQ(ChildProcess(spec).wait().exit_code, kSetupFailed);
}

// A terminal's Ctrl-C reaches a whole process group: a child leading its own group can be
// signalled as one, even at once after its start.
TEST(ChildProcess, AChildInAGroupOfItsOwnCanBeSignalledAsAGroupAtOnce) {
  ChildSpec spec = shell("exec sleep 5");
  spec.own_process_group = true;
  ChildProcess child(spec);
  EXPECT_EQ(::getpgid(child.pid()), child.pid());
  EXPECT_EQ(::kill(-child.pid(), SIGTERM), 0);
  EXPECT_EQ(child.wait().signal, SIGTERM);
}

}  // namespace
}  // namespace payquake::study
