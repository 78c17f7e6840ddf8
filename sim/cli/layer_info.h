// trtexec's --exportLayerInfo JSON: {"Layers": [...], "Bindings": [...]}. With
// --profilingVerbosity=detailed each layer is an object; DLA loadables appear as one
// ForeignNode object listing the layers inside, and every layer carries its device and,
// for GPU fallbacks, the DLA rules it broke.
#pragma once
#include <string>

#include "sim/cli/build.h"

namespace sim::cli {

std::string layerInfoJson(const Graph& g, const BuildResult& b, bool detailed);

}  // namespace sim::cli
