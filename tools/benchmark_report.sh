#!/usr/bin/env bash
# Regenerates the raw figures behind docs/benchmark.md, in docs/benchmark_raw.txt.
# Run on an otherwise idle machine, after scripts/setup.sh:   tools/benchmark_report.sh
# (about 30 minutes on 2 cores). Every line it prints is one xai_benchmark case; lines starting
# with '#' say what the next lines measure and with which command.
#   SECTIONS="fusion" OUT=docs/benchmark_fusion_raw.txt tools/benchmark_report.sh   # some sections only
# (sections: standard batch channels resnet18 memory threads torch fusion)
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bin/xai_benchmark
out=${OUT:-docs/benchmark_raw.txt}
[ -x "$bench" ] || { echo "benchmark_report: $bench is missing: run scripts/setup.sh first" >&2; exit 2; }
all_scenes=(tests/data/scenes/single/*.png)
scenes="${all_scenes[*]:0:10}"
two_scenes="${all_scenes[*]:0:2}"

sections=${SECTIONS:-standard batch channels resnet18 memory threads torch fusion}
want() { [[ " $sections " == *" $1 "* ]]; }

run() {  # prints the command, then its result lines
    echo "# $ ${bench#build/bin/} $*"
    "$bench" "$@"
}

start=$(date +%s)
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), OpenCV $(pkg-config --modversion opencv4)"
  echo "# load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

  if want standard; then
  echo "## standard set (the default batch size)"
  run
  fi

  if want batch; then
  echo "## batch size: Score-CAM on the default model (all channels) and on resnet18 (128 channels)"
  for b in 1 4 8 16 32 64; do run --model shapes_resnet --batch $b --repeats 5; done
  for b in 8 16 32 64; do run --model resnet18 --batch $b --repeats 1 --max-channels 128; done
  fi

  if want channels; then
  echo "## maxChannels (Faster Score-CAM): fidelity against all channels, 10 scenes, M = K, K/2, K/4, K/8, 32"
  for model in shapes_resnet shapes_vgg shapes_mobilenet; do
    line=$(run --model $model --fidelity --repeats 3 --image $scenes | tee /dev/stderr | tail -1)
    k=$(sed -n 's/.* channels=\([0-9]*\) .*/\1/p' <<< "$line")
    for m in $((k / 2)) $((k / 4)) $((k / 8)) 32; do
      run --model $model --max-channels $m --fidelity --repeats 3 --image $scenes
    done
  done 2>&1
  fi

  if want resnet18; then
  echo "## resnet18 at 224x224, batch 32 (pytorch-grad-cam's): all channels, then fewer forwards; fidelity on 2 scenes"
  run --model resnet18 --batch 32 --repeats 1
  for f in 0.1 0.2 0.3; do run --model resnet18 --batch 32 --repeats 1 --skip-spread $f --fidelity --image $two_scenes; done
  for m in 256 192 128 64 32; do run --model resnet18 --batch 32 --repeats 1 --max-channels $m --fidelity --image $two_scenes; done
  run --model resnet18 --batch 32 --repeats 1 --skip-spread 0.1 --max-channels 256 --fidelity --image $two_scenes
  fi

  if want memory; then
  echo "## peak memory against views: Augmented Score-CAM on shapes_mobilenet"
  for n in 4 64 256; do run --model shapes_mobilenet --method augmented --augmentations $n --repeats 1; done
  fi

  if want threads; then
  echo "## OpenCV threads: resnet18, 128 channels, batch 32, one and two threads"
  for t in 1 2; do run --model resnet18 --batch 32 --repeats 1 --max-channels 128 --threads $t; done
  fi

  if want torch; then
  echo "## the same Score-CAM in PyTorch (tools/torch_scorecam_reference.py), 1 and 2 threads"
  for t in 1 2; do
    echo "# \$ /usr/bin/python3 tools/torch_scorecam_reference.py --batch 32 --threads $t"
    /usr/bin/python3 tools/torch_scorecam_reference.py --batch 32 --threads $t || echo "# (no torch here)"
  done
  fi

  if want fusion; then
  echo "## super-resolution fusion alone, one thread: 100 views of 14x14 into 224x224 (default settings,"
  echo "## then tighter tolerances and designed views), and at the project models' 8x8 in 128x128, 16 views"
  run --fusion-only --threads 1 --repeats 5
  for t in 0.003 0.001; do run --fusion-only --threads 1 --repeats 3 --sr-tolerance $t; done
  run --fusion-only --threads 1 --repeats 5 --lattice 10
  run --fusion-only --threads 1 --repeats 5 --fusion mean
  run --fusion-only --threads 1 --repeats 5 --augmentations 16 --grid 8x8 --size 128x128
  echo "## the fusion's share of an explanation: 16 views on the project models, mean and super-resolution"
  for model in shapes_resnet shapes_vgg shapes_mobilenet; do
    for f in mean super-resolution; do
      run --model $model --method augmented --augmentations 16 --fusion $f --repeats 3
    done
    run --model $model --method augmented --augmentations 16 --fusion super-resolution --lattice 4 --repeats 3
  done
  fi

  echo "# whole report: $(( $(date +%s) - start )) s"
} | tee "$out"
