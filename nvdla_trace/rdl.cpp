#include "nvdla_trace/rdl.h"

#include <cctype>
#include <memory>
#include <stdexcept>

#include "nvdla_trace/embedded_rdl.h"

namespace nvdla_trace {

uint32_t RdlRegister::resetValue() const {
  uint32_t v = 0;
  for (const RdlField& f : fields) {
    const int width = f.msb - f.lsb + 1;
    const uint32_t mask = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1u;
    v |= (f.reset & mask) << f.lsb;
  }
  return v;
}

const RdlField* RdlRegister::field(const std::string& n) const {
  for (const RdlField& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

namespace {

// The RDL text as a tree: an item is the elements up to a ';', an element a token or a
// braced group of items.
struct Item;
struct Element {
  std::string token;                         // empty for a group
  std::shared_ptr<std::vector<Item>> group;  // set for a group
  bool isString = false;
};
struct Item {
  std::vector<Element> elements;
  int line = 0;
};

class RdlReader {
 public:
  RdlReader(const std::string& text, const std::string& origin) : t_(text), origin_(origin) {}

  std::vector<Item> readItems(bool nested) {
    std::vector<Item> items;
    Item current;
    for (;;) {
      skipSpace();
      if (pos_ >= t_.size()) {
        if (nested) fail("missing '}'");
        break;
      }
      char c = t_[pos_];
      if (c == '}') {
        if (!nested) fail("unexpected '}'");
        ++pos_;
        break;
      }
      if (current.elements.empty()) current.line = line_;
      if (c == ';') {
        ++pos_;
        items.push_back(std::move(current));
        current = Item();
      } else if (c == '{') {
        ++pos_;
        Element e;
        e.group = std::make_shared<std::vector<Item>>(readItems(true));
        current.elements.push_back(std::move(e));
      } else {
        current.elements.push_back(readToken());
      }
    }
    if (!current.elements.empty()) items.push_back(std::move(current));
    return items;
  }

  [[noreturn]] void fail(const std::string& what) const { failAt(line_, what); }
  [[noreturn]] void failAt(int line, const std::string& what) const {
    throw std::runtime_error(origin_ + ":" + std::to_string(line) + ": " + what);
  }

 private:
  void skipSpace() {
    while (pos_ < t_.size()) {
      if (t_[pos_] == '\n') ++line_;
      if (std::isspace(static_cast<unsigned char>(t_[pos_]))) {
        ++pos_;
      } else if (t_.compare(pos_, 2, "//") == 0) {
        while (pos_ < t_.size() && t_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  Element readToken() {
    Element e;
    const char c = t_[pos_];
    if (c == '"') {
      ++pos_;
      while (pos_ < t_.size() && t_[pos_] != '"') {
        if (t_[pos_] == '\\') ++pos_;
        if (pos_ < t_.size() && t_[pos_] == '\n') ++line_;
        ++pos_;
      }
      if (pos_ >= t_.size()) fail("unterminated string");
      ++pos_;
      e.isString = true;
      return e;
    }
    if (t_.compare(pos_, 2, "->") == 0) {
      pos_ += 2;
      e.token = "->";
      return e;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\'') {
      size_t start = pos_;
      while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) ||
                                  t_[pos_] == '_' || t_[pos_] == '\''))
        ++pos_;
      e.token = t_.substr(start, pos_ - start);
      return e;
    }
    ++pos_;
    e.token = std::string(1, c);
    return e;
  }

  const std::string& t_;
  std::string origin_;
  size_t pos_ = 0;
  int line_ = 1;
};

bool isToken(const Item& it, size_t i, const char* s) {
  return i < it.elements.size() && !it.elements[i].group && it.elements[i].token == s;
}

// Numbers as RDL writes them: 0x1f, 12, or Verilog-style 2'd0 / 1'b1 / 32'h1f.
uint64_t parseNumber(const std::string& s, const RdlReader& r) {
  std::string digits = s;
  int base = 10;
  if (auto q = s.find('\''); q != std::string::npos && q + 1 < s.size()) {
    char b = char(std::tolower(static_cast<unsigned char>(s[q + 1])));
    base = b == 'h' ? 16 : b == 'b' ? 2 : b == 'o' ? 8 : 10;
    digits = s.substr(q + 2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    digits = s.substr(2);
  }
  if (digits.empty() || digits.size() > 18) r.fail("bad number '" + s + "'");
  size_t used = 0;
  uint64_t v = 0;
  try {
    v = std::stoull(digits, &used, base);
  } catch (const std::exception&) {
    r.fail("bad number '" + s + "'");
  }
  if (used != digits.size()) r.fail("bad number '" + s + "'");
  return v;
}

RdlField readField(const Item& it, const RdlReader& r) {
  // field { ...; reset = V; ... } NAME [ msb : lsb ]
  const auto& e = it.elements;
  if (e.size() < 8 || !e[1].group || !isToken(it, 3, "[") || !isToken(it, 5, ":") ||
      !isToken(it, 7, "]"))
    r.failAt(it.line, "malformed field");
  RdlField f;
  f.name = e[2].token;
  f.msb = int(parseNumber(e[4].token, r));
  f.lsb = int(parseNumber(e[6].token, r));
  if (f.lsb > f.msb || f.msb > 31)
    r.failAt(it.line, "field " + f.name + " has bits outside a 32-bit register");
  for (const Item& p : *e[1].group)
    if (isToken(p, 0, "reset") && isToken(p, 1, "=") && p.elements.size() == 3)
      f.reset = uint32_t(parseNumber(p.elements[2].token, r));
  return f;
}

RdlRegister readRegister(const Item& it, const RdlReader& r) {
  // reg { ... } NAME @ OFFSET
  const auto& e = it.elements;
  if (e.size() != 5 || !e[1].group || !isToken(it, 3, "@")) r.failAt(it.line, "malformed reg");
  RdlRegister reg;
  reg.name = e[2].token;
  reg.offset = uint32_t(parseNumber(e[4].token, r));
  for (const Item& f : *e[1].group)
    if (isToken(f, 0, "field")) reg.fields.push_back(readField(f, r));
  return reg;
}

}  // namespace

RdlBlock parseRdl(const std::string& text, const std::string& origin) {
  RdlReader reader(text, origin);
  std::vector<Item> top = reader.readItems(false);
  for (const Item& it : top) {
    // regfile regs_NVDLA_<BLOCK> { ... }
    if (!isToken(it, 0, "regfile") || it.elements.size() < 3 || !it.elements[2].group) continue;
    RdlBlock block;
    block.name = it.elements[1].token;
    const std::string prefix = "regs_NVDLA_";
    if (block.name.compare(0, prefix.size(), prefix) == 0)
      block.name = block.name.substr(prefix.size());
    for (const Item& r : *it.elements[2].group)
      if (isToken(r, 0, "reg")) block.registers.push_back(readRegister(r, reader));
    return block;
  }
  throw std::runtime_error(origin + ": no regfile");
}

const std::vector<RdlBlock>& builtinRdlBlocks() {
  static const std::vector<RdlBlock> blocks = [] {
    std::vector<RdlBlock> b;
    for (int i = 0; i < kEmbeddedRdlCount; ++i)
      b.push_back(parseRdl(std::string(kEmbeddedRdl[i].text, kEmbeddedRdl[i].size),
                           kEmbeddedRdl[i].fileName));
    return b;
  }();
  return blocks;
}

}  // namespace nvdla_trace
