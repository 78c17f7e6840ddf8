#!/usr/bin/env bash
# Sets up, builds, and runs the seed's trtexec command on the bundled ModelGN example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
mkdir -p out
./build/dlasim --onnx=build/examples/model_gn.onnx --shapes=input:32x3x32x32 \
  --saveEngine=out/model_gn.engine --exportProfile=out/model_gn.json --int8 --useDLACore=0 \
  --allowGPUFallback --useSpinWait --separateProfileRun --exportOutput=out/model_gn.output.json
