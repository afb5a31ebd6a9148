#!/usr/bin/env bash
# Regenerates the figures of docs/benchmark.md (raw lines in docs/benchmark_raw.txt).
# Run on an otherwise idle machine, after scripts/setup.sh: tools/benchmark_report.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/bin/xai_benchmark
out=docs/benchmark_raw.txt
scenes=$(ls tests/data/scenes/single/*.png | head -10)
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
  echo "## standard set: $bench"
  $bench
  echo "## batch size on the default model and on resnet18"
  for b in 1 4 8 16 32 64; do $bench --model shapes_resnet --batch $b --repeats 5; done
  for b in 8 16 32; do $bench --model resnet18 --batch $b --repeats 1 --max-channels 64; done
  echo "## maxChannels (Faster Score-CAM): fidelity against all channels on 10 scenes"
  for m in 0 64 32 16; do
    $bench --model shapes_resnet --max-channels $m --fidelity --repeats 3 --image $scenes
  done
  echo "## resnet18 at 224x224: all channels, then fewer forwards"
  $bench --model resnet18 --batch 32 --repeats 1
  for f in 0.2 0.3; do $bench --model resnet18 --batch 32 --repeats 1 --skip-spread $f --fidelity; done
  for m in 256 128; do $bench --model resnet18 --batch 32 --repeats 1 --max-channels $m --fidelity; done
} | tee "$out"
