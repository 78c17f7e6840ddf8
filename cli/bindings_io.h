// A run's data in the engine's binding formats, as trtexec handles it: --loadInputs files are
// read in their binding's type and layout, --exportOutput / --dumpOutput give the binding's
// values, --dumpRawBindingsToFile writes each binding's buffer.
#pragma once
#include <string>
#include <vector>

#include "cli/log.h"
#include "cli/options.h"
#include "dlasim/dlasim.h"

namespace dlasim::cli {

/// The run's inputs: files in their binding's format (a default fp32:chw binding also takes
/// .npy and raw data of the model's type), the other inputs seeded random data made
/// representable in their binding (an INT8 binding's values are multiples of its scale).
TensorMap bindingInputs(const Engine& plan, const Options& o, const std::string& source,
                        std::vector<std::string>* notes);

/// The outputs of `context`'s run as their bindings hold them (INT8 codes, FP16-rounded values,
/// ...).
std::vector<Tensor> bindingOutputs(const ExecutionContext& context,
                                   const std::vector<Tensor>& outputs);

/// --dumpRawBindingsToFile: <name>.<input|output>.<dims>.<type>.raw in the current folder.
void dumpRawBindings(const ExecutionContext& context, const TensorMap& inputs,
                     const TensorMap& outputs, const Options& o, Log& log);

/// One line per binding whose format is not the default fp32:chw, for the log.
std::vector<std::string> bindingNotes(const Engine& plan);

}  // namespace dlasim::cli
