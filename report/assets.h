// The viewer's style sheet and script (report/report.css, report/report.js), embedded in the
// library at build time (CMake writes them into a generated source file).
#pragma once

namespace dlasim::report {

extern const char* const kReportCss;
extern const char* const kReportJs;

}  // namespace dlasim::report
