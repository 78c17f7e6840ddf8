#include "nvdla_trace/paged_memory.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "nvdla_trace/crc32.h"
#include "nvdla_trace/errors.h"

namespace nvdla_trace {

const PagedMemory::Page* PagedMemory::findPage(uint64_t index) const {
  if (index == lastIndex_) return lastPage_;
  auto it = pages_.find(index);
  if (it == pages_.end()) return nullptr;
  lastIndex_ = index;
  lastPage_ = it->second.get();
  return lastPage_;
}

PagedMemory::Page& PagedMemory::pageForWrite(uint64_t index) {
  if (index == lastIndex_ && lastPage_) return *lastPage_;
  auto it = pages_.find(index);
  if (it == pages_.end()) {
    if (allocatedBytes() + kPageBytes > limitBytes_)
      throw TraceError("the trace writes more than the memory model's limit of " +
                       (limitBytes_ % (1 << 20) == 0 ? std::to_string(limitBytes_ >> 20) + " MiB"
                                                     : std::to_string(limitBytes_ >> 10) + " KiB"));
    auto page = std::make_unique<Page>();
    std::memset(page->bytes, 0, kPageBytes);
    it = pages_.emplace(index, std::move(page)).first;
  }
  lastIndex_ = index;
  lastPage_ = it->second.get();
  return *lastPage_;
}

uint8_t PagedMemory::read(uint64_t address) const {
  const Page* p = findPage(address / kPageBytes);
  return p ? p->bytes[address % kPageBytes] : 0;
}

void PagedMemory::write(uint64_t address, uint8_t value) {
  pageForWrite(address / kPageBytes).bytes[address % kPageBytes] = value;
}

void PagedMemory::zero(uint64_t base, uint64_t size) {
  if (size == 0) return;
  const uint64_t end = base + size;  // callers guarantee no wrap-around
  const uint64_t firstPage = base / kPageBytes, lastPage = (end - 1) / kPageBytes;
  // Walk whichever is smaller: the pages in the range or the pages that exist.
  auto clearPart = [&](uint64_t index, Page& page) {
    uint64_t from = std::max(base, index * kPageBytes),
             to = std::min(end, (index + 1) * kPageBytes);
    std::memset(page.bytes + (from - index * kPageBytes), 0, to - from);
  };
  if (lastPage - firstPage < pages_.size()) {
    for (uint64_t i = firstPage; i <= lastPage; ++i)
      if (auto it = pages_.find(i); it != pages_.end()) clearPart(i, *it->second);
  } else {
    for (auto& [index, page] : pages_)
      if (index >= firstPage && index <= lastPage) clearPart(index, *page);
  }
}

uint32_t PagedMemory::crc32(uint64_t base, uint64_t size) const {
  static const uint8_t zeros[kPageBytes] = {};
  uint32_t crc = 0;
  uint64_t address = base;
  const uint64_t end = base + size;
  while (address < end) {
    const uint64_t index = address / kPageBytes, offset = address % kPageBytes;
    const uint64_t n = std::min(kPageBytes - offset, end - address);
    const Page* p = findPage(index);
    crc = crc32Update(crc, p ? p->bytes + offset : zeros, n);
    address += n;
  }
  return crc;
}

}  // namespace nvdla_trace
