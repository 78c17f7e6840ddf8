// nvdla_trace_tool: the `dlasim nvdla-trace` subcommand as a standalone program.
#include <iostream>

#include "nvdla_trace/cli.h"

int main(int argc, char** argv) {
  return nvdlaTraceMain(argc, argv, std::cout, std::cerr);
}
