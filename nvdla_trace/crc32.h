// CRC-32 as zlib's crc32 and NVDLA's trace checker compute it (verif/vip/mem_model/
// mem_core.svh:350-449): reflected polynomial 0xEDB88320, initial value and final XOR 0xFFFFFFFF.
#pragma once
#include <cstddef>
#include <cstdint>

namespace nvdla_trace {

/// Continues a CRC: start with crc = 0 and feed the data in order, like zlib's crc32().
uint32_t crc32Update(uint32_t crc, const uint8_t* data, size_t size);

}  // namespace nvdla_trace
