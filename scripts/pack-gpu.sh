#!/usr/bin/env bash
# Packs what a GPU run of cv::xai needs into one archive for scripts/gpu-check.sh: the module tests
# (opencv_test_xai) and xai_benchmark built against an OpenCV with the CUDA DNN backend,
# libopencv_xai, the OpenCV libraries and every other shared library they load (glibc, libstdc++,
# protobuf, boost, ... so that the machine's own versions do not matter), stripped, and the
# project's models and images. The CUDA runtime is linked statically by OpenCV; cuBLAS, cuDNN and
# the driver are NOT packed: the GPU machine has them (gpu-check.sh finds them).
#
# Usage: scripts/pack-gpu.sh [--build DIR] OUT.tar.xz
#   --build DIR  a cv::xai build against the CUDA OpenCV (default: build-4.10), made with e.g.
#                cmake -S . -B build-4.10 -G Ninja -DOpenCV_DIR=/work/opencv-4.10-cuda/lib/cmake/opencv4
#                cmake --build build-4.10 --target opencv_test_xai xai_benchmark
# The archive must stay within 60 MiB (the device tool carries 64 MiB in all); the script fails
# otherwise. Put it under .gpu/ (git-ignored) to carry it to the GPU machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "pack-gpu: $*" >&2; exit 2; }

build=$here/build-4.10 out=
while (($#)); do
  case $1 in
    --build) [[ $# -ge 2 ]] || die "--build needs a directory"; build=$2; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z $out ]] || die "one OUT.tar.xz only"; out=$1 ;;
  esac
  shift
done
[[ -n $out ]] || die "OUT.tar.xz is missing (see --help)"
[[ $out == *.tar.xz ]] || die "OUT must end in .tar.xz, not '$out'"
for f in bin/opencv_test_xai bin/xai_benchmark; do
  [[ -x $build/$f ]] || die "$build/$f is missing: build the targets opencv_test_xai and xai_benchmark there"
done
opencv_dir=$(sed -n 's/^OpenCV_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")
readelf -d "$build/bin/opencv_test_xai" >/dev/null || die "readelf (binutils) is needed"
if ! ldd "$build/bin/opencv_test_xai" | grep 'libcudnn' >/dev/null; then  # not -q: ldd killed by SIGPIPE fails the pipeline (pipefail)
  echo "pack-gpu: warning: $build links an OpenCV without cuDNN ($opencv_dir): the CUDA tests will skip" >&2
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
kit=$stage/xai-gpu-kit
mkdir -p "$kit/bin" "$kit/lib" "$kit/glibc" "$kit/data/samples" "$kit/data/tests/data" "$kit/data/modules/xai"

# ---- programs, and every library they load except the GPU machine's CUDA libraries ----
cp "$build/bin/opencv_test_xai" "$build/bin/xai_benchmark" "$kit/bin/"
if ldd "$kit/bin/opencv_test_xai" "$kit/bin/xai_benchmark" | grep 'not found'; then
  die "libraries not found (above): is LD_LIBRARY_PATH needed for this build?"
fi
glibc_re='^(ld-linux-x86-64\.so\.2|libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|libutil\.so\.1)$'
cuda_re='^(libcuda\.so|libcudart|libcublas|libcudnn|libnvrtc|libcufft|libcurand|libcusparse|libnvJitLink)'
ldd "$kit/bin/opencv_test_xai" "$kit/bin/xai_benchmark" | awk '/=>/ && $3 ~ /^\// {print $1, $3} /^\t\/.*ld-linux/ {print "ld-linux-x86-64.so.2", $1}' |
  sort -u | while read -r name path; do
    if [[ $name =~ $cuda_re ]]; then continue; fi
    if [[ $name =~ $glibc_re ]]; then cp -L "$path" "$kit/glibc/$name"; else cp -L "$path" "$kit/lib/$name"; fi
  done
# cuDNN loads libz at run time
[[ -f $kit/lib/libz.so.1 ]] || cp -L /lib/x86_64-linux-gnu/libz.so.1 "$kit/lib/"
chmod u+w "$kit"/bin/* "$kit"/lib/*
strip --strip-unneeded "$kit"/bin/* "$kit"/lib/*

# ---- data: samples/data, the test models and the module's test nets, in the repository's layout ----
cp -r "$here/samples/data" "$kit/data/samples/"
cp "$here/tests/data/models.yml" "$here"/tests/data/*.onnx "$kit/data/tests/data/"
cp -r "$here/modules/xai/testdata" "$kit/data/modules/xai/"

{
  echo "cv::xai GPU kit"
  echo "commit: $(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet HEAD -- modules samples || echo ' (with uncommitted changes)')"
  echo "built: $(date -u +%Y-%m-%dT%H:%MZ) on $(uname -m), glibc $(getconf GNU_LIBC_VERSION | awk '{print $2}')"
  echo "opencv: $opencv_dir"
  cat "$opencv_dir/../../../share/opencv4/xai-build-info.txt" 2>/dev/null || true
  echo "glibc_version: $(getconf GNU_LIBC_VERSION | awk '{print $2}')"
  echo "needs from the GPU machine: $(ldd "$build/bin/opencv_test_xai" | awk -v re="$cuda_re" '$1 ~ re {printf "%s ", $1}')libcuda.so.1"
} > "$kit/MANIFEST.txt"

mkdir -p "$(dirname "$out")"
XZ_OPT=-9 tar -C "$stage" -cJf "$out" xai-gpu-kit
size=$(stat -c %s "$out")
limit=$((60 * 1024 * 1024))
echo "pack-gpu: $out: $((size / 1024)) KiB ($(du -sk "$kit" | cut -f1) KiB unpacked); $(sed -n 's/^needs/needs/p' "$kit/MANIFEST.txt")" >&2
((size <= limit)) || die "$out is $((size / 1024 / 1024)) MiB, over the 60 MiB limit"
