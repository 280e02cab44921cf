"""Checks exported files with the ONNX project's own checker, as a second opinion on vaelab's
Java checks: onnx.checker.check_model with full_check (which runs strict shape inference), strict
type-checked shape inference, and the opset and IR version the files declare.

    python3 check_exported.py FILE.onnx...

Prints one line per file and exits non-zero if any file fails.
"""
import sys

import onnx


def check(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    opsets = [(o.domain, o.version) for o in model.opset_import]
    if opsets != [("", 17)] or model.ir_version != 8:
        raise ValueError(f"opsets {opsets}, IR version {model.ir_version}; expected [('', 17)] and 8")
    keys = {p.key for p in model.metadata_props}
    if "vaelab.format" not in keys:
        raise ValueError("no vaelab.format metadata")


def main(paths):
    failed = 0
    for path in paths:
        try:
            check(path)
            print(f"ok {path}")
        except Exception as e:  # report every file, then fail
            failed += 1
            print(f"FAILED {path}: {e}")
    print(f"onnx {onnx.__version__}: {len(paths) - failed} of {len(paths)} files pass")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
