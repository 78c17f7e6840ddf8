// Files around a run: input tensors (raw little-endian as trtexec reads them, or .npy), numpy
// output, trtexec's --exportOutput JSON, and safe writing of output files.
#pragma once
#include <string>
#include <vector>

#include "dlasim/tensor.h"

namespace dlasim {

/// Loads `file` as data for an input of type/shape `want`: .npy (dtype and shape checked) or
/// raw little-endian bytes (size checked). Errors name the file, the input and the sizes.
Tensor loadTensorFile(const std::string& file, const TensorSpec& want);

/// Seeded uniform random data: floats in [-1, 1], integers in [0, 9], bools 50/50.
Tensor randomTensor(const TensorSpec& spec, unsigned seed);

/// Writes a numpy .npy file.
void saveNpy(const std::string& file, const Tensor& t);

/// A run's outputs written by another tool, by name, each in its file's type and shape: trtexec's
/// --exportOutput JSON (from a device; values as float64), Polygraphy's RunResults JSON
/// (--save-outputs: the first runner's first iteration) or a JSON dict / list of dicts of its
/// encoded arrays, numpy's .npz (np.savez / savez_compressed: member NAME.npy is output NAME), or
/// one .npy (named ""). FP16 arrays become float. Lines saying what was read (which Polygraphy
/// runner) are appended to `notes`. Errors (InputError) name the file and what is wrong.
TensorMap loadOutputsFile(const std::string& file, std::vector<std::string>* notes = nullptr);

/// Writes `text` to `path` so that a failed write never leaves half a file (through a temporary
/// file and a rename), and refuses to replace any of `inputs` (files the run reads).
void writeFileSafely(const std::string& path, const std::string& text,
                     const std::vector<std::string>& inputs = {});

}  // namespace dlasim

namespace dlasim {

/// The inputs of a run: `files` (input name -> file, as --loadInputs; each checked against the
/// input's type and shape), the rest seeded random data (seed + the input's position). One
/// line per input is appended to `notes` when given; `modelName` names the model in errors.
TensorMap prepareInputs(const std::vector<TensorSpec>& inputs,
                        const std::map<std::string, std::string>& files, unsigned seed,
                        const std::string& modelName, std::vector<std::string>* notes = nullptr);

}  // namespace dlasim
