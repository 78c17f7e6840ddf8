#!/usr/bin/env bash
# Installs the ONNX Runtime reference peer (onnxruntime-node, CPU only) into tools/ort/node_modules.
# Test/benchmark tool only: dlasim itself never depends on it. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "tools/ort/setup.sh: '$tool' not found; install Node.js and npm (Debian: apt-get install -y nodejs npm)" >&2
    exit 1
  fi
done
if [ -f node_modules/onnxruntime-node/package.json ] && node -e "require('onnxruntime-node')" >/dev/null 2>&1; then
  echo "tools/ort: onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version") already installed"
  exit 0
fi
# --ignore-scripts: skip onnxruntime-node's postinstall (it would try to download GPU binaries);
# the Linux x64 CPU library ships inside the package.
if [ -f package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
else
  npm install --ignore-scripts --no-audit --no-fund
fi
node -e "require('onnxruntime-node')" || { echo "tools/ort/setup.sh: onnxruntime-node installed but failed to load" >&2; exit 1; }
echo "tools/ort: onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version") ready"
