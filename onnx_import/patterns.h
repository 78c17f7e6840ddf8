#pragma once
#include "sim/ir/graph.h"

namespace onnx_import {

/// Tags layers that belong to patterns TensorRT's parser handles as a unit (Node::pattern).
void markPatterns(sim::Graph& g);

}  // namespace onnx_import
