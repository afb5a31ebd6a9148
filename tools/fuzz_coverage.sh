#!/usr/bin/env bash
# Line coverage of what the fuzz corpus reaches: builds the replay targets with clang's source
# coverage in ./build-fuzzcov, replays every input of the given corpus folders (default: the
# committed corpus, plus build-fuzz/corpus/<target> when a campaign left one), and prints
# llvm-cov's report for the files each target exercises.
# Usage: tools/fuzz_coverage.sh [TARGET...]      targets: image params cli
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
xai_install_missing "${XAI_PACKAGES[@]}" clang llvm
build=build-fuzzcov
targets=("$@")
((${#targets[@]})) || targets=(image params cli)

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS=-fprofile-instr-generate -fcoverage-mapping" >/dev/null
cmake --build "$build" --target "${targets[@]/#/xai_fuzz_replay_}"
export OPENCV_IO_MAX_IMAGE_PIXELS=4194304 XAI_FUZZ_SKIP_KNOWN=1 OPENCV_FOR_THREADS_NUM=1
for t in "${targets[@]}"; do
  dirs=("tests/fuzz/corpus/$t")
  [[ -d build-fuzz/corpus/$t ]] && dirs+=("build-fuzz/corpus/$t")
  rm -f "$build/$t".prof*
  LLVM_PROFILE_FILE="$build/$t.profraw" "$build/bin/xai_fuzz_replay_$t" "${dirs[@]}" 2>/dev/null
  llvm-profdata merge -o "$build/$t.profdata" "$build/$t.profraw"
  case $t in
    cli) files=(samples/common samples/xai_explain/options.cpp samples/xai_evaluate/options.cpp) ;;
    *) files=(modules/xai/src) ;;
  esac
  echo "== $t: ${dirs[*]} ($(find "${dirs[@]}" -type f | wc -l) inputs)"
  llvm-cov report "$build/bin/xai_fuzz_replay_$t" -instr-profile="$build/$t.profdata" \
    -object "$build/lib/libopencv_xai.so" "${files[@]}" | sed -n "1p;$p"
done
