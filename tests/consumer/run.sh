#!/usr/bin/env bash
# Installs the build tree into a fresh prefix, builds tests/consumer against it with
# find_package(dlasim) and runs it on ModelGN.  Usage: run.sh BUILD_DIR SOURCE_DIR MODEL
set -euo pipefail
build=$1 src=$2 model=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/dlasim/dlasim.h"
test -x "$work/prefix/bin/dlasim"
cmake -S "$src/tests/consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer" "$model"
# The installed binary finds the installed library (RPATH $ORIGIN/../lib...).
"$work/prefix/bin/dlasim" --onnx="$model" --shapes=input:1x3x32x32 --skipInference | tail -n 1
