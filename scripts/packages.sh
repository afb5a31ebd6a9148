# Sourced by the scripts: xai_install_missing PACKAGE... installs the Debian packages that are not
# installed yet, with apt-get as root, or through sudo for a user; nothing at all when every
# package is there, so a user without sudo rights can build and test once they are.

# What building and testing cv::xai needs.
XAI_PACKAGES=(build-essential cmake ninja-build pkg-config ccache
              libopencv-dev libopencv-contrib-dev libboost-program-options-dev libgtest-dev)

# What CI adds: a single-node Slurm cluster for tests/slurm_cluster.sh, which is skipped without it.
XAI_CI_PACKAGES=(slurm-wlm munge)

xai_install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null; then
      echo "$(basename "$0"): these Debian packages are missing: ${missing[*]}" >&2
      echo "$(basename "$0"): run this script as root once, or install them as root:" \
           "apt-get install ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  echo "$(basename "$0"): installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
