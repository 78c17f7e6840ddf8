#include "cli/run.h"

int main(int argc, char** argv) {
  return dlasim::cli::dlasimMain(argc, argv, std::cout, std::cerr);
}
