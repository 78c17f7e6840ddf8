#include "nvdla_trace/register_file.h"

#include <cstdio>
#include <stdexcept>

namespace nvdla_trace {

RegisterFile::RegisterFile(const std::vector<RdlBlock>& blocks) {
  for (const RdlBlock& b : blocks)
    for (const RdlRegister& r : b.registers) {
      byName_.emplace(b.name + "." + r.name, int(registers_.size()));
      registers_.push_back({b.name, &r});
      values_.push_back(r.resetValue());
      writeLines_.push_back(0);
    }
  luts_["CDP"];
  luts_["SDP"];
}

int RegisterFile::resolve(const std::string& traceName) const {
  const std::string prefix = "NVDLA_", suffix = "_0";
  if (traceName.size() <= prefix.size() + suffix.size() ||
      traceName.compare(0, prefix.size(), prefix) != 0 ||
      traceName.compare(traceName.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  auto it = byName_.find(
      traceName.substr(prefix.size(), traceName.size() - prefix.size() - suffix.size()));
  return it == byName_.end() ? -1 : it->second;
}

int RegisterFile::find(const std::string& block, const std::string& reg) const {
  auto it = byName_.find(block + "." + reg);
  if (it == byName_.end()) throw std::logic_error("no register " + block + "." + reg);
  return it->second;
}

void RegisterFile::write(int id, uint32_t value, int line) {
  const Register& r = registers_.at(size_t(id));
  writeLines_[size_t(id)] = line;
  if (r.spec->name == "S_LUT_ACCESS_DATA" && luts_.count(r.block)) {
    streamLutData(r.block, value);
    return;
  }
  values_[size_t(id)] = value;
}

// Each data write stores one entry at the access pointer and advances it, stopping at the last
// entry; writes while the access type is "read" are ignored (cmod cdp_reg_model.cpp:108-121).
void RegisterFile::streamLutData(const std::string& block, uint32_t data) {
  const int cfg = find(block, "S_LUT_ACCESS_CFG");
  if (field(block, "S_LUT_ACCESS_CFG", "LUT_ACCESS_TYPE") != 1) return;
  const uint32_t addr = field(block, "S_LUT_ACCESS_CFG", "LUT_ADDR");
  const bool lo = field(block, "S_LUT_ACCESS_CFG", "LUT_TABLE_ID") == 1;
  LutTables& t = luts_[block];
  const uint32_t last = lo ? uint32_t(t.lo.size() - 1) : uint32_t(t.le.size() - 1);
  if (addr <= last) (lo ? t.lo[addr] : t.le[addr]) = int16_t(uint16_t(data & 0xFFFFu));
  if (addr < last) {
    const RdlField* f = registers_[size_t(cfg)].spec->field("LUT_ADDR");
    values_[size_t(cfg)] += 1u << f->lsb;  // addr < last < field maximum: no carry out
  }
}

std::string RegisterFile::describe(const std::string& block, const std::string& reg) const {
  const int id = find(block, reg);
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%x", values_[size_t(id)]);
  const std::string name = "NVDLA_" + block + "." + reg + "_0 = " + hex;
  if (writeLines_[size_t(id)] == 0) return name + " (reset value)";
  return scriptName_ + ":" + std::to_string(writeLines_[size_t(id)]) + ": " + name;
}

uint32_t RegisterFile::value(const std::string& block, const std::string& reg) const {
  return values_[size_t(find(block, reg))];
}

uint32_t RegisterFile::field(const std::string& block, const std::string& reg,
                             const std::string& name) const {
  const int id = find(block, reg);
  const RdlField* f = registers_[size_t(id)].spec->field(name);
  if (!f) throw std::logic_error("no field " + block + "." + reg + "." + name);
  const int width = f->msb - f->lsb + 1;
  const uint32_t mask = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u;
  return (values_[size_t(id)] >> f->lsb) & mask;
}

uint64_t RegisterFile::address(const std::string& block, const std::string& high,
                               const std::string& low) const {
  return (uint64_t(value(block, high)) << 32) | value(block, low);
}

bool RegisterFile::opEnabled(const std::string& block) const {
  return field(block, "D_OP_ENABLE", "OP_EN") == 1;
}

void RegisterFile::clearOpEnable(const std::string& block) {
  values_[size_t(find(block, "D_OP_ENABLE"))] = 0;
}

const LutTables& RegisterFile::lut(const std::string& block) const {
  return luts_.at(block);
}

}  // namespace nvdla_trace
