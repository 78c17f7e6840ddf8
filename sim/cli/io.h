// Files the CLI reads and writes: input tensors (raw / .npy), trtexec's output JSON.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/ir/graph.h"

namespace sim::cli {

/// Loads `file` as data for a graph input of type/shape `want`: .npy (checked dtype and shape)
/// or raw little-endian bytes (checked size). Errors name the file, the input and the sizes.
Tensor loadInputFile(const std::string& file, const std::string& inputName, const TensorDesc& want);

/// Seeded uniform random data: floats in [-1, 1], integers in [0, 9], bools 50/50.
Tensor randomTensor(const TensorDesc& d, unsigned seed);

/// The inputs of a run: --loadInputs files (checked against the graph's inputs), the rest
/// seeded random data (seed + input position). `note` hears one line per input.
std::map<std::string, Tensor> prepareInputs(const Graph& g,
                                            const std::map<std::string, std::string>& files,
                                            unsigned seed, const std::string& modelName,
                                            const std::function<void(const std::string&)>& note);

/// Writes a numpy .npy file (used by tests and tools).
void saveNpy(const std::string& file, const Tensor& t);

/// trtexec's --exportOutput: [{"name", "dimensions": "1x10", "values": [...]}].
std::string outputJson(const std::vector<std::string>& names, const std::vector<Tensor>& values);

/// Writes text through a temporary file and a rename, so a failed write never leaves half a
/// file, and refuses to replace any of `inputs` (files the run reads).
void writeFileSafely(const std::string& path, const std::string& text,
                     const std::vector<std::string>& inputs);

}  // namespace sim::cli
