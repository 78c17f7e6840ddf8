// Builds ModelGN for DLA core 0 in INT8 with GPU fallback, runs it in two execution contexts of
// the engine on two threads, and checks what a user of the installed library would rely on.
// Prints "consumer: OK ..." and exits 0 on success.
#include <dlasim/dlasim.h>

#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  try {
    dlasim::LoadOptions load;
    load.shapes["input"] = {32, 3, 32, 32};
    dlasim::Model model = dlasim::Model::load(argv[1], load);
    dlasim::BuildConfig config;
    config.int8 = true;
    config.dlaCore = 0;
    config.allowGpuFallback = true;
    const dlasim::Engine engine = model.build(config);
    dlasim::TensorMap in;
    in["input"] = dlasim::randomTensor(model.info().inputs[0], 1);
    // One context per thread; both take their dynamic INT8 scales from the same inputs.
    dlasim::ExecutionContext first = engine.createExecutionContext();
    dlasim::ExecutionContext second = engine.createExecutionContext();
    dlasim::TensorMap out, again;
    std::thread other([&] { again = second.run(in); });
    out = first.run(in);
    other.join();
    dlasim::TensorMap ref = model.run(in);
    dlasim::CompareOptions loose;
    loose.rtol = loose.atol = 1.0;
    dlasim::CompareOptions exact;
    exact.rtol = exact.atol = 0;
    bool ok = engine.loadables().size() == 5 && out.at("output").shape() == dlasim::Shape{32, 10} &&
              dlasim::compare(ref, out, loose).passed && dlasim::compare(out, again, exact).passed;
    std::cout << "consumer: " << (ok ? "OK" : "WRONG") << " " << engine.loadables().size()
              << " loadables, output " << dlasim::shapeString(out.at("output").shape())
              << ", dlasim " << dlasim::version() << "\n";
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 1;
  }
}
