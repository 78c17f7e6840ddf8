// A reader for the subset of SystemRDL that NVDLA's register descriptions use
// (spec/manual/NVDLA_<BLOCK>.rdl): one regfile of `reg { field {...} NAME[hi:lo]; } REG @offset;`
// blocks. We keep what a replayer needs: register names and offsets, field bit ranges and reset
// values.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace nvdla_trace {

struct RdlField {
  std::string name;
  int lsb = 0, msb = 0;
  uint32_t reset = 0;
};

struct RdlRegister {
  std::string name;
  uint32_t offset = 0;
  std::vector<RdlField> fields;
  uint32_t resetValue() const;
  const RdlField* field(const std::string& name) const;
};

struct RdlBlock {
  std::string name;  // e.g. "SDP_RDMA" (from `regfile regs_NVDLA_SDP_RDMA`)
  std::vector<RdlRegister> registers;
};

/// Parses one .rdl file's text; `origin` names it in error messages. Throws std::runtime_error.
RdlBlock parseRdl(const std::string& text, const std::string& origin);

/// The blocks NVDLA nv_small traces program, parsed once from the register descriptions built
/// into the library (nvdla_trace/rdl/*.rdl, NVDLA Open Hardware License).
const std::vector<RdlBlock>& builtinRdlBlocks();

}  // namespace nvdla_trace
