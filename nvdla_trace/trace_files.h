// Reading a trace directory's files: the .cfg command script (../shared/reference/
// nvdla-traces.md §1.2; grammar after nvdla/hw verif/tools/nvdla_trace_parser.py) and the .dat
// payloads (§1.3). Errors name file:line and the offending text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nvdla_trace/paged_memory.h"

namespace nvdla_trace {

enum class StatementKind {
  MemInit,       // mem_init(pri_mem, BASE, SIZE, ALL_ZERO)
  MemLoad,       // mem_load(pri_mem, BASE, "file.dat")
  RegWrite,      // reg_write(NVDLA_BLOCK.REG_0, VALUE)
  PollRegEqual,  // poll_reg_equal(NVDLA_BLOCK.REG_0, VALUE): treated as already satisfied
  IntrNotify,    // intr_notify(UNIT_0, SYNC)
  CheckCrc,      // check_crc(SYNC, MEM, BASE, SIZE, GOLDEN)
  CheckNothing,  // check_nothing(SYNC)
  SyncNotify,    // sync_notify(TARGET, SYNC): raises the event SYNC for TARGET
  SyncWait,      // sync_wait(TARGET, SYNC): waits for an event raised earlier
};

struct Statement {
  StatementKind kind;
  std::vector<std::string> args;  // trimmed; string arguments without their quotes
  int line = 0;
};

/// Parses a .cfg script. `fileName` is used in messages. Throws TraceError for unknown or
/// malformed statements and Unsupported for valid NVDLA statements that the replayer does not
/// implement (reg_read, mem_reserve, ...).
std::vector<Statement> parseScript(const std::string& text, const std::string& fileName);

/// An unsigned number as traces write it: 0x-prefixed hex (any case) or decimal, at most
/// `maxBits` bits. Throws TraceError naming `where` (file:line) and `what`.
uint64_t parseTraceNumber(const std::string& s, int maxBits, const std::string& where,
                          const std::string& what);

/// Applies one .dat payload file ({offset:0x.., size:N, payload:0x.. ...} records) at `base`.
/// Returns the number of payload bytes written (0 for an empty file). Rejects files larger than
/// `maxFileBytes`.
uint64_t loadPayload(const std::string& path, const std::string& displayName, uint64_t base,
                     PagedMemory& memory, uint64_t maxFileBytes);

/// Reads a whole file, rejecting one larger than maxBytes. Throws TraceError.
std::string readTextFile(const std::string& path, const std::string& displayName,
                         uint64_t maxBytes);

}  // namespace nvdla_trace
