#include "cli/bindings_io.h"

#include <algorithm>

#include "cli/util.h"

namespace dlasim::cli {

namespace {

// The binding holds the model's own values as they are: the plain data paths apply.
bool plain(const BindingInfo& b, DataType model) {
  if (b.format.format != "chw") return false;
  const std::string& t = b.format.type;
  return (t == "fp32" && model == DataType::kFloat) ||
         (t == "int32" && model == DataType::kInt32) ||
         (t == "int64" && model == DataType::kInt64) || (t == "int8" && model == DataType::kInt8) ||
         (t == "uint8" && model == DataType::kUInt8) || (t == "bool" && model == DataType::kBool);
}

DataType modelType(const Engine& plan, const std::string& name) {
  for (const auto& s : plan.inputs())
    if (s.name == name) return s.dtype;
  for (const auto& s : plan.outputs())
    if (s.name == name) return s.dtype;
  return DataType::kFloat;
}

// trtexec's spelling of a binding's data type in file names and logs.
std::string typeWord(const std::string& t) {
  if (t == "fp32") return "Float";
  if (t == "fp16") return "Half";
  if (t == "int8") return "Int8";
  if (t == "int32") return "Int32";
  if (t == "int64") return "Int64";
  if (t == "uint8") return "UInt8";
  if (t == "bool") return "Bool";
  return t;
}

std::string safeName(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return out;
}

}  // namespace

TensorMap bindingInputs(const Engine& plan, const Options& o, const std::string& source,
                        std::vector<std::string>* notes) {
  std::vector<BindingInfo> bindings = plan.bindings();
  std::map<std::string, std::string> plainFiles, formatted;
  for (const auto& [name, file] : o.loadInputs) {
    auto it = std::find_if(bindings.begin(), bindings.end(),
                           [&](const BindingInfo& b) { return b.isInput && b.name == name; });
    if (it != bindings.end() && !plain(*it, modelType(plan, name)))
      formatted[name] = file;
    else
      plainFiles[name] = file;  // unknown names are reported by prepareInputs
  }
  TensorMap in = prepareInputs(plan.inputs(), plainFiles, o.seed, source, notes);
  for (const auto& b : bindings) {
    if (!b.isInput) continue;
    DataType model = modelType(plan, b.name);
    auto f = formatted.find(b.name);
    if (f != formatted.end()) {
      in[b.name] = loadBindingFile(f->second, b, model);
      if (notes)
        notes->push_back("Using values loaded from " + f->second + " for input " + b.name +
                         " (binding " + b.format.type + ":" + b.format.format + ", " +
                         std::to_string(b.bytes) + " bytes)");
    } else if (!plain(b, model) && !plainFiles.count(b.name)) {
      // Random data as the binding would carry it.
      in[b.name] = decodeBinding(b, encodeBinding(b, in[b.name]), model, b.name);
    }
  }
  return in;
}

std::vector<Tensor> bindingOutputs(const ExecutionContext& context,
                                   const std::vector<Tensor>& outputs) {
  std::vector<BindingInfo> bindings = context.bindings();  // with the run's INT8 scales
  std::vector<Tensor> v;
  size_t k = 0;
  for (const auto& b : bindings) {
    if (b.isInput) continue;
    const Tensor& t = outputs.at(k++);
    v.push_back(plain(b, t.dtype()) ? t : bindingValues(b, t));
  }
  return v;
}

void dumpRawBindings(const ExecutionContext& context, const TensorMap& inputs,
                     const TensorMap& outputs, const Options& o, Log& log) {
  log.info("Dumping I/O Bindings to RAW Files:");
  std::vector<std::string> protect = {o.onnx, o.loadEngine, o.calib, o.saveEngine};
  for (const auto& [n, f] : o.loadInputs) protect.push_back(f);
  for (const auto& b : context.bindings()) {
    const TensorMap& from = b.isInput ? inputs : outputs;
    std::string kind = b.isInput ? "input" : "output", type = typeWord(b.format.type);
    std::string dims = shapeStr(b.shape);
    std::string file = safeName(b.name) + "." + kind + "." + dims + "." + type + ".raw";
    writeFileSafely(file, encodeBinding(b, from.at(b.name)), protect);
    log.info("Writing file for " + kind + " binding " + b.name + " (with datatype " + type +
             " and dimensions " + dims + ") to " + file);
  }
}

std::vector<std::string> bindingNotes(const Engine& plan) {
  std::vector<std::string> v;
  for (const auto& b : plan.bindings()) {
    if (plain(b, modelType(plan, b.name))) continue;  // the default: the tensor's own type, linear
    v.push_back(cat(b.isInput ? "Input" : "Output", " binding ", b.name, ": ", b.format.type, ":",
                    b.format.format, ", ", b.bytes, " bytes",
                    b.format.type == "int8" && b.scale > 0 ? cat(", scale ", b.scale) : ""));
  }
  return v;
}

}  // namespace dlasim::cli
