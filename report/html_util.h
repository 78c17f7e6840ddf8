// Small helpers for writing the report's HTML and SVG.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

#include "dlasim/types.h"

namespace dlasim::report {

/// Text safe inside HTML elements and attribute values (names come from model files).
inline std::string esc(const std::string& s) {
  std::string out;
  for (char c : printable(s)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// `v` with `digits` significant digits ("%.*g").
inline std::string num(double v, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

/// `v` with `digits` decimals ("%.*f").
inline std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

inline std::string mib(int64_t bytes) {
  return num(double(bytes) / (1024.0 * 1024.0), 4) + " MiB";
}

}  // namespace dlasim::report
