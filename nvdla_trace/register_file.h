// The programmed state of every NVDLA register a trace can write, initialised to the RDL reset
// values (nvdla-traces.md §1.4-1.5). Writes are whole 32-bit registers; reads go through the
// RDL field widths, so bits outside a field (which some traces set) are never seen. The LUT data
// ports (CDP and SDP S_LUT_ACCESS_DATA) stream into their tables instead of being stored.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "nvdla_trace/rdl.h"

namespace nvdla_trace {

/// A LUT as programmed through S_LUT_ACCESS_CFG / S_LUT_ACCESS_DATA.
struct LutTables {
  std::array<int16_t, 65> le{};
  std::array<int16_t, 257> lo{};
};

class RegisterFile {
 public:
  explicit RegisterFile(const std::vector<RdlBlock>& blocks = builtinRdlBlocks());

  /// The register a trace names as NVDLA_<BLOCK>.<REG>_0 (one trailing "_0" dropped); -1 if
  /// there is none.
  int resolve(const std::string& traceName) const;
  /// `line` is the .cfg line of the write, kept for messages.
  void write(int id, uint32_t value, int line = 0);
  /// The script whose writes these are, for messages ("name.cfg").
  void setScriptName(const std::string& name) { scriptName_ = name; }
  /// "name.cfg:LINE: NVDLA_BLOCK.REG_0 = 0x..", or "... (reset value)" if never written.
  std::string describe(const std::string& block, const std::string& reg) const;

  uint32_t value(const std::string& block, const std::string& reg) const;
  /// A field's value, from its RDL bit range. Unknown names are programming errors
  /// (std::logic_error), never trace errors.
  uint32_t field(const std::string& block, const std::string& reg, const std::string& field) const;
  /// HIGH:LOW register pair as a 64-bit address.
  uint64_t address(const std::string& block, const std::string& high, const std::string& low) const;

  bool opEnabled(const std::string& block) const;
  void clearOpEnable(const std::string& block);

  const LutTables& lut(const std::string& block) const;

 private:
  struct Register {
    std::string block;
    const RdlRegister* spec;
  };
  int find(const std::string& block, const std::string& reg) const;
  void streamLutData(const std::string& block, uint32_t data);

  std::vector<Register> registers_;
  std::vector<uint32_t> values_;
  std::vector<int> writeLines_;  // 0 = never written
  std::string scriptName_;
  std::unordered_map<std::string, int> byName_;  // "BLOCK.REG"
  std::unordered_map<std::string, LutTables> luts_;
};

}  // namespace nvdla_trace
