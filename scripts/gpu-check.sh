#!/usr/bin/env bash
# Runs cv::xai's GPU checks from the archive that scripts/pack-gpu.sh makes, on a machine with an
# NVIDIA GPU whose CUDA runtime, cuBLAS and cuDNN 9 may exist only as pip nvidia-* packages of its
# python3 (their lib folders under site-packages are found and put on the library path), in under
# 6 minutes:
#   (a) the module tests (opencv_test_xai): every CPU test, and the cross-target tests that compare
#       Score-CAM and Augmented Score-CAM maps on CUDA and CUDA_FP16 with the CPU (Pearson) and run
#       the batch fallback and large batches on CUDA;
#   (b) xai_benchmark on CUDA and CUDA_FP16: Score-CAM on the ResNet-18-sized net at batch 16, 32,
#       64 and 128, and 64-view Augmented Score-CAM on the three project models; one CPU line for
#       comparison when time is left.
#
# Usage: scripts/gpu-check.sh [--quick] ARCHIVE.tar.xz
#   --quick  only a few small benchmark cases (to try the kit on a machine without a GPU)
# Output: everything goes to $OUT when set, else ./gpu-check-out: gpu-check.log (all of it),
#   env.txt, tests.log, tests.xml, cross_target.txt (the measured correlations), benchmark.txt
#   (one line per case) and summary.txt.
# Environment: PYTHON (default python3) to find the pip CUDA libraries, XAI_CUDA_LIB_DIRS (extra
#   folders, colon-separated), XAI_KIT_LOADER=1 to run through the kit's own glibc loader even when
#   the machine's glibc is recent enough, XAI_GPU_CHECK_BUDGET (seconds, default 330).
# Exit status: 0 everything ran and passed on a GPU; 1 a test or a benchmark case failed; 2 bad
#   usage or a broken kit; 3 everything ran and passed but no CUDA device was usable (the CUDA
#   tests skipped and the benchmark ran on the CPU).
set -uo pipefail

quick=0 archive=
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "gpu-check: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) archive=$1 ;;
  esac
  shift
done
[[ -n $archive && -f $archive ]] || { echo "gpu-check: give the archive made by scripts/pack-gpu.sh (got '${archive}')" >&2; exit 2; }

