// trtexec's --exportLayerInfo JSON: {"Layers": [...], "Bindings": [...]}. With
// --profilingVerbosity=detailed each layer is an object; DLA loadables appear as one
// ForeignNode object listing the layers inside, and every layer carries its device and,
// for GPU fallbacks, the DLA rules it broke; detailed entries carry each layer's work record.
#pragma once
#include <set>
#include <string>

#include "builder/build_plan.h"

namespace builder {

/// trtexec's --exportLayerInfo JSON. `toNvm` / `fromNvm` name the tensors the timeline hands to
/// the DLA and back (the cost model's "X to nvm" / "X from nvm" rows): each is a layer of its
/// own, before / after its loadable, so that the profile's rows and these layers join by name.
std::string layerInfoJson(const sim::Graph& g, const BuildResult& b, bool detailed,
                          const std::set<std::string>& toNvm = {},
                          const std::set<std::string>& fromNvm = {});

}  // namespace builder
