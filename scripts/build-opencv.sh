#!/usr/bin/env bash
# Builds a minimal OpenCV (core, imgproc, imgcodecs, dnn, contrib plot; with --cuda also contrib cudev
# and the dnn CUDA backend) from Debian's own source package and installs it into PREFIX, for
# building cv::xai against a current OpenCV and for running it on a GPU.
#
# Usage: scripts/build-opencv.sh [--cuda] [--version 4.10|4.6] [--work DIR] [--jobs N] [--configure-only] PREFIX
#   --version 4.10  Debian 13 (trixie) opencv 4.10.0+dfsg-5 (default)
#   --version 4.6   Debian 12 (bookworm) opencv 4.6.0+dfsg-12 (CPU only: 4.6 does not build with CUDA 13)
#   --cuda          add the CUDA DNN backend: -DWITH_CUDA=ON -DWITH_CUDNN=ON -DOPENCV_DNN_CUDA=ON
#                   -DCUDA_ARCH_BIN=$CUDA_ARCH_BIN (default 9.0, the H200; CUDA 13 needs >= 7.5)
#   --work DIR      downloads, patched sources and the build tree (default: $XAI_OPENCV_WORK, else
#                   ./build-opencv in this repository, which git ignores)
#   --jobs N        parallel build jobs (default: all cores)
#   --configure-only  stop after configuring (prints where the log is)
# Environment: CUDA_ARCH_BIN, CUDA_HOME (default /usr/local/cuda), EXTRA_CMAKE_ARGS (appended).
#
# The source comes from a private apt configuration (a deb-src line in DIR/apt-<suite>; the system's
# apt sources are not touched). `apt-get source` downloads the tarballs and then fails on the .dsc
# (404), so the orig tarballs are checked against the sha256 that `apt-cache showsrc` lists and
# unpacked with tar. The project's patches (scripts/opencv-patches/<version>/*.patch, each starting
# with a line that says why) are applied with `patch -p1` in the OpenCV tree. Only system libraries
# are used and nothing is downloaded at configure time. Re-running reuses the unpacked tree and the
# build tree (incremental; ccache is used when installed).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '6,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "build-opencv: $*" >&2; exit 2; }

cuda=0 configure_only=0 version=4.10 work=${XAI_OPENCV_WORK:-$here/build-opencv} jobs=$(nproc) prefix=
while (($#)); do
  case $1 in
    --cuda) cuda=1 ;;
    --configure-only) configure_only=1 ;;
    --version) [[ $# -ge 2 ]] || die "--version needs 4.10 or 4.6"; version=$2; shift ;;
    --work) [[ $# -ge 2 ]] || die "--work needs a directory"; work=$2; shift ;;
    --jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"; jobs=$2; shift ;;
    -h|--help) usage ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z $prefix ]] || die "one PREFIX only (got '$prefix' and '$1')"; prefix=$1 ;;
  esac
  shift
done
[[ -n $prefix ]] || { echo "build-opencv: PREFIX is missing" >&2; usage; }
case $version in
  4.10) suite=trixie debver=4.10.0+dfsg-5 upver=4.10.0 ;;
  4.6) suite=bookworm debver=4.6.0+dfsg-12 upver=4.6.0 ;;
  *) die "unknown --version '$version' (expected 4.10 or 4.6)" ;;
esac
if ((cuda)) && [[ $version == 4.6 ]]; then
  die "OpenCV 4.6 does not build with CUDA 13 / cuDNN 9 (removed texture references, cuDNN RNN API); use --version 4.10"
