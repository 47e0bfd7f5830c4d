#!/usr/bin/python3
"""How often `cwb info` agrees with each CIF's own declarations, beside pymatgen's CifParser.

For every CIF of a corpus, the file's `_chemical_formula_sum` and IT number (from a table that
pymatgen_cif_reference.py wrote, which also holds pymatgen's answers) are compared with the
composition and space group `cwb info --json` reports for the first block with atoms.

    /usr/bin/python3 resources/scripts/pymatgen_cif_reference.py --root CORPUS --out ref.tsv
    python3 resources/scripts/cif_reader_agreement.py --cwb build/app/cli/cwb \
        --root CORPUS --reference ref.tsv [--symprec 0.01]

Agreement rules (the same on both sides): formulas agree when they hold the same elements and
each element's fraction of all atoms matches within 1 % relative (occupancies count; D and T
are H); space groups agree when spglib's number at symprec 0.01 Å equals the declared number.
Prints one table row per corpus folder and writes per-file results to --out.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

TOKEN = re.compile(r"([A-Z][a-z]?)\s*([0-9]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?)")


def parse_formula_sum(text):
    """'Si48 O96', '(Mg.5 Cd.5) C O3' → {element: amount}; None when unparsable."""
    def parse(seg):
        out, i = {}, 0
        while i < len(seg):
            c = seg[i]
            if c.isspace() or c in ",·":
                i += 1
                continue
            if c in "([{":
                depth, j = 1, i + 1
                while j < len(seg) and depth:
                    depth += seg[j] in "([{"
                    depth -= seg[j] in ")]}"
                    j += 1
                if depth:
                    return None
                inner = parse(seg[i + 1:j - 1])
                if inner is None:
                    return None
                m = re.match(r"\s*([0-9]*\.?[0-9]+)?", seg[j:])
                mult = float(m.group(1)) if m and m.group(1) else 1.0
                for k, v in inner.items():
                    out[k] = out.get(k, 0.0) + v * mult
                i = j + (m.end() if m else 0)
                continue
            m = TOKEN.match(seg, i)
            if not m or m.end() == i:
                return None
            element = "H" if m.group(1) in ("D", "T") else m.group(1)
            try:
                amount = float(m.group(2)) if m.group(2) not in ("", ".") else 1.0
            except ValueError:
                return None
            out[element] = out.get(element, 0.0) + amount
            i = m.end()
        return out
    text = text.strip()
    if not text or text in "?.":
        return None
    parsed = parse(text)
    return {k: v for k, v in parsed.items() if v > 0} if parsed else None


def formulas_agree(declared, found, rtol=1e-2):
    def fractions(d):
        total = sum(d.values())
        return {k: v / total for k, v in d.items()} if total > 0 else None
    a, b = fractions(declared), fractions(found)
    if a is None or b is None or set(a) != set(b):
        return False
    return all(abs(a[k] - b[k]) <= rtol * max(a[k], b[k]) for k in a)


def cwb_answer(cwb, path, symprec):
    """(composition, space-group number or None, error) of the first block `cwb info` reads."""
    run = subprocess.run([cwb, "info", path, "--json", "--threads", "1", "--symprec", symprec],
                         capture_output=True, text=True, timeout=300)
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    if not lines:
        return None, None, (run.stderr.strip().splitlines() or ["no output"])[-1]
    entry = json.loads(lines[0])
    occupancy = entry.get("occupancy") or [1.0] * len(entry["species"])
    composition = {}
    for species, occ in zip(entry["species"], occupancy):
        element = "H" if species in ("D", "T") else species
        composition[element] = composition.get(element, 0.0) + occ
    group = entry["space_group"]["number"] if entry.get("space_group") else None
    return composition, group, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cwb", required=True)
    ap.add_argument("--root", required=True, help="the corpus folder the table's paths are in")
    ap.add_argument("--reference", required=True, help="pymatgen_cif_reference.py's table")
    ap.add_argument("--symprec", default="0.01")
    ap.add_argument("--out", default="cif_agreement.tsv")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    args = ap.parse_args()
    with open(args.reference, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))

    def judge(row):
        composition, group, error = cwb_answer(args.cwb, os.path.join(args.root, row["path"]),
                                               args.symprec)
        declared = parse_formula_sum(row["declared_formula"]) if row["declared_formula"] else None
        result = {"path": row["path"], "cwb_loaded": composition is not None,
                  "cwb_error": error, "cwb_sg": group}
        result["cwb_formula_agree"] = (
            formulas_agree(declared, composition) if declared and composition else None)
        result["cwb_sg_agree"] = (int(row["declared_sg"]) == group
                                  if row["declared_sg"].isdigit() and composition else None)
        return result

    with ThreadPoolExecutor(args.jobs) as pool:
        ours = list(pool.map(judge, rows))

    def folder(path):
        parts = path.split("/")
        return "/".join(parts[:2]) if parts[0] in ("cod", "misc") and len(parts) > 2 else parts[0]

    groups = {}
    for row, result in zip(rows, ours):
        groups.setdefault(folder(row["path"]), []).append((row, result))
    groups["all"] = list(zip(rows, ours))
    print("| files | n | loaded cwb / pymatgen | formula agrees cwb / pymatgen (of declared) "
          "| space group agrees cwb / pymatgen (of declared) |")
    print("|---|---|---|---|---|")
    for name, members in groups.items():
        n = len(members)
        loaded_c = sum(r["cwb_loaded"] for _, r in members)
        loaded_p = sum(p["pmg_status"] == "ok" for p, _ in members)
        with_formula = [(p, r) for p, r in members if parse_formula_sum(p["declared_formula"])]
        with_group = [(p, r) for p, r in members if p["declared_sg"].isdigit()]
        print(f"| {name} | {n} | {loaded_c} / {loaded_p} "
              f"| {sum(bool(r['cwb_formula_agree']) for _, r in with_formula)} / "
              f"{sum(p['formula_agree'] == '1' for p, _ in with_formula)} ({len(with_formula)}) "
              f"| {sum(bool(r['cwb_sg_agree']) for _, r in with_group)} / "
              f"{sum(p['sg_agree'] == '1' for p, _ in with_group)} ({len(with_group)}) |")
    with open(args.out, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ours[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(ours)


if __name__ == "__main__":
    sys.exit(main())
