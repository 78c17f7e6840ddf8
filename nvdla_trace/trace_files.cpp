#include "nvdla_trace/trace_files.h"

#include <sys/stat.h>

#include <cctype>
#include <fstream>

#include "nvdla_trace/errors.h"

namespace nvdla_trace {

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string shorten(const std::string& s) {
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

struct KnownStatement {
  const char* name;
  StatementKind kind;
  size_t arity;
};

constexpr KnownStatement kStatements[] = {
    {"mem_init", StatementKind::MemInit, 4},
    {"mem_load", StatementKind::MemLoad, 3},
    {"reg_write", StatementKind::RegWrite, 2},
    {"poll_reg_equal", StatementKind::PollRegEqual, 2},
    {"intr_notify", StatementKind::IntrNotify, 2},
    {"check_crc", StatementKind::CheckCrc, 5},
    {"check_nothing", StatementKind::CheckNothing, 1},
    {"sync_notify", StatementKind::SyncNotify, 2},
    {"sync_wait", StatementKind::SyncWait, 2},
};

// Part of NVDLA's trace grammar (nvdla_trace_parser.py) but in no nv_small trace.
constexpr const char* kUnimplemented[] = {"reg_read", "reg_read_check", "mem_reserve",
                                          "mem_release", "check_file"};

// Splits "a, b, \"c\"" at commas outside quotes; a quoted argument is its text between the
// quotes, with nothing but spaces around them.
std::vector<std::string> splitArgs(const std::string& s, const std::string& where) {
  std::vector<std::string> args;
  std::string plain, quotedText;
  bool inQuotes = false, hadQuotes = false;
  auto finish = [&] {
    const std::string outside = trim(plain);
    if (hadQuotes && !outside.empty())
      throw TraceError(where + ": unexpected text '" + shorten(outside) + "' around a string");
    args.push_back(hadQuotes ? quotedText : outside);
    plain.clear();
    quotedText.clear();
    hadQuotes = false;
  };
  for (char c : s) {
    if (c == '"') {
      if (!inQuotes && hadQuotes)
        throw TraceError(where + ": two strings in one argument in '" + shorten(s) + "'");
      inQuotes = !inQuotes;
      hadQuotes = true;
    } else if (inQuotes) {
      quotedText += c;
    } else if (c == ',') {
      finish();
    } else {
      plain += c;
    }
  }
  if (inQuotes) throw TraceError(where + ": unterminated string in '" + shorten(s) + "'");
  finish();
  return args;
}

}  // namespace

std::vector<Statement> parseScript(const std::string& text, const std::string& fileName) {
  std::vector<Statement> out;
  size_t pos = 0;
  int lineNo = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineNo;
    const std::string where = fileName + ":" + std::to_string(lineNo);
    if (auto c = line.find("//"); c != std::string::npos) line.resize(c);
    line = trim(line);
    if (line.empty()) continue;
    const size_t open = line.find('('), close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open ||
        trim(line.substr(close + 1)) != ";")
      throw TraceError(where + ": expected 'statement(arguments);', got '" + shorten(line) + "'");
    const std::string name = trim(line.substr(0, open));
    const KnownStatement* known = nullptr;
    for (const KnownStatement& k : kStatements)
      if (name == k.name) known = &k;
    if (!known) {
      for (const char* u : kUnimplemented)
        if (name == u) throw Unsupported(where + ": statement '" + name + "' is not supported");
      throw TraceError(where + ": unknown statement '" + shorten(name) + "'");
    }
    Statement st{known->kind, splitArgs(line.substr(open + 1, close - open - 1), where), lineNo};
    if (st.args.size() != known->arity)
      throw TraceError(where + ": " + name + " takes " + std::to_string(known->arity) +
                       " arguments, got " + std::to_string(st.args.size()));
    out.push_back(std::move(st));
  }
  return out;
}

uint64_t parseTraceNumber(const std::string& s, int maxBits, const std::string& where,
                          const std::string& what) {
  auto bad = [&]() -> TraceError {
    return TraceError(where + ": bad " + what + " '" + shorten(s) + "' (expected " +
                      (maxBits < 64 ? std::to_string(maxBits) + "-bit " : "") +
                      "hex 0x... or decimal)");
  };
  const bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const std::string digits = hex ? s.substr(2) : s;
  if (digits.empty()) throw bad();
  uint64_t v = 0;
  const uint64_t base = hex ? 16 : 10;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      throw bad();
    if (v > (~uint64_t(0) - uint64_t(d)) / base) throw bad();  // overflows 64 bits
    v = v * base + uint64_t(d);
  }
  if (maxBits < 64 && (v >> maxBits) != 0) throw bad();
  return v;
}

