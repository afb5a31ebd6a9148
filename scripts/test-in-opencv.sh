#!/usr/bin/env bash
# The in-tree check: builds cv::xai inside Debian 12's OpenCV 4.6 source, as an opencv_contrib
# module is built (scripts/build-in-opencv.sh), and runs what OpenCV's own CI would run for it:
# opencv_test_xai, a short opencv_perf_xai run and the Python cv2.xai test.
# Usage: scripts/test-in-opencv.sh [WORK_DIR]     (default ./build-opencv: source/ and build/)
# About 16 minutes on 2 cores from a cold ccache (docs/testing.md); seconds to rebuild with a warm one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
xai_install_missing "${XAI_PACKAGES[@]}" python3-dev python3-numpy libprotobuf-dev protobuf-compiler \
  zlib1g-dev libpng-dev libjpeg-dev ccache xz-utils
work=$(mkdir -p "${1:-build-opencv}" && cd "${1:-build-opencv}" && pwd)
src=$(scripts/get-opencv-source.sh "$work/source")
build="$work/build"
scripts/build-in-opencv.sh "$src" "$build"

export OPENCV_XAI_DATA_PATH="$PWD/samples/data"
echo "test-in-opencv: opencv_test_xai" >&2
"$build/bin/opencv_test_xai"
echo "test-in-opencv: opencv_perf_xai (one sample per case: that it runs, not how fast)" >&2
"$build/bin/opencv_perf_xai" --perf_min_samples=1 --perf_force_samples=1
echo "test-in-opencv: Python cv2.xai" >&2
export PYTHONPATH="$build/lib/python3:$src/modules/python/test"
# Debian's python3-opencv would shadow the build's cv2: make sure the test imports the build's.
/usr/bin/python3 -c "import cv2, sys; sys.exit(0 if cv2.__file__.startswith('$build/') else
                     'cv2 comes from ' + cv2.__file__ + ', not from $build')"
/usr/bin/python3 modules/xai/misc/python/test/test_xai.py
