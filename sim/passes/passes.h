#pragma once
#include "sim/ir/graph.h"

namespace sim::passes {

/// Merges consecutive reshapes and removes reshapes that change nothing, as TensorRT's builder
/// does before placement (run first: patterns and fusions see TensorRT's layers).
void fuseShuffles(sim::Graph& g);

/// Tags layers that belong to patterns TensorRT's parser handles as a unit (Node::pattern).
void markPatterns(sim::Graph& g);

/// Fuses layers as TensorRT's builder does (Scale and ReLU into the preceding convolution).
void fuseLikeTensorRT(sim::Graph& g);

}  // namespace sim::passes
