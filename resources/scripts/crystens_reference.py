#!/usr/bin/python3
"""An independent, vectorised NumPy implementation of the CrysTens encoding of
docs/spec/encodings.md, written from the page: the baseline of `cwb bench encode` and a
cross-check of the C++ encoder.

    /usr/bin/python3 resources/scripts/crystens_reference.py time MP.json.gz [--structures 2000]
    /usr/bin/python3 resources/scripts/crystens_reference.py compare MP.json.gz ID OUT.npy

`time` encodes the first N structures with ≤ 52 sites (space group from the documents'
`symmetry.number`, as `cwb bench encode` does with storage) and prints encodings/s.
`compare` checks a tensor written by `cwb encode crystens FILE --id ID --out OUT.npy`.
Needs numpy only (Debian's python3-numpy).
"""
import gzip
import json
import sys
import time

import numpy as np

# (min, max) of docs/spec/encodings.md / docs/spec/crystens-constants.json: Z, x, y, z, a, b, c, α, β, γ, sg.
HEADER_RANGES = np.array([
    (1.0, 99.0), (0.0, 0.9999933333333333), (0.0, 0.9999933333333333), (0.0, 0.9999900000000002),
    (1.7624000000000004, 42.664), (1.7624000000000004, 45.183), (2.168, 116.195),
    (59.76700000000001, 119.99999999999999), (59.702, 138.423),
    (58.91900000000002, 119.99999999999999), (1.0, 230.0)])
LENGTH_RANGE = (0.02137849386650048, 1.6546732154718646)
DIR_RANGE = (-0.9999933333333332, 0.9999933333333332)
SYMBOLS = ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga "
           "Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd "
           "Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac "
           "Th Pa U Np Pu Am Cm Bk Cf Es").split()
Z_OF = {s: i + 1 for i, s in enumerate(SYMBOLS)}


def lattice_parameters(m):
    a, b, c = (np.linalg.norm(v) for v in m)
    angle = lambda u, v: np.degrees(np.arccos(np.clip(u @ v / np.linalg.norm(u) / np.linalg.norm(v), -1, 1)))
    return a, b, c, angle(m[1], m[2]), angle(m[0], m[2]), angle(m[0], m[1])


def encode(doc):
    s = doc["structure"]
    z = np.array([Z_OF[site["species"][0]["element"]] for site in s["sites"]], float)
    f = np.array([site["abc"] for site in s["sites"]], float)
    n = len(z)
    params = lattice_parameters(np.array(s["lattice"]["matrix"], float))
    header = np.zeros((n, 12))
    header[:, 0] = z
    header[:, 1:4] = f
    header[:, 4:10] = params
    header[:, 10] = doc["symmetry"]["number"]
    lo, hi = HEADER_RANGES[:, 0], HEADER_RANGES[:, 1]
    header[:, :11] = (header[:, :11] - lo) / (hi - lo)
    t = np.zeros((64, 64, 4))
    t[12:12 + n, :12, :] = header[:, :, None]
    t[:12, 12:12 + n, :] = header.T[:, :, None]
    diff = f[:, None, :] - f[None, :, :]
    off = ~np.eye(n, dtype=bool)
    block = np.zeros((n, n, 4))
    block[..., 0] = (np.linalg.norm(diff, axis=-1) - LENGTH_RANGE[0]) / (LENGTH_RANGE[1] - LENGTH_RANGE[0])
    block[..., 1:] = (diff - DIR_RANGE[0]) / (DIR_RANGE[1] - DIR_RANGE[0])
    block[~off] = 0
    t[12:12 + n, 12:12 + n, :] = block
    return t.astype(np.float32)


def documents(path, limit):
    with (gzip.open if path.endswith(".gz") else open)(path, "rt") as f:
        docs = json.load(f)
    return [d for d in docs if d["nsites"] <= 52][:limit]


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "time":
        limit = int(sys.argv[sys.argv.index("--structures") + 1]) if "--structures" in sys.argv else 2000
        docs = documents(sys.argv[2], limit)
        start = time.perf_counter()
        for d in docs:
            encode(d)
        seconds = time.perf_counter() - start
        print(f"numpy CrysTens encode: {len(docs)} structures in {seconds:.3f} s = "
              f"{len(docs) / seconds:.0f} structures/s (one core)")
    elif len(sys.argv) == 5 and sys.argv[1] == "compare":
        doc = next(d for d in documents(sys.argv[2], 10**9) if d["material_id"] == sys.argv[3])
        ours = np.load(sys.argv[4])
        print("max |difference|:", float(np.abs(encode(doc) - ours).max()))
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
