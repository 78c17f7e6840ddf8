// The plan's graph as SVG, laid out by Graphviz's dot (libgvc, at report time): one node per
// layer coloured by where it runs (each DLA loadable its own colour, the GPU grey), the
// bindings as ellipses, DLA <-> GPU hand-offs as red edges.
#pragma once
#include <string>
#include <vector>

#include "dlasim/plan.h"

namespace dlasim::report {

/// The colour of DLA loadable `index` (a fixed palette, cycled), or the GPU's grey for -1.
std::string loadableColour(int index);

/// Every layer a node (`id="layer_<i>"`, class "layer dla ld<k>" or "layer gpu"), loadables
/// drawn as boxes around their layers.
std::string layerGraphSvg(const Plan& plan);

/// The same graph with each loadable one node (`id="collapsed_loadable_<k>"`) and the GPU
/// layers kept (`id="collapsed_layer_<i>"`; every id starts with "collapsed_"):
/// the view of a large model, where the hand-offs stand out.
std::string loadableGraphSvg(const Plan& plan);

}  // namespace dlasim::report
