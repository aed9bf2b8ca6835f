#!/usr/bin/env python3
"""Compiles every <slot>.cu in the given directories with nvcc (-c, sm_90) and
prints `compiled N`; exits 1 on the first failure (after printing its log).

usage: nvcc_all.py NVCC INCLUDE_DIR DIR [DIR ...]
"""
import glob
import os
import subprocess
import sys


def main():
    nvcc, include = sys.argv[1], sys.argv[2]
    count = 0
    for d in sys.argv[3:]:
        for src in sorted(glob.glob(os.path.join(d, "*.cu"))):
            cmd = [nvcc, "-arch=sm_90", "-c", "-std=c++17", "-I" + include, src, "-o", src + ".o"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print("FAILED " + src)
                print(r.stdout + r.stderr)
                return 1
            count += 1
    print("compiled %d" % count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
