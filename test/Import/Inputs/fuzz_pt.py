"""Damages a TorchScript archive many ways (bit flips inside each record, truncations)
and checks that pike-opt never dies of a signal, an abort or a hang: every run exits
0 (imported; e.g. without debug info) or 1 (a diagnostic).

usage: fuzz_pt.py MODEL.pt SPEC WORK_DIR [RUNS]
Prints 'N damaged archives: 0 crashes' or one line per crash, then exits 1.
"""
import os
import random
import subprocess
import sys
import zipfile


def records(data, path):
    """(name, start, size) of every stored record's bytes."""
    out = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            h = info.header_offset
            start = h + 30 + int.from_bytes(data[h + 26:h + 28], "little") + \
                int.from_bytes(data[h + 28:h + 30], "little")
            if info.compress_size:
                out.append((info.filename, start, info.compress_size))
    return out


def main():
    model, spec, work = sys.argv[1:4]
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    os.makedirs(work, exist_ok=True)
    src = open(model, "rb").read()
    recs = records(src, model)
    rng = random.Random(0)
    crashes = 0
    for i in range(runs):
        data = bytearray(src)
        if i % 5 == 4:
            what = "truncated"
            data = data[:rng.randrange(len(data))]
        else:
            name, start, size = recs[i % len(recs)]
            what = "flipped " + name
            for _ in range(rng.choice([1, 2, 8])):
                data[start + rng.randrange(size)] ^= 1 << rng.randrange(8)
        path = os.path.join(work, f"damaged{i}.pt")
        open(path, "wb").write(bytes(data))
        try:
            p = subprocess.run(["pike-opt", path, "--input-spec", spec, "--emit=regions",
                                "-o", os.devnull, "--weights-file",
                                os.path.join(work, "w.safetensors")],
                               capture_output=True, text=True, errors="replace", timeout=120)
            code = p.returncode
        except subprocess.TimeoutExpired:
            code = "hang"
        if code not in (0, 1):
            crashes += 1
            print(f"CRASH {path} ({what}): exit {code}")
        else:
            os.remove(path)
    print(f"{runs} damaged archives: {crashes} crashes")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
