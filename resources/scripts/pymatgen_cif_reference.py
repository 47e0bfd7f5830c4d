#!/usr/bin/python3
"""Reference values from pymatgen for every CIF in the corpus.

Run with Debian's python (python3-pymatgen 2022.11.7, python3-spglib):
    CIF_CORPUS=DIR /usr/bin/python3 resources/scripts/pymatgen_cif_reference.py [--timeout 60] [--out ref.tsv] [dirs...]

For every *.cif under $CIF_CORPUS/{iza,cod,pmg_test,misc} writes one row to
the --out table (default $CIF_CORPUS/reference.tsv):

  path              relative to /work/corpus
  declared_formula  raw _chemical_formula_sum of the first data block that has atoms
  declared_sg       _space_group_IT_number or _symmetry_Int_Tables_number (same block), else empty
  pmg_status        "ok" or the error of CifParser(path).get_structures(primitive=False)[0] (one line)
  pmg_formula       Structure.composition.reduced_formula
  pmg_nsites        len(structure)
  pmg_ordered       structure.is_ordered
  pmg_sg            SpacegroupAnalyzer(structure, symprec=0.01).get_space_group_number() (or "ERR: ...")
  formula_agree     1/0 when both the declared formula and a pymatgen structure exist, else empty
                    (fractional compositions, same element set, each amount within 1e-2 relative)
  sg_agree          1/0 when both the declared number and pymatgen's number exist, else empty
  declared_hm       declared H-M symbol (extra, for context)
  pmg_warnings      number of warnings CifParser emitted and the first one (extra)
  formula_note      set when the declared formula could not be parsed (extra)
  formula_agree_noH as formula_agree but ignoring H/D on both sides (extra, informational only)
  seconds           time spent on the file
"""
import argparse
import io
import multiprocessing as mp
import os
import re
import sys
import time
import warnings

ROOT = os.environ.get("CIF_CORPUS", ".")
DEFAULT_DIRS = ["iza", "cod", "pmg_test", "misc"]

SG_KEYS = ["_space_group_it_number", "_symmetry_int_tables_number"]
HM_KEYS = ["_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m",
           "_space_group_name_h-m"]
ATOM_KEYS = ["_atom_site_fract_x", "_atom_site_cartn_x"]


def one_line(s, n=200):
    s = re.sub(r"\s+", " ", str(s)).strip()
    return s[:n]


def clean_value(v):
    if v is None:
        return ""
    if isinstance(v, list):
        v = v[0] if v else ""
    v = str(v).strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        v = v[1:-1]
    if v.startswith(";"):
        v = v.strip(";").strip()
    return v.strip()