std::string readTextFile(const std::string& path, const std::string& displayName,
                         uint64_t maxBytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    throw TraceError(displayName + ": cannot open file");
  if (uint64_t(st.st_size) > maxBytes)
    throw TraceError(displayName + ": file is larger than the limit of " +
                     std::to_string(maxBytes >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(displayName + ": cannot open file");
  std::string text(size_t(st.st_size), '\0');
  in.read(text.data(), std::streamsize(text.size()));
  if (in.gcount() != std::streamsize(text.size())) throw TraceError(displayName + ": read error");
  return text;
}

namespace {

// A cursor over a .dat file's text that knows its line for messages.
class DatScanner {
 public:
  DatScanner(const std::string& t, const std::string& name) : t_(t), name_(name) {}

  void skipSpace() {
    while (pos_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[pos_]))) {
      if (t_[pos_] == '\n') ++line_;
      ++pos_;
    }
  }
  bool atEnd() {
    skipSpace();
    return pos_ >= t_.size();
  }
  char peek() {
    skipSpace();
    return pos_ < t_.size() ? t_[pos_] : '\0';
  }
  void expect(const char* word) {
    skipSpace();
    const std::string w(word);
    if (t_.compare(pos_, w.size(), w) != 0) fail("expected '" + w + "'");
    pos_ += w.size();
  }
  std::string word() {
    skipSpace();
    size_t b = pos_;
    while (pos_ < t_.size() && std::isalnum(static_cast<unsigned char>(t_[pos_]))) ++pos_;
    if (b == pos_) fail("expected a number");
    return t_.substr(b, pos_ - b);
  }
  uint64_t number(int maxBits, const char* what) {
    return parseTraceNumber(word(), maxBits, where(), what);
  }
  [[noreturn]] void fail(const std::string& what) {
    std::string near = t_.substr(pos_, 24);
    for (char& c : near)
      if (c == '\n' || c == '\r') c = ' ';
    throw TraceError(where() + ": " + what +
                     (pos_ < t_.size() ? " near '" + near + "'" : " at end of file"));
  }
  std::string where() const { return name_ + ":" + std::to_string(line_); }

 private:
  const std::string& t_;
  const std::string& name_;
  size_t pos_ = 0;
  int line_ = 1;
};

}  // namespace

uint64_t loadPayload(const std::string& path, const std::string& displayName, uint64_t base,
                     PagedMemory& memory, uint64_t maxFileBytes) {
  const std::string text = readTextFile(path, displayName, maxFileBytes);
  DatScanner s(text, displayName);
  uint64_t written = 0;
  if (s.atEnd()) return 0;
  // An optional '{' ... '}' wrapper around the records.
  bool wrapped = false;
  s.expect("{");
  if (s.peek() == '{' || s.peek() == '}') wrapped = true;
  bool first = true;
  for (;;) {
    if (!first || wrapped) {
      if (s.atEnd()) {
        if (wrapped) s.fail("missing the closing '}'");
        break;
      }
      if (wrapped && s.peek() == '}') {
        s.expect("}");
        if (!s.atEnd()) s.fail("text after the closing '}'");
        break;
      }
      s.expect("{");
    }
    first = false;
    s.expect("offset");
    s.expect(":");
    const uint64_t offset = s.number(40, "offset");
    s.expect(",");
    s.expect("size");
    s.expect(":");
    const uint64_t size = s.number(20, "size");
    s.expect(",");
    s.expect("payload");
    s.expect(":");
    const std::string recordStart = s.where();
    uint64_t count = 0;
    while (s.peek() != '}') {
      const uint64_t byte = s.number(8, "payload byte");
      if (count >= size)
        s.fail("record has more payload bytes than its size " + std::to_string(size));
      memory.write(base + offset + count, uint8_t(byte));
      ++count;
    }
    s.expect("}");
    if (count != size)
      throw TraceError(recordStart + ": record size " + std::to_string(size) + " but " +
                       std::to_string(count) + " payload bytes");
    written += count;
    if (s.peek() == ',') s.expect(",");
  }
  return written;
}

}  // namespace nvdla_trace
