#include "core/money.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

namespace payquake::core {

Money money_from_major(double major) {
  const double cents = major * 100.0;
  // A decimal half cent such as 1.005 has no exact binary form: it is stored a hair below
  // the half and the product lands an ulp or two under x.5. Within this tolerance of a half
  // we round away from zero, as the person who wrote the amount expects. The error of the
  // input and of the product is at most 2 ulps; 4 leaves margin, and a continuous sample
  // lands that close to a half with probability ~1e-15.
  const double tolerance = 4 * std::numeric_limits<double>::epsilon() * std::abs(cents);
  const double lower = std::floor(cents);
  const double fraction = cents - lower;
  double rounded = std::round(cents);  // half away from zero
  if (std::abs(fraction - 0.5) <= tolerance) rounded = cents >= 0 ? lower + 1 : lower;
  const auto minor = static_cast<std::int64_t>(rounded);
  return {minor < 1 ? 1 : minor};
}

std::string to_string(Money m) {
  // The magnitude as unsigned: negating INT64_MIN in signed arithmetic is undefined.
  const std::uint64_t magnitude =
      m.minor < 0 ? 0 - static_cast<std::uint64_t>(m.minor) : static_cast<std::uint64_t>(m.minor);
  const std::uint64_t cents = magnitude % 100;
  std::string out;
  if (m.minor < 0) out.push_back('-');
  out += std::to_string(magnitude / 100);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + cents / 10));
  out.push_back(static_cast<char>('0' + cents % 10));
  return out;
}

}  // namespace payquake::core
