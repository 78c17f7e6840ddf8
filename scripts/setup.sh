#!/usr/bin/env bash
# Installs what dlasim needs from Debian's packages; safe to run any number of times.
set -euo pipefail
PKGS=(cmake g++ ninja-build pkg-config libeigen3-dev libdnnl-dev libonnx-dev libprotobuf-dev
      protobuf-compiler libcli11-dev nlohmann-json3-dev libgtest-dev libbenchmark-dev
      python3-onnx python3-numpy)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js + npm run ONNX Runtime, the tests' reference peer. A machine may have them from
# outside Debian (then the Debian npm package would conflict): check the commands instead.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi
