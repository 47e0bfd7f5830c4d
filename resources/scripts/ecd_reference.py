#!/usr/bin/env python3
"""Independent NumPy reference of docs/spec/ecd-slices.md (synthetic ECD slices).

Written from the specification page alone, deliberately plain and brute force, so that it can
check the C++ engine (engine/ecd/slicer.cpp) and serve as the benchmark baseline:
  * every lattice translation of the box that covers the spec's reach, every site, no cleverness;
  * the Gaussian raster over every pixel for every kept atom (no truncation), in float64;
  * clamp to [0, 1], then float32.

Usage
  ecd_reference.py slice STRUCTURE.json --picks 0,1,2 [--translations "0,0,0;1,0,0;0,0,0"]
                   [--volume-per-atom 1.0|off] [--tolerance 0.1] [--window 40] [--size 256]
                   [--sigma 0.25] [--amplitude uniform|z] [--out OUT.npy]
      prints the metadata as JSON; STRUCTURE.json is a pymatgen Structure dict, an MP summary
      document with "structure", or the name "nacl" (the spec's reference example).
  ecd_reference.py generate-test-data DIR
      writes DIR/reference_cases.json and DIR/<case>.npy for the C++ tests (tests/data/ecd).
  ecd_reference.py time STRUCTURE.json --picks ... [options]
      times one slice (benchmark baseline).

Needs numpy only (Debian: python3-numpy).
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

SYMBOLS = ("H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge "
           "As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm "
           "Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U "
           "Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og").split()
SYMBOL_Z = {symbol: z for z, symbol in enumerate(SYMBOLS, start=1)}

DEFAULTS = {"volume_per_atom": 1.0, "tolerance": 0.1, "window": 40.0, "size": 256, "sigma": 0.25,
            "amplitude": "uniform"}


def nacl():
    """The spec's reference example: conventional NaCl, a = 5.64 Å, the page's site order."""
    frac = [[0, 0, 0], [.5, .5, 0], [.5, 0, .5], [0, .5, .5],
            [.5, 0, 0], [0, .5, 0], [0, 0, .5], [.5, .5, .5]]
    return np.eye(3) * 5.64, np.array([11] * 4 + [17] * 4), np.array(frac, float), "NaCl"


def load_structure(path):
    if path == "nacl":
        return nacl()
    doc = json.loads(Path(path).read_text())
    s = doc.get("structure", doc)
    lattice = np.array(s["lattice"]["matrix"], float)
    z, frac = [], []
    for site in s["sites"]:
        species = site["species"]
        if len(species) != 1 or species[0].get("occu", 1) != 1:
            raise ValueError("the spec takes ordered structures")
        z.append(SYMBOL_Z[species[0]["element"]])
        frac.append(site["abc"])
    return lattice, np.array(z), np.array(frac, float), doc.get("material_id", Path(path).stem)


def ecd_slice(lattice, z, frac, picks, translations, params):
    """Returns (float32 image, metadata dict) per docs/spec/ecd-slices.md."""
    p = dict(DEFAULTS, **params)
    W, size, sigma, tol = float(p["window"]), int(p["size"]), float(p["sigma"]), float(p["tolerance"])
    L = np.array(lattice, float)
    n_sites = len(frac)
    # Geometry 1: isotropic scaling to V/N = volume_per_atom.
    if p["volume_per_atom"] != "off" and p["volume_per_atom"] is not None:
        L = L * (n_sites * float(p["volume_per_atom"]) / abs(np.linalg.det(L))) ** (1.0 / 3.0)
    # 2: pick positions.
    pos = [(frac[i] + np.array(t, float)) @ L for i, t in zip(picks, translations)]
    p1, p2, p3 = pos
    # 3: frame, collinearity rule.
    a, b = p2 - p1, p3 - p1
    cr = np.cross(a, b)
    if not np.linalg.norm(cr) >= 1e-8 * np.linalg.norm(a) * np.linalg.norm(b) or np.linalg.norm(a) == 0:
        raise ValueError("collinear picks")
    e1 = a / np.linalg.norm(a)
    n = cr / np.linalg.norm(cr)
    e2 = np.cross(n, e1)
    # 4: centre.
    c = (p1 + p2 + p3) / 3.0
    # 5: all translations whose atoms can fall within reach of c.
    reach = math.sqrt(2.0) * (W / 2 + 3 * sigma) + tol
    recip = np.linalg.inv(L).T                     # rows of L^-T
    reach_frac = reach * np.linalg.norm(recip, axis=1)
    fc = c @ np.linalg.inv(L)                      # x = f L  =>  f = x L^-1
    lo = np.floor((fc - frac - reach_frac).min(axis=0)).astype(int)
    hi = np.ceil((fc - frac + reach_frac).max(axis=0)).astype(int)
    grids = np.meshgrid(*[np.arange(lo[k], hi[k] + 1) for k in range(3)], indexing="ij")
    T = np.stack([g.ravel() for g in grids], axis=1).astype(float)       # (nT, 3)
    X = (frac[None, :, :] + T[:, None, :]) @ L                            # (nT, N, 3)
    d = X - c
    u, v, w = d @ e1, d @ e2, d @ n
    # 6: keep.
    edge = W / 2 + 3 * sigma
    keep = (np.abs(w) <= tol) & (np.abs(u) <= edge) & (np.abs(v) <= edge)
    inside = keep & (np.abs(u) <= W / 2) & (np.abs(v) <= W / 2)
    site_index = np.broadcast_to(np.arange(n_sites)[None, :], keep.shape)
    if p["amplitude"] == "z":
        amp_site = z / z.max()
    else:
        amp_site = np.ones(n_sites)
    ku, kv, ka = u[keep], v[keep], amp_site[site_index[keep]]
    # Raster.
    pitch = W / size
    xs = -W / 2 + (np.arange(size) + 0.5) * pitch
    ys = W / 2 - (np.arange(size) + 0.5) * pitch
    image = np.zeros((size, size))
    for start in range(0, len(ku), 64):
        uu, vv, aa = ku[start:start + 64], kv[start:start + 64], ka[start:start + 64]
        gx = np.exp(-(xs[None, :] - uu[:, None]) ** 2 / (2 * sigma ** 2))   # (m, size)
        gy = np.exp(-(ys[None, :] - vv[:, None]) ** 2 / (2 * sigma ** 2))   # (m, size)
        image += np.einsum("m,mr,mk->rk", aa, gy, gx)
    image = np.clip(image, 0.0, 1.0).astype(np.float32)
    meta = {"picks": [{"site": int(i), "translation": [int(x) for x in t]} for i, t in zip(picks, translations)],
            "normal": n.tolist(), "e1": e1.tolist(), "e2": e2.tolist(), "centre": c.tolist(),
            "parameters": p, "atoms_in_window": int(inside.sum()), "atoms_kept": int(keep.sum())}
    return image, meta


def parse_picks(text, translations):
    picks = [int(x) for x in text.split(",")]
    if translations:
        ts = [[int(x) for x in part.split(",")] for part in translations.split(";")]
    else:
        ts = [[0, 0, 0]] * 3
    return picks, ts


# Reference cases for tests/data/ecd. Structures: the spec's NaCl, and two Materials Project
# structures (CC BY 4.0, via the MIT-licensed mt-cgcnn data set) copied into tests/data/ecd.
CASES = [
    {"name": "nacl_default_128", "structure": "nacl", "picks": [0, 1, 2], "translations": None,
     "parameters": {"size": 128}},
    {"name": "nacl_z_translations_64", "structure": "nacl", "picks": [0, 4, 7],
     "translations": [[0, 0, 0], [1, 0, 0], [0, -1, 1]],
     "parameters": {"amplitude": "z", "tolerance": 0.3, "window": 20.0, "sigma": 0.3, "size": 64}},
    {"name": "mp-1005831_default_128", "structure": "mp-1005831.json", "picks": [0, 5, 11],
     "translations": None, "parameters": {"size": 128}},
    {"name": "mp-1005831_off_96", "structure": "mp-1005831.json", "picks": [3, 1, 17],
     "translations": [[0, 0, 0], [0, 1, 0], [-1, 0, 1]],
     "parameters": {"volume_per_atom": "off", "window": 30.0, "tolerance": 0.5, "size": 96, "sigma": 0.4}},
    {"name": "mp-18849_z_64", "structure": "mp-18849.json", "picks": [2, 7, 9], "translations": None,
     "parameters": {"volume_per_atom": 2.0, "amplitude": "z", "size": 64, "window": 25.0}},
]


def generate(directory):
    directory = Path(directory)
    out = []
    for case in CASES:
        src = case["structure"] if case["structure"] == "nacl" else str(directory / case["structure"])
        lattice, z, frac, mid = load_structure(src)
        picks, ts = case["picks"], case["translations"] or [[0, 0, 0]] * 3
        image, meta = ecd_slice(lattice, z, frac, picks, ts, case["parameters"])
        np.save(directory / (case["name"] + ".npy"), image)
        meta.update({"name": case["name"], "structure": case["structure"], "material_id": mid,
                     "npy": case["name"] + ".npy"})
        out.append(meta)
        print(f"{case['name']}: atoms_in_window {meta['atoms_in_window']}, kept {meta['atoms_kept']}, "
              f"max {image.max():.4f}", file=sys.stderr)
    doc = {"generator": "resources/scripts/ecd_reference.py (independent NumPy implementation of "
                        "docs/spec/ecd-slices.md)",
           "numpy": np.__version__, "cases": out}
    (directory / "reference_cases.json").write_text(json.dumps(doc, indent=1) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    for name in ("slice", "time"):
        sp = sub.add_parser(name)
        sp.add_argument("structure")
        sp.add_argument("--picks", required=True)
        sp.add_argument("--translations")
        sp.add_argument("--volume-per-atom", default="1.0")
        sp.add_argument("--tolerance", type=float, default=0.1)
        sp.add_argument("--window", type=float, default=40.0)
        sp.add_argument("--size", type=int, default=256)
        sp.add_argument("--sigma", type=float, default=0.25)
        sp.add_argument("--amplitude", choices=["uniform", "z"], default="uniform")
        sp.add_argument("--out")
        sp.add_argument("--repeat", type=int, default=3)
    gp = sub.add_parser("generate-test-data")
    gp.add_argument("directory")
    args = ap.parse_args()
    if args.command == "generate-test-data":
        generate(args.directory)
        return
    lattice, z, frac, mid = load_structure(args.structure)
    picks, ts = parse_picks(args.picks, args.translations)
    params = {"volume_per_atom": "off" if args.volume_per_atom == "off" else float(args.volume_per_atom),
              "tolerance": args.tolerance, "window": args.window, "size": args.size,
              "sigma": args.sigma, "amplitude": args.amplitude}
    if args.command == "time":
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            ecd_slice(lattice, z, frac, picks, ts, params)
            best = min(best, time.perf_counter() - t0)
        print(json.dumps({"material_id": mid, "seconds": best}))
        return
    image, meta = ecd_slice(lattice, z, frac, picks, ts, params)
    meta["material_id"] = mid
    if args.out:
        np.save(args.out, image)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
