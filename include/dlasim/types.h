// Value types shared by the whole API: element types, shapes, precisions, devices.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dlasim {

/// Element types a tensor can hold. (Order is part of the engine file format.)
enum class DataType : uint8_t { kFloat, kHalf, kInt8, kUInt8, kInt32, kInt64, kBool, kDouble };

/// Static tensor shapes ("1x3x224x224").
using Shape = std::vector<int64_t>;

/// The precision a layer computes in, the one fact of the plan every part reads (rules, runtime,
/// cost model, reports). kFP19 is the DLA's internal point-wise format (1-8-10 bits) used for
/// storage of non-convolution constants on Orin; kINT32 and kBF16 exist only as GPU requests
/// (--layerPrecisions). (Order is part of the engine file format.)
enum class Precision : uint8_t { kFP32, kFP16, kINT8, kFP19, kINT32, kBF16 };

enum class Device : uint8_t { kGPU, kDLA };

/// The hardware unit that does a layer's work: the DLA's convolution core, single-point data
/// processor (point-wise), planar data processor (pooling), cross-channel data processor (LRN),
/// Rubik (reshape / transpose / resize / format conversion, Orin's FP16 convolutions), bridge
/// DMA (copies for concat and slice); kNone for layers that do no work (views).
enum class EngineUnit : uint8_t { kNone, kConvolution, kSDP, kPDP, kCDP, kRubik, kBDMA };

size_t dataTypeSize(DataType t);
/// Lower-case name as trtexec prints it: float, half, int8, uint8, int32, int64, bool, double.
const char* dataTypeName(DataType t);
/// "FP32", "FP16", "INT8", "FP19", "INT32", "BF16".
const char* precisionName(Precision p);
/// Parses trtexec's spellings (fp32, fp16, int8, int32, bf16; any case). False if unknown.
bool parsePrecision(const std::string& s, Precision* out);
/// Bytes per element of an activation or weight stored in `p` (FP19 in a 4-byte container).
size_t precisionBytes(Precision p);
const char* deviceName(Device d);  // "GPU", "DLA"
/// "CONV", "SDP", "PDP", "CDP", "RUBIK", "BDMA", "NONE".
const char* engineUnitName(EngineUnit u);
/// "1x3x224x224" as trtexec prints dimensions; "scalar" for rank 0.
std::string shapeString(const Shape& s);
/// Text safe to print on one line: control characters and bytes that are not valid UTF-8 (e.g.
/// from a corrupt file's names) become \xNN escapes.
std::string printable(const std::string& s);

}  // namespace dlasim
