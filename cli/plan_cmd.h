// dlasim plan: capacity planning over batch sizes, power modes and placements.
#pragma once
#include <iostream>

namespace dlasim::cli {

int planMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace dlasim::cli
