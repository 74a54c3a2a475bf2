#!/usr/bin/env bash
# examples/mlp, unchanged, on cpu:0 and opencl:0 gives the same checksum
# within the conformance policy for an f32 network of dot products: a
# relative difference below 1e-5 (the checksum sums ~100 outputs, each a
# few dot products of length <= 64; see conformance/TOLERANCES.md, "dot").
# usage: check_mlp.sh MLP
set -u
mlp=$1
sum() { PH_DEVICES=$1 "$mlp" 2>&1 | sed -n 's/^checksum: //p'; }
cpu=$(sum cpu:0)
ocl=$(sum opencl:0)
if [ -z "$ocl" ]; then
  echo "SKIP: no opencl:0 device (mlp printed no checksum there)"
  exit 77
fi
echo "checksum cpu:0 $cpu, opencl:0 $ocl"
python3 - "$cpu" "$ocl" <<'PY'
import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
rel = abs(a - b) / max(abs(a), 1e-30)
print("relative difference %.3g (limit 1e-5)" % rel)
sys.exit(0 if rel <= 1e-5 else 1)
PY
