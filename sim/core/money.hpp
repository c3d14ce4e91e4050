// Money as integer minor units (cents): never floating point, so sums and the ledger's
// conservation check are exact to the unit.
#pragma once

#include <cstdint>
#include <string>

namespace payquake::core {

struct Money {
  std::int64_t minor = 0;

  friend constexpr Money operator+(Money a, Money b) { return {a.minor + b.minor}; }
  friend constexpr Money operator-(Money a, Money b) { return {a.minor - b.minor}; }
  friend constexpr bool operator==(Money a, Money b) = default;
  friend constexpr auto operator<=>(Money a, Money b) = default;
  Money& operator+=(Money o) {
    minor += o.minor;
    return *this;
  }
};

// Rounds a sampled amount in major units to the nearest minor unit, at least one
// (a payment of zero is not a payment).
Money money_from_major(double major);

// "42.50", "-0.05": two decimals, no currency.
std::string to_string(Money m);

}  // namespace payquake::core
