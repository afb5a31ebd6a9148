#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer,
# in its own build directory (default ./build-asan). Any report stops the process that made it
# (halt_on_error, -fno-sanitize-recover=all) and fails its test, so a pass means zero reports.
# Usage: scripts/test-sanitizers.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
xai_install_missing "${XAI_PACKAGES[@]}"
build=${1:-build-asan}

# Exported for the build too: gtest_discover_tests runs the test programs to list their tests.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DXAI_SANITIZERS=address,undefined
cmake --build "$build"
ctest --test-dir "$build" --output-on-failure --timeout 1800
