# Sourced by scripts/run and scripts/test: installs the Debian packages the
# build needs, only those missing, so a second run touches nothing.
# Needs root (or sudo) only when something is missing.

PH_DEPS_PACKAGES=(
  meson ninja-build gcc g++ pkg-config
  libhwloc-dev libsqlite3-dev
  ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo
  python3 python3-pip
)

ph_deps_missing() {
  local p
  for p in "${PH_DEPS_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
      printf '%s\n' "$p"
    fi
  done
}

ph_deps_install() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: dpkg-query not found; this script expects Debian 12. Install by hand:" >&2
    echo "  ${PH_DEPS_PACKAGES[*]}" >&2
    return 1
  fi
  local missing
  mapfile -t missing < <(ph_deps_missing)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all ${#PH_DEPS_PACKAGES[@]} packages present"
    return 0
  fi
  echo "deps: installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "deps: missing packages (${missing[*]}) and not root; rerun as root" >&2
      return 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Configures |dir| (once) with the given meson options and builds it.
ph_build() {
  local dir=$1
  shift
  # Explicit returns: callers use this in `if`, where set -e is off.
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" --buildtype=debugoptimized "$@" || return 1
  fi
  ninja -C "$dir" || return 1
}
