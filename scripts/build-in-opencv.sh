#!/usr/bin/env bash
# Builds cv::xai inside an OpenCV source tree (as opencv_contrib modules are built), with its C++
# tests, perf tests and Python bindings, using only Debian 12 packages.
# Usage: scripts/build-in-opencv.sh OPENCV_SOURCE_DIR BUILD_DIR
#   Debian's source: add a deb-src line for bookworm, then `apt-get source opencv`.
# Then: OPENCV_XAI_DATA_PATH=samples/data BUILD_DIR/bin/opencv_test_xai
#       PYTHONPATH=BUILD_DIR/lib/python3:OPENCV_SOURCE_DIR/modules/python/test \
#         OPENCV_XAI_DATA_PATH=samples/data /usr/bin/python3 modules/xai/misc/python/test/test_xai.py
set -euo pipefail
src=${1:?OpenCV source directory}
build=${2:?build directory}
here=$(cd "$(dirname "$0")/.." && pwd)
# Paths under the repository become relative for ccache, so a clone in another folder (CI) reuses
# the OpenCV objects an earlier build compiled.
export CCACHE_BASEDIR="$here"
cmake -G Ninja -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DOPENCV_EXTRA_MODULES_PATH="$here/modules" \
  -DBUILD_LIST=core,imgproc,imgcodecs,dnn,ts,python3,xai -DPYTHON3_EXECUTABLE=/usr/bin/python3 \
  -DWITH_QUIRC=OFF -DBUILD_PROTOBUF=OFF -DPROTOBUF_UPDATE_FILES=ON -DBUILD_ZLIB=OFF -DBUILD_PNG=OFF \
  -DBUILD_JPEG=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_ADE=OFF -DWITH_CAROTENE=OFF -DWITH_OPENCL=OFF \
  -DOPENCV_DOWNLOAD_TRIES_LIST= -DBUILD_TESTS=ON -DBUILD_PERF_TESTS=ON -DBUILD_EXAMPLES=OFF \
  -DBUILD_opencv_apps=OFF -DWITH_GTK=OFF -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF \
  -DWITH_TIFF=OFF -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF \
  -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF -DENABLE_CCACHE=ON
cmake --build "$build" --target opencv_test_xai opencv_perf_xai opencv_python3
