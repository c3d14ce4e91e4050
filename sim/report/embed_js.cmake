# Generates a C++ header holding a file as bytes: report.html inlines Debian's charting
# library (and opens from disk with no network); the dataset folder gets docs/dataset.md.
# cmake -DIN=dygraph.min.js -DOUT=chart_js.hpp -DNAME=kChartJs -P embed_js.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}.tmp"
     "// Generated from ${IN} by embed_js.cmake; do not edit.\n#pragma once\n"
     "namespace payquake::report {\ninline constexpr unsigned char ${NAME}[] = {${bytes}};\n}\n")
file(RENAME "${OUT}.tmp" "${OUT}")
