#!/usr/bin/env bash
# Installs the Debian 12 packages cv::xai needs (only those missing) and builds it into ./build.
# Usage: scripts/setup.sh   as root, or as a user: it calls sudo itself, and only when a package
#                           is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh

xai_install_missing "${XAI_PACKAGES[@]}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DXAI_WARNINGS_AS_ERRORS=ON
cmake --build build
