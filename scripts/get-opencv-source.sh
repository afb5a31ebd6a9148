#!/usr/bin/env bash
# Downloads Debian 12's OpenCV source (4.6.0+dfsg-12, checked against the archive's signed hashes
# by apt) into DIR and unpacks it; prints the source directory. Runs as root or as a user: it uses
# a private apt configuration under DIR and changes nothing on the system. Does nothing but print
# the directory when the source is there already.
# Usage: scripts/get-opencv-source.sh DIR
set -euo pipefail
dir=$(mkdir -p "${1:?directory for the OpenCV source}" && cd "$1" && pwd)
version=4.6.0+dfsg-12
src="$dir/opencv-4.6.0"
if [[ -f "$src/CMakeLists.txt" ]]; then
  echo "$src"
  exit 0
fi

apt="$dir/apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir/download"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
  > "$apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=)
apt-get "${opts[@]}" -qq update
(cd "$dir/download" && apt-get "${opts[@]}" -qq source --download-only "opencv=$version") >&2
# Only the main tarball is needed (not opencv_contrib, not Debian's packaging).
tar -xJf "$dir/download/opencv_4.6.0+dfsg.orig.tar.xz" -C "$dir"
test -f "$src/CMakeLists.txt"
echo "$src"
