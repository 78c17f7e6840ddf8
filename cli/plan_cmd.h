// dlasim plan: capacity planning over batch sizes, power modes and placements.
#pragma once
#include <iostream>
#include <string>
#include <vector>

#include "cli/subcommand.h"
#include "dlasim/capacity.h"

namespace dlasim::cli {

int planMain(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

/// The sweep's own flags (--batches, --powerModes, --placements, --target, --latency-budget),
/// shared by `plan` and `report --plan`.
std::vector<SubcommandFlag> capacityFlags();

/// The capacity plan the flags ask for; bad values throw InputError naming the flag.
CapacityPlanOptions capacityOptions(const SubcommandValues& own, const Options& o);

}  // namespace dlasim::cli
