// The trace's memory: a sparse 64-bit byte space in 4 KiB pages, allocated on first write.
// Bytes never written read as 0 (mem_core.svh:439). Allocation is capped so that a hostile
// trace cannot exhaust the host.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace nvdla_trace {

class PagedMemory {
 public:
  static constexpr uint64_t kPageBytes = 4096;

  explicit PagedMemory(uint64_t limitBytes) : limitBytes_(limitBytes) {}

  uint8_t read(uint64_t address) const;
  /// Throws TraceError when a new page would exceed the limit.
  void write(uint64_t address, uint8_t value);
  /// mem_init(..., ALL_ZERO): makes [base, base + size) read as zero; allocates nothing.
  void zero(uint64_t base, uint64_t size);
  /// CRC-32 of [base, base + size) in ascending address order.
  uint32_t crc32(uint64_t base, uint64_t size) const;

  uint64_t allocatedBytes() const { return pages_.size() * kPageBytes; }

 private:
  struct Page {
    uint8_t bytes[kPageBytes];
  };
  const Page* findPage(uint64_t index) const;
  Page& pageForWrite(uint64_t index);

  uint64_t limitBytes_;
  std::unordered_map<uint64_t, std::unique_ptr<Page>> pages_;
  // One-entry caches: cube reads and writes walk addresses mostly in order.
  mutable uint64_t lastIndex_ = ~uint64_t(0);
  mutable Page* lastPage_ = nullptr;
};

}  // namespace nvdla_trace