def declared_values(path):
    """(formula_sum, it_number, hm) of the first data block that has atom sites."""
    from pymatgen.io.cif import CifFile
    with open(path, encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    try:
        cf = CifFile.from_string(text)
        blocks = list(cf.data.values())
    except Exception:
        blocks = []
    for b in blocks:
        keys = {k.lower(): k for k in b.data.keys()}
        if not any(a in keys for a in ATOM_KEYS):
            continue
        f = clean_value(b.data.get(keys.get("_chemical_formula_sum", ""), None))
        if f in ("?", "."):
            f = ""
        sg = ""
        for k in SG_KEYS:
            if k in keys:
                sg = clean_value(b.data[keys[k]])
                if sg not in ("", "?", "."):
                    break
        hm = ""
        for k in HM_KEYS:
            if k in keys:
                hm = clean_value(b.data[keys[k]])
                if hm not in ("", "?", "."):
                    break
        return f, sg, hm
    # fallback: regex on the whole text (first occurrences)
    def grab(pat):
        m = re.search(pat, text, re.I | re.M)
        return clean_value(m.group(1)) if m else ""
    f = grab(r"^\s*_chemical_formula_sum\s+(.+?)\s*$")
    if not f:
        m = re.search(r"^\s*_chemical_formula_sum\s*\n\s*('[^']*'|\"[^\"]*\"|\S+)", text, re.I | re.M)
        f = clean_value(m.group(1)) if m else ""
    if f in ("?", "."):
        f = ""
    sg = grab(r"^\s*_space_group_IT_number\s+(\S+)") or grab(r"^\s*_symmetry_Int_Tables_number\s+(\S+)")
    hm = grab(r"^\s*_symmetry_space_group_name_H-M\s+(.+?)\s*$") or grab(r"^\s*_space_group_name_H-M_alt\s+(.+?)\s*$")
    return f, sg, hm


# The formula rules are the agreement script's, so both readers are judged alike.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cif_reader_agreement import formulas_agree as formula_agree, parse_formula_sum  # noqa: E402


def analyse(path):
    row = {}
    t0 = time.time()
    try:
        f, sg, hm = declared_values(path)
    except Exception as e:  # noqa
        f, sg, hm = "", "", ""
        row["declared_error"] = one_line(e)
    row.update(declared_formula=f, declared_sg=sg, declared_hm=hm)
    from pymatgen.io.cif import CifParser
    from pymatgen.symmetry.analyzer import SpacegroupAnalyzer
    s = None
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            parser = CifParser(path)
            s = parser.get_structures(primitive=False)[0]
            row["pmg_status"] = "ok"
        except Exception as e:
            row["pmg_status"] = "ERR: " + type(e).__name__ + ": " + one_line(e, 160)
        ws = [one_line(x.message, 120) for x in w]
    row["pmg_warnings"] = f"{len(ws)}" + (f": {ws[0]}" if ws else "")
    if s is not None:
        comp = s.composition
        row["pmg_formula"] = comp.reduced_formula
        row["pmg_nsites"] = str(len(s))
        row["pmg_ordered"] = str(bool(s.is_ordered))
        try:
            row["pmg_sg"] = str(SpacegroupAnalyzer(s, symprec=0.01).get_space_group_number())
        except Exception as e:
            row["pmg_sg"] = "ERR: " + type(e).__name__ + ": " + one_line(e, 100)
        el_amt = {}
        for el, amt in comp.element_composition.items():
            el_amt[el.symbol] = el_amt.get(el.symbol, 0.0) + amt
        decl = parse_formula_sum(f) if f else None
        if f:
            row["formula_agree"] = "1" if (decl and formula_agree(decl, el_amt)) else "0"
            if decl:
                noh = lambda d: {k: v for k, v in d.items() if k not in ("H", "D", "T")}
                row["formula_agree_noH"] = "1" if formula_agree(noh(decl), noh(el_amt)) else "0"
            if decl is None:
                row["formula_note"] = "declared formula unparseable"
        if sg and re.fullmatch(r"\d+", sg) and row["pmg_sg"].isdigit():
            row["sg_agree"] = "1" if int(sg) == int(row["pmg_sg"]) else "0"
    row["seconds"] = f"{time.time() - t0:.2f}"
    return row


def _worker(path, conn):
    try:
        conn.send(analyse(path))
    except BaseException as e:  # noqa
        conn.send({"pmg_status": "ERR: worker " + type(e).__name__ + ": " + one_line(e, 160)})
    conn.close()


def run_one(path, timeout):
    parent, child = mp.Pipe(duplex=False)
    p = mp.Process(target=_worker, args=(path, child))
    t0 = time.time()
    p.start()
    child.close()
    res = None
    if parent.poll(timeout):
        try:
            res = parent.recv()
        except EOFError:
            res = None
    p.join(5)
    if p.is_alive():
        p.kill()
        p.join()
    if res is None:
        res = {"pmg_status": f"ERR: timeout after {timeout}s" if time.time() - t0 >= timeout
               else f"ERR: worker died (exit {p.exitcode})",
               "seconds": f"{time.time() - t0:.2f}"}
        # declared values are cheap; try them in-process
        try:
            f, sg, hm = declared_values(path)
            res.update(declared_formula=f, declared_sg=sg, declared_hm=hm)
        except Exception:
            pass
    return res


COLS = ["path", "declared_formula", "declared_sg", "pmg_status", "pmg_formula", "pmg_nsites",
        "pmg_ordered", "pmg_sg", "formula_agree", "sg_agree", "declared_hm", "pmg_warnings",
        "formula_note", "formula_agree_noH", "seconds"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="*", default=DEFAULT_DIRS)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--out", default=os.path.join(ROOT, "reference.tsv"))
    args = ap.parse_args()
    # import pymatgen once in the parent so forked workers start fast
    import pymatgen.io.cif  # noqa
    import pymatgen.symmetry.analyzer  # noqa
    files = []
    for d in args.dirs:
        for dp, _, fns in os.walk(os.path.join(ROOT, d)):
            files += [os.path.join(dp, fn) for fn in fns if fn.lower().endswith(".cif")]
    files.sort()
    rows = []
    t0 = time.time()
    for i, f in enumerate(files):
        r = run_one(f, args.timeout)
        r["path"] = os.path.relpath(f, ROOT)
        rows.append(r)
        if (i + 1) % 50 == 0:
            print(f"{i + 1}/{len(files)} {time.time() - t0:.0f}s", file=sys.stderr, flush=True)
    with open(args.out, "w") as fh:
        fh.write("\t".join(COLS) + "\n")
        for r in rows:
            fh.write("\t".join(one_line(r.get(c, ""), 300).replace("\t", " ") for c in COLS) + "\n")
    summary(rows, args.dirs)


def summary(rows, dirs):
    def stats(rs):
        n = len(rs)
        ok = sum(r.get("pmg_status") == "ok" for r in rs)
        fd = [r for r in rs if r.get("declared_formula")]
        fa = sum(r.get("formula_agree") == "1" for r in fd)
        fd_ok = sum(r.get("pmg_status") == "ok" for r in fd)
        sd = [r for r in rs if re.fullmatch(r"\d+", r.get("declared_sg", ""))]
        sa = sum(r.get("sg_agree") == "1" for r in sd)
        sd_ok = sum(r.get("pmg_status") == "ok" and r.get("pmg_sg", "").isdigit() for r in sd)
        return (f"files={n} pymatgen_loaded={ok} formula_agree={fa}/{len(fd)} "
                f"(of which pmg loaded {fd_ok}) sg_agree={sa}/{len(sd)} (of which pmg sg {sd_ok})")
    print("ALL   ", stats(rows))
    tops = sorted({r["path"].split("/")[0] if not r["path"].startswith(("cod/", "misc/"))
                   else "/".join(r["path"].split("/")[:2]) for r in rows})
    for t in tops:
        print(f"{t:22s}", stats([r for r in rows if r["path"].startswith(t + "/")]))


if __name__ == "__main__":
    mp.set_start_method("fork")
    main()
