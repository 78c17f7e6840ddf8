#include "sim/ir/graph.h"

namespace sim {

TensorId Graph::addTensor(std::string name, TensorDesc desc) {
  TensorId id = TensorId(tensors.size());
  byName_[name] = id;
  tensors.push_back(TensorInfo{std::move(name), std::move(desc), Tensor(), -1, {}});
  return id;
}

TensorId Graph::addConstant(std::string name, Tensor value) {
  TensorId id = addTensor(std::move(name), TensorDesc{value.dtype(), value.shape()});
  tensors[id].value = std::move(value);
  return id;
}

TensorId Graph::find(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? kNoTensor : it->second;
}

void Graph::rename(TensorId id, std::string name) {
  auto it = byName_.find(tensors[id].name);
  if (it != byName_.end() && it->second == id) byName_.erase(it);
  byName_[name] = id;
  tensors[id].name = std::move(name);
}

std::string Graph::uniqueName(const std::string& hint) const {
  if (!byName_.count(hint)) return hint;
  for (int i = 1;; ++i) {
    std::string n = hint + "_" + std::to_string(i);
    if (!byName_.count(n)) return n;
  }
}

size_t Graph::constantBytes() const {
  size_t total = 0;
  for (const auto& t : tensors)
    if (t.isConstant()) total += t.value.bytes();
  return total;
}

const char* opKindName(OpKind k) {
  switch (k) {
#define OP(Name, TrtType, AttrsT) \
  case OpKind::k##Name:   \
    return #Name;
#include "sim/ir/ops.def"
#undef OP
  }
  return "?";
}

const char* trtLayerType(OpKind k) {
  switch (k) {
#define OP(Name, TrtType, AttrsT) \
  case OpKind::k##Name:   \
    return TrtType;
#include "sim/ir/ops.def"
#undef OP
  }
  return "?";
}

}  // namespace sim
