#include "cli/self_binary.hpp"

#include <cstdlib>
#include <filesystem>

namespace payquake::cli {

std::string self_binary() {
  if (const char* injected = std::getenv("PAYQUAKE_STUDY_BINARY"); injected && *injected)
    return injected;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "/proc/self/exe" : self.string();
}

}  // namespace payquake::cli
