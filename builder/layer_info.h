// trtexec's --exportLayerInfo JSON: {"Layers": [...], "Bindings": [...]}. With
// --profilingVerbosity=detailed each layer is an object; DLA loadables appear as one
// ForeignNode object listing the layers inside, and every layer carries its device and,
// for GPU fallbacks, the DLA rules it broke; detailed entries carry each layer's work record.
#pragma once
#include <string>

#include "builder/build_plan.h"

namespace builder {

std::string layerInfoJson(const sim::Graph& g, const BuildResult& b, bool detailed);

}  // namespace builder
