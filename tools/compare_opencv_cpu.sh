#!/usr/bin/env bash
# Times xai_benchmark's CPU cases against several OpenCV builds in one interleaved session, so that
# drift of the machine's speed hits every build alike (docs/benchmark.md, "OpenCV 4.6 against 4.10").
# Usage: tools/compare_opencv_cpu.sh [ROUNDS] LABEL=BUILD_DIR...
#   e.g. tools/compare_opencv_cpu.sh 3 debian-4.6=build source-4.10=build-4.10
# Each BUILD_DIR is a cv::xai build (bin/xai_benchmark) against one OpenCV. Run it on an idle
# machine: flock /work/long.lock flock /work/cpu.lock tools/compare_opencv_cpu.sh ...
# Prints '#' lines (what runs, with which command) and one xai_benchmark line per case, prefixed
# with the label.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
if [[ ${1:-} =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
(($# >= 1)) || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
for spec in "$@"; do
  [[ $spec == *=* && -x ${spec#*=}/bin/xai_benchmark ]] || { echo "compare_opencv_cpu: '$spec' is not LABEL=BUILD_DIR with bin/xai_benchmark" >&2; exit 2; }
done
cases=("--model resnet18 --batch 32 --repeats 1"      # all 512 channels, 17 forwards of 32
       "--model shapes_resnet --batch 16 --repeats 5")  # the default model, 9 forwards of 16
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "$@"; do
  lib=$(ldd "${spec#*=}/bin/xai_benchmark" | awk '/libopencv_dnn/ {print $3}')
  echo "# ${spec%%=*}: ${spec#*=}, $lib"
done
for ((r = 1; r <= rounds; r++)); do
  for c in "${cases[@]}"; do
    for spec in "$@"; do
      echo "# round $r: ${spec%%=*}: xai_benchmark $c"
      # shellcheck disable=SC2086
      "${spec#*=}/bin/xai_benchmark" $c | sed "s/^/${spec%%=*} /"
    done
  done
done
echo "# done $(date -u +%Y-%m-%dT%H:%MZ)"
