// The viewer's style sheet and script (report/report.css, report/report.js) and Chart.js,
// embedded in the library at build time (CMake writes them into a generated source file).
#pragma once

namespace dlasim::report {

extern const char* const kReportCss;
extern const char* const kReportJs;
/// Chart.js 3 (Debian's libjs-chart.js, MIT licence), which draws the report's charts.
extern const char* const kChartJs;

}  // namespace dlasim::report
