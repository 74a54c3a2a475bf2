# Sourced by scripts/test: fetches Intel's OpenCL CPU runtime from PyPI
# (intel-opencl-rt and the runtime libraries it links: tbb, the Intel
# compiler runtime) into a folder, and writes an ICD vendors folder there
# that lists it beside the system's ICDs (PoCL). Tests point ocl-icd at that
# folder (OCL_ICD_VENDORS) to run one polyhal plugin over two vendors'
# drivers. Best effort: without PyPI, or if the runtime does not run here,
# it says why and the tests that need it report a skip.

PH_INTEL_OCL_WHEELS=(intel-opencl-rt "tbb==2023.*" intel-cmplr-lib-rt)

ph_intel_ocl_setup() {
  local dir=$1
  if [ -f "$dir/ready" ]; then
    echo "intel-opencl-rt: ready in $dir"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir/wheels" "$dir/unpacked" "$dir/lib" "$dir/vendors"
  echo "intel-opencl-rt: fetching ${PH_INTEL_OCL_WHEELS[*]} from PyPI (about 330 MB)"
  if ! python3 -m pip download --quiet --no-deps --only-binary=:all: \
      -d "$dir/wheels" "${PH_INTEL_OCL_WHEELS[@]}"; then
    echo "intel-opencl-rt: download failed; tests that need it will skip" >&2
    return 1
  fi
  local w
  for w in "$dir"/wheels/*.whl; do
    python3 -m zipfile -e "$w" "$dir/unpacked" || return 1
  done
  local libdir
  for libdir in "$dir"/unpacked/*/data/lib; do
    cp -a "$libdir/." "$dir/lib/"
  done
  # The wheel ships its own ICD loader; the system's ocl-icd stays in charge.
  rm -f "$dir"/lib/libOpenCL.so*
  rm -rf "$dir/wheels" "$dir/unpacked"
  cp /etc/OpenCL/vendors/*.icd "$dir/vendors/" 2>/dev/null || true
  echo "$dir/lib/libintelocl.so" >"$dir/vendors/intel-cpu.icd"
  if ! LD_LIBRARY_PATH="$dir/lib" OCL_ICD_VENDORS="$dir/vendors" clinfo -l 2>&1 |
      grep -q 'Intel(R) OpenCL'; then
    echo "intel-opencl-rt: fetched, but clinfo does not list its platform; tests that need it will skip" >&2
    return 1
  fi
  touch "$dir/ready"
  echo "intel-opencl-rt: ready in $dir"
}
