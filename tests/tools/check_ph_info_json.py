"""Checks that `ph-info --json` (run with the test plugins) is one valid
JSON object holding what the loader reported.
usage: check_ph_info_json.py PH_INFO"""
import json
import subprocess
import sys

out = subprocess.run([sys.argv[1], "--json"], stdout=subprocess.PIPE, check=True).stdout
doc = json.loads(out.decode("utf-8"))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


plugins = {p["path"].rsplit("/", 1)[-1]: p for p in doc.get("plugins", [])}
check(isinstance(doc.get("version"), str) and isinstance(doc.get("abi"), str), "version and abi")
check(len(plugins) == 8, "8 candidates, got %d" % len(plugins))
for f in ("valid", "oldminor"):
    p = plugins.get("libph_test_%s.so" % f, {})
    check(p.get("state") == "loaded" and p.get("name") == "test_" + f, f + " loaded")
for f, why in (("noinit", "ph_plugin_init"), ("newmajor", "ABI 2.0"), ("newminor", "ABI 1.1"),
               ("initfail", "no board found on bus 3"), ("missingentry", "device_open"),
               ("text", "libph_test_text.so")):
    p = plugins.get("libph_test_%s.so" % f, {})
    check(p.get("state") == "skipped" and why in p.get("reason", ""), f + " skipped: " + why)
devs = {d.get("id"): d for d in doc.get("devices", [])}
d = devs.get("test_valid:0", {})
check(d.get("kind") == "other" and d.get("dtypes") == ["f32", "i32"], "test_valid:0 properties")
ops = d.get("ops", {})
check(ops.get("unary", {}).get("f32") == "Y", "unary f32 is Y")
check(ops.get("matmul", {}).get("f32") == "-", "matmul f32 is -")
print("check_ph_info_json: %d failed" % len(failures))
sys.exit(1 if failures else 0)