fi
cuda_home=${CUDA_HOME:-/usr/local/cuda}
arch_bin=${CUDA_ARCH_BIN:-9.0}
if ((cuda)); then
  [[ -x $cuda_home/bin/nvcc ]] || die "--cuda: no nvcc in $cuda_home/bin (set CUDA_HOME)"
  cuda_major=$("$cuda_home/bin/nvcc" --version | sed -n 's/.*release \([0-9]*\)\..*/\1/p')
  for a in ${arch_bin//[,;]/ }; do
    [[ $a =~ ^([0-9]+)\.([0-9])$ ]] || die "CUDA_ARCH_BIN entry '$a' is not like 9.0"
    if ((cuda_major >= 13 && ${BASH_REMATCH[1]}${BASH_REMATCH[2]} < 75)); then
      die "CUDA $cuda_major supports compute capability 7.5 and above; CUDA_ARCH_BIN has '$a'"
    fi
  done
fi
mkdir -p "$prefix" "$work"
prefix=$(cd "$prefix" && pwd) work=$(cd "$work" && pwd)
patches=()
if [[ -d $here/scripts/opencv-patches/$version ]]; then
  # they touch CUDA-only code: one patched tree serves the CPU and the CUDA build
  mapfile -t patches < <(find "$here/scripts/opencv-patches/$version" -name '*.patch' | sort)
fi

t_start=$(date +%s)
step() { echo "build-opencv: $* [$(date +%T)]" >&2; }
elapsed() { local s=$(($(date +%s) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

# ---- packages: say which are missing (scripts/setup.sh installs the project's own) ----
need=(build-essential cmake ninja-build xz-utils libprotobuf-dev protobuf-compiler zlib1g-dev libpng-dev libjpeg-dev libtiff-dev)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) || die "missing Debian packages: ${missing[*]} (apt-get install --no-install-recommends ${missing[*]})"

# ---- source: Debian's tarballs, checked against the Sources index ----
dl=$work/downloads
orig=$dl/opencv_${debver%-*}.orig.tar.xz
orig_contrib=$dl/opencv_${debver%-*}.orig-contrib.tar.xz
sums=$dl/opencv_$debver.sha256
mkdir -p "$dl"
if ! [[ -s $sums ]] || ! (cd "$dl" && sha256sum --quiet -c "$sums" >/dev/null 2>&1); then
  step "downloading Debian's opencv $debver source ($suite)"
  apt_dir=$work/apt-$suite
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
    > "$apt_dir/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")
  apt-get "${apt_opts[@]}" -qq update
  # sha256 of the two orig tarballs as the Sources index lists them
  apt-cache "${apt_opts[@]}" showsrc opencv |
    awk -v v="$debver" '/^Version:/ {ok = ($2 == v)} /^Checksums-Sha256:/ {s = ok; next} /^[^ ]/ {s = 0}
                        s && $3 ~ /\.orig(-contrib)?\.tar\.xz$/ {print $1 "  " $3}' | sort -u > "$sums.new"
  [[ $(wc -l < "$sums.new") -eq 2 ]] || die "apt-cache showsrc opencv=$debver did not list the two orig tarballs"
  mv "$sums.new" "$sums"
  # apt-get source fetches the tarballs, then fails with a 404 on the .dsc: its exit code is not
  # the verdict, the checksums are.
  (cd "$dl" && apt-get "${apt_opts[@]}" source --download-only "opencv=$debver" >&2) ||
    echo "build-opencv: apt-get source exited non-zero (known: the .dsc is a 404); checking the tarballs" >&2
  (cd "$dl" && sha256sum -c "$sums" >&2) || die "the downloaded tarballs do not match the Sources index"
fi

# ---- unpack and patch: again only when the tarballs changed or an applied patch changed; patches
# added after the last run are applied on top (so a new patch does not rebuild everything) ----
src=$work/src-$version
applied=$src/.applied
want=$(cat "$sums"; for p in "${patches[@]}"; do echo "$(sha256sum < "$p" | cut -c1-64) $(basename "$p")"; done)
have=$(cat "$applied" 2>/dev/null || true)
if [[ -z $have || $want != "$have"* ]]; then
  step "unpacking into $src"
  rm -rf "$src"
  mkdir -p "$src"
  tar -C "$src" -xJf "$orig"
  tar -C "$src" -xJf "$orig_contrib"
  cat "$sums" > "$applied"
  have=$(cat "$applied")
fi
for p in "${patches[@]}"; do
  line="$(sha256sum < "$p" | cut -c1-64) $(basename "$p")"
  grep -qxF "$line" "$applied" && continue
  step "patch $(basename "$p"): $(head -n1 "$p")"
  patch -d "$src/opencv-$upver" -p1 --batch --forward --quiet < "$p"
  echo "$line" >> "$applied"
done
ocv=$src/opencv-$upver
contrib=$src/opencv_contrib-$upver/modules

# ---- configure ----
build=$work/build-$version
if ((cuda)); then build+=-cuda; fi
modules=core,imgproc,imgcodecs,dnn,plot
extra="$contrib/plot"
args=(-G Ninja -S "$ocv" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix"
  -DBUILD_SHARED_LIBS=ON -DBUILD_TESTS=OFF -DBUILD_PERF_TESTS=OFF -DBUILD_EXAMPLES=OFF
  -DBUILD_opencv_apps=OFF -DBUILD_DOCS=OFF -DBUILD_JAVA=OFF -DBUILD_opencv_python2=OFF
  -DBUILD_opencv_python3=OFF -DINSTALL_C_EXAMPLES=OFF -DINSTALL_PYTHON_EXAMPLES=OFF
  -DOPENCV_DOWNLOAD_TRIES_LIST= -DOPENCV_GENERATE_PKGCONFIG=ON
  -DWITH_PROTOBUF=ON -DBUILD_PROTOBUF=OFF -DPROTOBUF_UPDATE_FILES=ON
  -DBUILD_ZLIB=OFF -DBUILD_PNG=OFF -DBUILD_JPEG=OFF -DBUILD_TIFF=OFF -DBUILD_WEBP=OFF
  -DBUILD_OPENJPEG=OFF -DBUILD_OPENEXR=OFF -DBUILD_JASPER=OFF
  -DWITH_QUIRC=OFF -DWITH_FLATBUFFERS=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_ADE=OFF
  -DWITH_CAROTENE=OFF -DWITH_OPENCL=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_LAPACK=OFF
  -DWITH_EIGEN=OFF -DWITH_TBB=OFF -DWITH_OPENMP=OFF -DWITH_VTK=OFF -DWITH_GTK=OFF -DWITH_QT=OFF
  -DWITH_FFMPEG=OFF -DWITH_GSTREAMER=OFF -DWITH_V4L=OFF -DWITH_1394=OFF -DWITH_TIFF=ON
  -DWITH_WEBP=OFF -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF -DWITH_AVIF=OFF
  -DWITH_GDAL=OFF -DWITH_GDCM=OFF -DWITH_GPHOTO2=OFF -DWITH_OPENVINO=OFF -DWITH_VULKAN=OFF)
if command -v ccache >/dev/null; then args+=(-DENABLE_CCACHE=ON); else args+=(-DENABLE_CCACHE=OFF); fi
if ((cuda)); then
  modules+=,cudev
  extra+=";$contrib/cudev"
  args+=(-DWITH_CUDA=ON -DWITH_CUDNN=ON -DWITH_CUBLAS=ON -DOPENCV_DNN_CUDA=ON
    -DCUDA_TOOLKIT_ROOT_DIR="$cuda_home" -DCUDA_ARCH_BIN="$arch_bin" -DCUDA_ARCH_PTX=
    -DWITH_CUFFT=OFF -DWITH_NVCUVID=OFF -DWITH_NVCUVENC=OFF)
else
  args+=(-DWITH_CUDA=OFF)
fi
args+=(-DBUILD_LIST="$modules" -DOPENCV_EXTRA_MODULES_PATH="$extra")
# shellcheck disable=SC2206
args+=(${EXTRA_CMAKE_ARGS:-})

step "configuring OpenCV $upver$( ((cuda)) && echo " with CUDA (CUDA_ARCH_BIN=$arch_bin)") in $build"
t=$(date +%s)
cmake "${args[@]}" > "$build.configure.log" 2>&1 || { tail -n 40 "$build.configure.log" >&2; die "configure failed (log: $build.configure.log)"; }
grep -qE 'To be built:.*\bdnn\b' "$build.configure.log" || { grep -A3 'OpenCV modules:' "$build.configure.log" >&2; die "dnn is not going to be built (log: $build.configure.log)"; }
if ((cuda)); then
  grep -q 'cuDNN:.*YES' "$build.configure.log" || die "cuDNN was not found (log: $build.configure.log)"
fi
step "configure took $(elapsed "$t") (log: $build.configure.log)"
((configure_only)) && exit 0

# ---- build and install ----
t=$(date +%s)
cmake --build "$build" -j "$jobs"
step "build took $(elapsed "$t")"
cmake --install "$build" > "$build.install.log"
mkdir -p "$prefix/share/opencv4"
{
  echo "OpenCV $upver from Debian's opencv $debver ($suite), built by cv::xai's scripts/build-opencv.sh"
  echo "cuda: $( ((cuda)) && echo "yes, CUDA_ARCH_BIN=$arch_bin" || echo no)"
  echo "patches: ${patches[*]##*/}"
  echo "modules: $modules"
} > "$prefix/share/opencv4/xai-build-info.txt"
step "installed into $prefix; total $(elapsed "$t_start")"
