#include "cli/suggest_flag.hpp"

#include <algorithm>

#include "scenario/suggest.hpp"

namespace payquake::cli {
namespace {

void collect_flags(CLI::App& app, std::vector<std::string>& flags) {
  for (const CLI::Option* o : app.get_options())
    for (const auto& name : o->get_lnames()) flags.push_back("--" + name);
  for (CLI::App* sub : app.get_subcommands({})) collect_flags(*sub, flags);
}

}  // namespace

std::string suggest_flag(int argc, char** argv, CLI::App& app) {
  std::vector<std::string> flags;
  collect_flags(app, flags);
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") break;
    if (word.rfind("--", 0) != 0) continue;
    if (const auto eq = word.find('='); eq != std::string::npos) word.resize(eq);
    if (std::find(flags.begin(), flags.end(), word) != flags.end()) continue;
    if (const auto near = scenario::nearest(word, flags))
      return "payquake: unknown option " + word + ", did you mean " + *near + "?";
    return "";
  }
  return "";
}

}  // namespace payquake::cli
