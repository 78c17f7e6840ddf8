#!/usr/bin/env bash
# Runs dlasim's libFuzzer targets (tests/fuzz/fuzz_*.cpp) for SECONDS each (default 60), built
# with clang, ASan and UBSan in ./build-fuzz. Usage: scripts/fuzz.sh [seconds] [target...]
#   targets: onnx engine calibration input_file ... (default: all of tests/fuzz/fuzz_*.cpp)
#   env: FUZZ_JOBS=N runs N processes per target (libFuzzer -fork); FUZZ_ARGS adds flags.
# Each target starts from its seed corpus (tests/fuzz/corpus/<t>) and the reproducers of past
# findings (tests/fuzz/repro/<t>); new inputs go to build-fuzz/fuzz-work/<t>, crashes and
# timeouts to build-fuzz/fuzz-findings/<t>/. Prints executions, time and coverage per target;
# exits 1 if anything was found. Add a finding to tests/fuzz/repro/<t>/ once fixed, so ctest
# replays it on every build.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
DLASIM_SETUP_FUZZ=1 bash scripts/setup.sh
# One OpenMP thread per fuzzing process (-fork gives the parallelism): idle OpenMP threads spin,
# which took two thirds of the CPU time of an onnx campaign.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDLASIM_FUZZ=ON -DDLASIM_BUILD_TESTS=OFF -DDLASIM_BUILD_BENCH=OFF -DDLASIM_BUILD_PYTHON=OFF
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in tests/fuzz/fuzz_*.cpp; do
    t=$(basename "$f" .cpp)
    targets+=("${t#fuzz_}")
  done
fi
cmake --build build-fuzz -j "${BUILD_JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"
summary=()
found=0
for t in "${targets[@]}"; do
  bin=build-fuzz/tests/fuzz/fuzz_$t
  work=build-fuzz/fuzz-work/$t
  findings=build-fuzz/fuzz-findings/$t
  log=build-fuzz/fuzz-$t.log
  mkdir -p "$work" "$findings"
  inputs=("$work" "tests/fuzz/corpus/$t")
  [ -d "tests/fuzz/repro/$t" ] && inputs+=("tests/fuzz/repro/$t")
  fork=()
  [ "${FUZZ_JOBS:-1}" -gt 1 ] && fork=(-fork="$FUZZ_JOBS" -ignore_crashes=1)
  echo "fuzz: $t for ${secs}s (log $log)"
  start=$(date +%s)
  # The first input folder receives new inputs; the committed corpora are only read.
  set +e
  "$bin" "${inputs[@]}" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${fork[@]}" ${FUZZ_ARGS:-} >"$log" 2>&1
  rc=$?
  set -e
  took=$(($(date +%s) - start))
  # One process prints stat:: lines at exit; -fork prints "#<total execs>: cov: ..." lines.
  execs=$( (grep -o 'stat::number_of_executed_units: [0-9]*' "$log" || true) |
    awk '{s+=$2} END {print s+0}')
  if [ "$execs" = 0 ]; then
    execs=$( (grep -oE '^#[0-9]+: cov' "$log" || true) | tail -1 | tr -dc '0-9')
  fi
  cov=$( (grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" || true) | tail -1)
  n=$(find "$findings" -type f | wc -l)
  [ "$rc" -ne 0 ] || [ "$n" -gt 0 ] && found=1
  summary+=("$(printf '%-12s %12s executions %7ss  %-24s findings: %s (exit %s)' "$t" "$execs" "$took" "$cov" "$n" "$rc")")
done
echo
printf '%s\n' "${summary[@]}"
exit $found
