// One number through a printf format ("%.2f", "%+.1f"), as the text tables and pages of
// the study commands write their figures.
#pragma once

#include <cstdio>
#include <string>

namespace payquake::core {

inline std::string printf_text(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace payquake::core
