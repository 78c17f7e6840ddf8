// Plan: an Engine with one ExecutionContext of its own, the API before the engine / execution
// context split (docs/api.md, "Migrating from Plan"). Deprecated: new code uses an Engine and
// one ExecutionContext per thread. Runs on one Plan are serialised by a mutex.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dlasim/engine.h"

namespace dlasim {

class Plan : public Engine {
 public:
  /// Wraps an engine; its context is made on the first run.
  Plan(Engine engine);  // NOLINT(google-explicit-constructor): `Plan p = model.build(c)` works
  /// ExecutionContext::run on the plan's own context.
  TensorMap run(const TensorMap& inputs) const;
  /// ExecutionContext::runReference.
  TensorMap runReference(const TensorMap& inputs) const;
  /// The bindings with the scales of the plan's runs (ExecutionContext::bindings()).
  std::vector<BindingInfo> bindings() const;
  /// Engine::load, as a Plan.
  static Plan load(const std::string& path, int64_t maxMemoryBytes = 0);

 private:
  struct Runner;
  std::shared_ptr<Runner> runner_;  // the mutex and the context, shared by copies
};

}  // namespace dlasim
