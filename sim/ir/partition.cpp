#include "sim/ir/partition.h"

namespace sim {

std::string foreignNodeName(const Graph& g, const Loadable& l) {
  const std::string& first = g.nodes[l.nodes.front()].firstName();
  const std::string& last = g.nodes[l.nodes.back()].lastName();
  if (first == last) return "{ForeignNode[" + first + "]}";
  return "{ForeignNode[" + first + "..." + last + "]}";
}

}  // namespace sim
