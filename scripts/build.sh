#!/usr/bin/env bash
# Configures and builds dlasim (Release) into ./build. Usage: scripts/build.sh [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build build -j "$(nproc)" ${1:+--target "$@"}
