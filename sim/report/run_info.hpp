// Facts about a run that are not measurements of the simulated system.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace payquake::report {

inline constexpr const char* kVersion = "0.1.0";

struct RunInfo {
  std::uint64_t seed = 0;
  bool partial = false;  // interrupted (SIGINT/SIGTERM) before the calendar drained
  // The drain after the last arrival went on for the scenario's `drain_limit` and was
  // cut there: `unfinished_payments` were still open and never reconciled.
  bool drain_limit_reached = false;
  double drain_limit_seconds = 0.0;
  std::uint64_t unfinished_payments = 0;  // open when the run ended (interrupted or cut)
  double simulated_seconds = 0.0;  // simulated time when the run ended
  double planned_seconds = 0.0;    // the scenario's duration (arrivals)
  // How the run was made: the command line as typed, every --set, for telling variants apart.
  std::string command_line;
  std::vector<std::string> overrides;
  double wall_seconds = 0.0;
  std::string engine_mode;
  std::uint64_t events = 0;
  std::uint64_t peak_payments_in_flight = 0;
  // Conservation: the issuers' accounts at the start and at the end (minor units).
  std::int64_t accounts_opening_minor = 0;
  std::int64_t accounts_final_minor = 0;
  // Of the final total: what is still held by authorizations, and what was captured and
  // settled to merchants. Accounts exist for cards that paid; the totals cover those.
  std::int64_t accounts_held_minor = 0;
  std::int64_t accounts_settled_minor = 0;
  std::uint64_t accounts = 0;
  bool conserved() const { return accounts_opening_minor == accounts_final_minor; }
};

}  // namespace payquake::report
