#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (module, models, command line,
# install + find_package). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build --output-on-failure --timeout 900
