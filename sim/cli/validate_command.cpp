#include <iostream>

#include "cli/commands.hpp"
#include "scenario/loader.hpp"

namespace payquake::cli {

int validate_command(const std::vector<std::string>& files) {
  int code = kOk;
  for (const auto& file : files) {
    try {
      scenario::load_file(file);
      std::cout << file << ": ok\n";
    } catch (const scenario::ScenarioError& e) {
      for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
      std::cerr << file << ": " << e.diagnostics().size()
                << (e.diagnostics().size() == 1 ? " error\n" : " errors\n");
      code = kBadInput;
    }
  }
  return code;
}

}  // namespace payquake::cli
