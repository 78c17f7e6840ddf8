#include "sim/cli/run.h"

int main(int argc, char** argv) {
  return sim::cli::dlasimMain(argc, argv, std::cout, std::cerr);
}
