// Builds ModelGN for DLA core 0 in INT8 with GPU fallback, runs it, and checks what a user of
// the installed library would rely on. Prints "consumer: OK ..." and exits 0 on success.
#include <dlasim/dlasim.h>

#include <iostream>

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
    dlasim::Plan plan = model.build(config);
    dlasim::TensorMap in;
    in["input"] = dlasim::randomTensor(model.info().inputs[0], 1);
    dlasim::TensorMap out = plan.run(in), ref = model.run(in);
    dlasim::CompareOptions loose;
    loose.rtol = loose.atol = 1.0;
    bool ok = plan.loadables().size() == 5 && out.at("output").shape() == dlasim::Shape{32, 10} &&
              dlasim::compare(ref, out, loose).passed;
    std::cout << "consumer: " << (ok ? "OK" : "WRONG") << " " << plan.loadables().size()
              << " loadables, output " << dlasim::shapeString(out.at("output").shape())
              << ", dlasim " << dlasim::version() << "\n";
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 1;
  }
}
