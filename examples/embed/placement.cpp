// How to embed dlasim: build a model for DLA core 0 of AGX Orin in INT8 with GPU fallback and
// print where each layer runs and why. Uses only the public API (include/dlasim/).
//
//   embed_placement model.onnx [input:1x3x224x224]
#include <dlasim/dlasim.h>

#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " model.onnx [input:NxCxHxW]\n";
    return 2;
  }
  try {
    dlasim::LoadOptions load;
    if (argc > 2) {  // one input shape, "name:1x3x224x224"
      std::string spec = argv[2];
      std::string name = spec.substr(0, spec.rfind(':'));
      std::istringstream dims(spec.substr(spec.rfind(':') + 1));
      dlasim::Shape shape;
      for (std::string d; std::getline(dims, d, 'x');) shape.push_back(std::stoll(d));
      load.shapes[name] = shape;
    }
    dlasim::Model model = dlasim::Model::load(argv[1], load);
    dlasim::BuildConfig config;
    config.platform = "orin-agx";
    config.int8 = true;
    config.fp16 = true;
    config.dlaCore = 0;
    config.allowGpuFallback = true;
    const dlasim::Engine engine = model.build(config);

    std::cout << model.info().layers << " layers, " << engine.loadables().size()
              << " DLA loadables\n";
    for (const auto& l : engine.loadables()) std::cout << "  DLA " << l.name << "\n";
    for (const auto& l : engine.layers()) {
      std::cout << "  " << dlasim::deviceName(l.device) << " " << dlasim::precisionName(l.precision)
                << " " << l.type << ": " << l.name << "\n";
      for (const auto& r : l.reasons)
        std::cout << "      " << r.rule << ": " << r.message
                  << (r.fix.empty() ? "" : " (fix: " + r.fix + ")") << "\n";
    }
    std::cout << "MACs on DLA: " << engine.dlaMacs() << " of " << engine.totalMacs() << "\n";
  } catch (const dlasim::VerdictError& e) {
    std::cerr << "build failed: " << e.what() << "\n";
    return 1;
  } catch (const dlasim::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
