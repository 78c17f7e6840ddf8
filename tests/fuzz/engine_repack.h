// Engine files rewritten with a recomputed checksum: a "valid" container around contents that
// lie, the way a hostile file is crafted. Used by the hostile-input tests, the fuzz corpus
// generator and the engine target's mutator (so it needs no gtest).
//
// Layout (builder/engine_file.cpp): "DLASIMEN" | u32 version | u64 n | n bytes of JSON |
// weight blob | u64 FNV-1a of everything before it.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace enginefile {

constexpr size_t kJsonLengthAt = 12, kJsonAt = 20, kChecksumBytes = 8;

inline uint64_t checksum(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

/// The JSON length field; false when `engine` is too short to hold a container around it.
inline bool jsonLength(const std::string& engine, uint64_t* length) {
  if (engine.size() < kJsonAt + kChecksumBytes) return false;
  std::memcpy(length, engine.data() + kJsonLengthAt, 8);
  return *length <= engine.size() - kJsonAt - kChecksumBytes;
}

/// The same engine with its JSON text replaced; length and checksum recomputed.
inline std::string withJson(const std::string& engine, uint64_t oldLength,
                            const std::string& text) {
  std::string out = engine.substr(0, kJsonLengthAt);
  uint64_t n = text.size();
  out.append(reinterpret_cast<const char*>(&n), 8);
  out += text;
  out.append(engine, kJsonAt + oldLength, engine.size() - kChecksumBytes - kJsonAt - oldLength);
  uint64_t h = checksum(out);
  out.append(reinterpret_cast<const char*>(&h), 8);
  return out;
}

/// Applies `edit` to the JSON of a well-formed engine (throws if it is not one).
inline std::string repack(const std::string& engine,
                          const std::function<void(nlohmann::json&)>& edit) {
  uint64_t length = 0;
  if (!jsonLength(engine, &length)) throw std::runtime_error("repack: not an engine container");
  nlohmann::json j = nlohmann::json::parse(engine.substr(kJsonAt, length));
  edit(j);
  return withJson(engine, length, j.dump());
}

}  // namespace enginefile
