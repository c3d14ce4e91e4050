// What a run of a scenario will cost before it starts: the memory of the structures whose
// size the scenario chooses (time-series windows, SimGrid routes between replicas, node
// pair tables, card accounts) and the number of payments. The loader refuses a scenario
// beyond kMaxRunBytes or kMaxPayments (limits.hpp), naming the estimate.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/scenario.hpp"

namespace payquake::scenario {

struct CostItem {
  enum class Driver {
    kWindows,     // scenario.window over duration: the time series
    kSloWindows,  // slo.window over duration
    kSiteHosts,   // replicas on site `index`: SimGrid routes every pair of them
    kNodePairs,   // node x node tables of the engine and the flow
    kAccounts,    // issuers' accounts, one per card that pays (population `index`: most cards)
    kNonces,      // a signing gateway's nonce store (node `index`)
  };
  Driver driver;
  std::size_t index = 0;  // the site or population it concerns
  double bytes = 0;
  std::string detail;  // how it was reckoned: "duration / window = 1.8e9 windows x 24 columns"
};

struct RunCost {
  std::vector<CostItem> items;  // the largest first
  double bytes = 0;             // their sum
  double payments = 0;          // the arrival rate integrated over the duration, spikes included
  // Of `payments`, each attack's (rate over its window inside the duration), in
  // Scenario::attacks' order.
  std::vector<double> attack_payments;
};

// REQUIRES: `s` passed the loader's other checks (ids resolve, counts >= 1).
RunCost estimate_run(const core::Scenario& s);

// "37.3 GiB", "512 MiB", "12 KiB": three significant digits at most.
std::string format_bytes(double bytes);
// "1800", "1.8e9": a count for messages, exact below a million.
std::string format_count(double v);

}  // namespace payquake::scenario
