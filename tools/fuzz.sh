#!/usr/bin/env bash
# Fuzzing campaigns: builds the libFuzzer targets of tests/fuzz with clang
# (-fsanitize=fuzzer,address,undefined, the library instrumented too) in ./build-fuzz and runs
# each for SECONDS, from the committed corpus (tests/fuzz/corpus/<target>, read only) into
# build-fuzz/corpus/<target>. Findings (crashes, sanitizer reports, hangs over 30 s, memory over
# 4 GB) are written to build-fuzz/findings/<target>/ and the campaign goes on (libFuzzer's fork
# mode); the log of each run is build-fuzz/fuzz_<target>.log.
# Usage: tools/fuzz.sh [SECONDS (default 600)] [TARGET...]      targets: image params cli
# Replay one finding: OPENCV_IO_MAX_IMAGE_PIXELS=4194304 build-fuzz/bin/xai_fuzz_<target> FILE
# (or, without clang, build/bin/xai_fuzz_replay_<target> FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
xai_install_missing "${XAI_PACKAGES[@]}" clang libclang-rt-14-dev
build=${XAI_FUZZ_BUILD:-build-fuzz}
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(image params cli)

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DXAI_SANITIZERS=address,undefined -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link -DXAI_BUILD_FUZZERS=ON >/dev/null
cmake --build "$build" --target "${targets[@]/#/xai_fuzz_}"

export OPENCV_IO_MAX_IMAGE_PIXELS=4194304   # see tests/fuzz/fuzz_image.cpp
export OPENCV_FOR_THREADS_NUM=1             # one core per campaign; parallel_for_ bodies run inline
export XAI_FUZZ_SKIP_KNOWN=1               # look for new findings (tests/fuzz/findings/README.md)
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/findings/$t"
  dict=()
  [[ -f tests/fuzz/$t.dict ]] && dict=("-dict=tests/fuzz/$t.dict")
  echo "fuzz: $t for ${seconds}s" >&2
  if ! "$build/bin/xai_fuzz_$t" "$build/corpus/$t" "tests/fuzz/corpus/$t" "${dict[@]}" \
      -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -max_len=4096 \
      -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -artifact_prefix="$build/findings/$t/" > "$build/fuzz_$t.log" 2>&1; then
    status=1
  fi
  tail -n 3 "$build/fuzz_$t.log" >&2
  if [[ -n $(ls -A "$build/findings/$t") ]]; then
    echo "fuzz: $t findings: $(ls "$build/findings/$t" | tr '\n' ' ')" >&2
    status=1
  fi
done
exit $status
