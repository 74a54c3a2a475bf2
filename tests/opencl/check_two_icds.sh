#!/usr/bin/env bash
# One polyhal plugin over two vendors' OpenCL drivers: ocl-icd is pointed
# at a vendors folder listing PoCL and Intel's OpenCL CPU runtime (fetched
# from PyPI by scripts/lib/intel_ocl.sh into DEPS_DIR), and the quick
# conformance profile runs on every device the opencl plugin then exposes.
# Skips, with the reason, when that runtime has not been set up.
# usage: check_two_icds.sh PH_CONFORM PH_INFO DEPS_DIR REPORT_JSON
set -u
conform=$1
info=$2
deps=$3
report=$4
if [ ! -f "$deps/ready" ]; then
  echo "SKIP: Intel's OpenCL CPU runtime is not set up in $deps (scripts/test fetches it from PyPI: scripts/lib/intel_ocl.sh)"
  exit 77
fi
export OCL_ICD_VENDORS="$deps/vendors"
export LD_LIBRARY_PATH="$deps/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
devices=$("$info" --json | python3 -c 'import json, sys
for d in json.load(sys.stdin).get("devices", []):
    if d.get("plugin") == "opencl":
        print(d["id"], "|", d.get("vendor", ""), "|", d.get("name", ""))')
echo "opencl devices through ocl-icd:"
echo "$devices"
vendors=$(echo "$devices" | awk -F'|' 'NF>1{print $2}' | sort -u | wc -l)
if [ "$vendors" -lt 2 ]; then
  echo "FAIL: expected devices from two vendors (PoCL and Intel), found $vendors"
  exit 1
fi
"$conform" --device opencl --profile quick --no-progress --json "$report"
