// dlasim::ExecutionContext: emulated runs of an Engine, one context per thread; and Plan, an
// engine with one context of its own behind a mutex.
#include <mutex>
#include <optional>

#include "api/impl.h"
#include "builder/bindings.h"
#include "builder/calibration.h"
#include "dlasim/plan.h"

namespace dlasim {

using sim::fail;

void ContextState::prepareScales(const TensorMap& inputs) {
  if (scalesReady) return;
  // No calibration cache (trtexec's "Calibration: Dynamic"): MinMax scales from this run's
  // inputs for the tensors that have none, in this context's copy of the graph (its constants
  // share the engine's buffers), so that other contexts and the engine see no change.
  if (engine->needsRunScales()) {
    scaled = engine->graph;
    builder::applyCalibration(scaled, builder::minMaxCalibration(scaled, inputs), true);
    ownGraph = true;
  }
  scalesReady = true;
}

sim::Executor& ContextState::executor() {
  if (!exec) {
    if (engine->weightsReleased) fail("the engine's host weights were released; rebuild it");
    exec = std::make_unique<sim::Executor>(graph());
    exec->setNumerics(engine->numerics());
    exec->prepare();
  }
  // Released on the first run after releaseHostWeights(), by a context with prepared kernels.
  if (engine->releaseWeights && !engine->weightsReleased.exchange(true)) {
    // The prepared kernels hold their own (reordered) copy of these constants: free the
    // engine's (and this context's) so that one copy stays in memory.
    for (sim::TensorId t : exec->constantsHeldByPlans()) {
      engine->graph.tensors[t].value = Tensor();
      if (ownGraph) scaled.tensors[t].value = Tensor();
    }
  }
  return *exec;
}

ExecutionContext Engine::createExecutionContext() const {
  if (impl_->weightsReleased)
    fail("the engine's host weights were released; it cannot make another execution context");
  auto state = std::make_unique<ExecutionContext::State>();
  state->engine = impl_;
  return ExecutionContext(*this, std::move(state));
}

ExecutionContext::ExecutionContext(Engine engine, std::unique_ptr<State> state)
    : engine_(std::move(engine)), state_(std::move(state)) {}
ExecutionContext::ExecutionContext(ExecutionContext&&) noexcept = default;
ExecutionContext& ExecutionContext::operator=(ExecutionContext&&) noexcept = default;
ExecutionContext::~ExecutionContext() = default;

const Engine& ExecutionContext::engine() const {
  return engine_;
}

TensorMap ExecutionContext::run(const TensorMap& inputs) {
  State& s = *state_;
  s.prepareScales(inputs);
  sim::Executor& exec = s.executor();
  return namedOutputs(s.graph(), exec.run(inputs));
}

TensorMap ExecutionContext::runReference(const TensorMap& inputs) {
  const State& s = *state_;
  if (s.engine->weightsReleased) fail("the engine's host weights were released; rebuild it");
  sim::Executor ref(s.graph(), /*reference=*/true);
  return namedOutputs(s.graph(), ref.run(inputs));
}

std::vector<BindingInfo> ExecutionContext::bindings() const {
  return builder::bindingInfos(state_->graph(), state_->engine->build);
}

// Plan: one context, made on the first run, behind the mutex that serialises the plan's runs.
struct Plan::Runner {
  std::mutex mutex;
  std::optional<ExecutionContext> context;
};

Plan::Plan(Engine engine) : Engine(std::move(engine)), runner_(std::make_shared<Runner>()) {}

TensorMap Plan::run(const TensorMap& inputs) const {
  std::lock_guard<std::mutex> lock(runner_->mutex);
  if (!runner_->context) runner_->context.emplace(createExecutionContext());
  return runner_->context->run(inputs);
}

TensorMap Plan::runReference(const TensorMap& inputs) const {
  std::lock_guard<std::mutex> lock(runner_->mutex);
  if (runner_->context) return runner_->context->runReference(inputs);
  return createExecutionContext().runReference(inputs);
}

std::vector<BindingInfo> Plan::bindings() const {
  std::lock_guard<std::mutex> lock(runner_->mutex);
  return runner_->context ? runner_->context->bindings() : Engine::bindings();
}

Plan Plan::load(const std::string& path, int64_t maxMemoryBytes) {
  return Plan(Engine::load(path, maxMemoryBytes));
}

}  // namespace dlasim
