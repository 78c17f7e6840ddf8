// `dlasim nvdla-trace DIR [--config=nv_small|nv_full] [--atom-bytes=A --atomic-c=C
// --atomic-k=K]`: replays one NVDLA trace test. Prints MATCH (exit 0), MISMATCH expected 0x..
// got 0x.. (exit 1), or UNSUPPORTED <reason> / dlasim: error: <one line> (exit 2).
#pragma once
#include <ostream>

int nvdlaTraceMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);
