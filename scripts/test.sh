#!/usr/bin/env bash
# Sets up (Debian packages, ONNX Runtime as a test-only peer), builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash tools/ort/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)"
