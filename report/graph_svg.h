// The plan's graph as SVG, laid out by Graphviz's dot (libgvc, at report time): one node per
// layer coloured by where it runs (each DLA loadable its own colour, the GPU grey), the
// bindings as ellipses, DLA <-> GPU hand-offs as red edges.
#pragma once
#include <string>
#include <vector>

#include "dlasim/engine.h"

namespace dlasim::report {

/// The colour of DLA loadable `index` (a fixed palette, cycled), or the GPU's grey for -1.
std::string loadableColour(int index);

/// Every layer a node (`id="layer_<i>"`, class "layer dla ld<k>" or "layer gpu"), loadables
/// drawn as boxes around their layers (`id="cluster_<k>"`), the edges within loadable k of class
/// "inld<k>": the viewer collapses a loadable by hiding these and closing up the space.
std::string layerGraphSvg(const Engine& plan);

}  // namespace dlasim::report