t0=$(date +%s)
budget=${XAI_GPU_CHECK_BUDGET:-330}
out=${OUT:-$PWD/gpu-check-out}
mkdir -p "$out"
exec > >(tee -a "$out/gpu-check.log") 2>&1
elapsed() { echo $(($(date +%s) - t0)); }
say() { echo "gpu-check [$(elapsed)s]: $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xJf "$archive" || { say "cannot unpack $archive"; exit 2; }
kit=$work/xai-gpu-kit
[[ -x $kit/bin/opencv_test_xai && -x $kit/bin/xai_benchmark ]] || { say "$archive is not a kit from pack-gpu.sh"; exit 2; }
say "unpacked $(basename "$archive") ($(head -n2 "$kit/MANIFEST.txt" | tail -n1))"

# ---- the CUDA libraries: pip nvidia-* packages, the driver's libcuda, extra folders ----
libdirs=()
py=${PYTHON:-python3}
if command -v "$py" >/dev/null; then
  while IFS= read -r sp; do
    [[ -d $sp/nvidia ]] || continue
    while IFS= read -r d; do libdirs+=("$d"); done < <(find "$sp/nvidia" -name 'lib*.so*' -printf '%h\n' | sort -u)
  done < <("$py" -c 'import site, sys; print("\n".join(site.getsitepackages() + [site.getusersitepackages()] + sys.path))' 2>/dev/null | sort -u)
fi
IFS=: read -r -a extra <<< "${XAI_CUDA_LIB_DIRS:-}"
for d in "${extra[@]}"; do [[ -d $d ]] && libdirs+=("$d"); done
libcuda=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 .*x86-64/ {print $NF; exit}')
if [[ -z $libcuda ]]; then
  IFS=: read -r -a ld_dirs <<< "${LD_LIBRARY_PATH:-}"
  for d in "${ld_dirs[@]}" /usr/local/nvidia/lib64 /usr/lib64 /usr/lib/x86_64-linux-gnu /usr/lib/wsl/lib; do
    [[ -n $d && -e $d/libcuda.so.1 ]] && { libcuda=$d/libcuda.so.1; break; }
  done
fi
[[ -n $libcuda ]] && libdirs+=("$(dirname "$libcuda")")
cudapath=$(printf '%s:' "${libdirs[@]}")
cudapath=${cudapath%:}

# ---- how to start the programs: natively, or through the kit's glibc when the machine's is older ----
kit_glibc=$(sed -n 's/^glibc_version: //p' "$kit/MANIFEST.txt")
host_glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
loader=0
if [[ ${XAI_KIT_LOADER:-0} == 1 || -z $host_glibc ]] ||
   [[ $(printf '%s\n%s\n' "$host_glibc" "$kit_glibc" | sort -V | head -n1) != "$kit_glibc" ]]; then
  loader=1
fi
# kitrun SECONDS PROGRAM ARGS...: a kit program, killed after SECONDS
kitrun() {
  local limit=$1 prog=$kit/bin/$2
  shift 2
  if ((loader)); then
    timeout "$limit" "$kit/glibc/ld-linux-x86-64.so.2" --library-path "$kit/lib:$kit/glibc:$cudapath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$prog" "$@"
  else
    LD_LIBRARY_PATH="$kit/lib:$cudapath${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" timeout "$limit" "$prog" "$@"
  fi
}
export OPENCV_XAI_DATA_PATH=$kit/data/samples/data

{
  cat "$kit/MANIFEST.txt"
  echo "host: $(uname -srm), $(nproc) cores, glibc ${host_glibc:-unknown}; start: $( ((loader)) && echo "kit's glibc loader" || echo native)"
  echo "gpu: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo 'nvidia-smi not available')"
  echo "libcuda.so.1: ${libcuda:-not in the ldconfig cache}"
  echo "CUDA library folders: ${cudapath:-none found}"
  for l in libcudnn.so.9 libcublas.so.13 libcublasLt.so.13 libcudart.so.13 libnvrtc.so.13; do
    f=$(for d in "${libdirs[@]}"; do ls "$d/$l" 2>/dev/null; done | head -n1)
    echo "  $l: ${f:-not found}"
  done
} > "$out/env.txt"
cat "$out/env.txt"

# ---- (a) the module tests ----
say "(a) module tests"
kitrun "${XAI_TESTS_TIMEOUT:-200}" opencv_test_xai --gtest_output="xml:$out/tests.xml" > "$out/tests.log" 2>&1
tests_rc=$?
grep -F '[ MEASURE  ]' "$out/tests.log" > "$out/cross_target.txt"
grep -E '^\[  (PASSED|FAILED|SKIPPED) +\]|^\[==========\] [0-9]+ tests' "$out/tests.log" | head -n 20
gpu=1
if grep -q 'XAI_CUDA.score_cam_maps_match_cpu' "$out/tests.log" && grep -A2 '^\[ RUN      \] XAI_CUDA.score_cam' "$out/tests.log" | grep 'Skipped' >/dev/null; then
  gpu=0
  say "NO USABLE CUDA DEVICE: $(grep -A2 '^\[ RUN      \] XAI_CUDA.score_cam' "$out/tests.log" | sed -n 3p)"
fi
cat "$out/cross_target.txt"

# ---- (b) the benchmark ----
say "(b) xai_benchmark"
: > "$out/benchmark.txt"
bench_fail=0
bench() {
  local left=$((budget - $(elapsed)))
  if ((left < 20)); then
    say "skipped (time budget): xai_benchmark $*"
    echo "skipped: $*" >> "$out/benchmark.txt"
    return
  fi
  kitrun $((left - 10)) xai_benchmark "$@" > "$work/case.txt" 2> "$work/case.err"
  local rc=$?
  cat "$work/case.txt" >> "$out/benchmark.txt"
  cat "$work/case.txt"
  if ((rc != 0)); then
    bench_fail=1
    say "FAILED ($rc): xai_benchmark $* : $(tail -n3 "$work/case.err")"
    echo "failed: $*" >> "$out/benchmark.txt"
  fi
}
if ((quick)); then
  for target in cuda cuda-fp16; do
    bench --model shapes_resnet --target "$target" --batch 16 --repeats 1
    bench --model shapes_mobilenet --method augmented --augmentations 4 --target "$target" --repeats 1
  done
else
  for target in cuda cuda-fp16; do
    for batch in 16 32 64 128; do
      bench --model resnet18 --target "$target" --batch "$batch" --repeats 3
    done
  done
  for target in cuda cuda-fp16; do
    for model in shapes_resnet shapes_vgg shapes_mobilenet; do
      bench --model "$model" --method augmented --augmentations 64 --target "$target" --batch 128 --repeats 1
    done
  done
  bench --model resnet18 --target cpu --batch 16 --repeats 1
fi

# ---- summary ----
{
  echo "== cv::xai GPU check, $(date -u +%Y-%m-%dT%H:%MZ), $(elapsed) s"
  sed -n 's/^gpu: /gpu: /p' "$out/env.txt"
  echo "module tests: exit $tests_rc; $(grep -cE '^\[       OK \]' "$out/tests.log") passed," \
       "$(grep -cE '^\[  FAILED  \] [A-Za-z0-9_]+\.[A-Za-z0-9_]+ \(' "$out/tests.log") failed," \
       "$(grep -cE '^\[  SKIPPED \] [A-Za-z0-9_]+\.[A-Za-z0-9_]+ \(' "$out/tests.log") skipped"
  echo "cross-target (lowest Pearson against the CPU):"
  grep ' lowest ' "$out/cross_target.txt" | sed 's/^\[ MEASURE  \] /  /'
  grep 'batch fallback\|against batch 16' "$out/cross_target.txt" | sed 's/^\[ MEASURE  \] /  /'
  echo "benchmark (explain and limit in seconds, ratio = explain/limit, img/s = images forwarded per second):"
  awk '/^model=/ {
         delete v
         for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         printf "  %-17s %-9s %-9s views=%-3s batch=%-4s explain=%-8s limit=%-8s ratio=%-6s img/s=%s\n",
                v["model"], v["method"], v["target"], v["views"], v["batch"], v["explain_s"], v["limit_s"], v["ratio"], v["fwd_per_s"]
         if (v["model"] == "resnet18") t[v["target"] "/" v["batch"]] = v["explain_s"]
       }
       /^(skipped|failed):/ { print "  " $0 }
       END {
         for (b = 16; b <= 128; b *= 2)
           if (t["cuda/" b] > 0 && t["cuda-fp16/" b] > 0)
             printf "  resnet18 batch %d: CUDA_FP16 %.2fx as fast as CUDA\n", b, t["cuda/" b] / t["cuda-fp16/" b]
       }' "$out/benchmark.txt"
} > "$out/summary.txt"
cat "$out/summary.txt"

if ((tests_rc != 0 || bench_fail)); then exit 1; fi
if ((!gpu)); then exit 3; fi
exit 0
