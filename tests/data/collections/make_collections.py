#!/usr/bin/env python3
"""Regenerates the collection test files of this folder from the shared Materials Project set.

Usage: python3 make_collections.py [path/to/mp_dev_summary.json.gz]
Needs only the Python standard library. Outputs are deterministic (gzip mtime 0). See
PROVENANCE.md for what each file is and which values are real.
"""
import bz2
import gzip
import io
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "mp",
                              "mp_dev_summary.json.gz")

# Real entries: varied chemistry, a null efermi (mp-10810), pymatgen's molecular formula
# special cases (O2, Li2O2, Rb2O2), a 14-site oxide and a few small cells.
SMALL_IDS = ["mp-1000", "mp-10000", "mp-10003", "mp-19306", "mp-841", "mp-10810", "mp-611836",
             "mp-7895", "mp-2844", "mp-13501", "mp-1018040", "mp-973684"]


def gzip_bytes(data):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as out:
        out.write(data)
    return buffer.getvalue()


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)


def dumps_array(documents):
    # One document per line, like the engine writes collections.
    return ("[\n" + ",\n".join(json.dumps(d, separators=(",", ":")) for d in documents) +
            "\n]\n").encode()


def cif_text(entry):
    """A P1 CIF of the MP structure: lattice parameters and fractional coordinates."""
    lattice = entry["structure"]["lattice"]
    lines = [f"data_{entry['material_id']}",
             "_symmetry_space_group_name_H-M   'P 1'",
             "_symmetry_Int_Tables_number   1"]
    for key, tag in [("a", "_cell_length_a"), ("b", "_cell_length_b"), ("c", "_cell_length_c"),
                     ("alpha", "_cell_angle_alpha"), ("beta", "_cell_angle_beta"),
                     ("gamma", "_cell_angle_gamma")]:
        lines.append(f"{tag}   {lattice[key]!r}")
    lines += ["loop_", " _symmetry_equiv_pos_site_id", " _symmetry_equiv_pos_as_xyz",
              "  1  'x, y, z'", "loop_", " _atom_site_type_symbol", " _atom_site_label",
              " _atom_site_fract_x", " _atom_site_fract_y", " _atom_site_fract_z",
              " _atom_site_occupancy"]
    for i, site in enumerate(entry["structure"]["sites"]):
        element = site["species"][0]["element"]
        x, y, z = site["abc"]
        lines.append(f"  {element}  {element}{i}  {x!r}  {y!r}  {z!r}  1")
    return ("\n".join(lines) + "\n").encode()


def poscar_text(entry):
    """A VASP 5 POSCAR of the MP structure (lattice matrix rows, direct coordinates)."""
    structure = entry["structure"]
    groups = []  # consecutive runs of one element
    for site in structure["sites"]:
        element = site["species"][0]["element"]
        if groups and groups[-1][0] == element:
            groups[-1][1].append(site["abc"])
        else:
            groups.append((element, [site["abc"]]))
    lines = [f"{entry['formula_pretty']} {entry['material_id']}", "1.0"]
    lines += ["  " + "  ".join(repr(x) for x in row) for row in structure["lattice"]["matrix"]]
    lines.append("  " + "  ".join(g[0] for g in groups))
    lines.append("  " + "  ".join(str(len(g[1])) for g in groups))
    lines.append("Direct")
    for _, coords in groups:
        lines += ["  " + "  ".join(repr(x) for x in abc) for abc in coords]
    return ("\n".join(lines) + "\n").encode()


def alexandria_entry(index, entry):
    """An Alexandria-shaped ComputedStructureEntry dict built from an MP summary document."""
    nsites = entry["nsites"]
    energy = entry["formation_energy_per_atom"] * nsites
    data = {
        "mat_id": entry["material_id"],
        "e_form": entry["formation_energy_per_atom"],
        "band_gap_ind": entry["band_gap"],
        "total_mag": entry["total_magnetization"],
        "energy_total": energy,
        "spg": entry["symmetry"]["number"],
        # Placeholders, not data: the MP set has no hull distances or direct gaps.
        "e_above_hull": round(0.001 * index, 6),
        "band_gap_dir": float("nan") if index == 2 else None,
        "location": "reshaped from the Materials Project (see PROVENANCE.md)",
    }
    return {
        "@module": "pymatgen.entries.computed_entries",
        "@class": "ComputedStructureEntry",
        "energy": energy,
        "composition": {},
        "entry_id": entry["material_id"],
        "correction": 0.0,
        "energy_adjustments": [],
        "parameters": {},
        "data": data,
        "structure": entry["structure"],
    }


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SOURCE
    with gzip.open(source, "rt") as f:
        everything = {e["material_id"]: e for e in json.load(f)}
    small = [everything[i] for i in SMALL_IDS]

    plain = dumps_array(small)
    write("mp_small.json", plain)
    write("mp_small.json.gz", gzip_bytes(plain))
    # Cut inside the compressed data: the stream is truncated, not merely short.
    compressed = gzip_bytes(plain)
    write("mp_truncated.json.gz", compressed[: int(len(compressed) * 0.7)])

    # Broken variant: entries 1, 3 and 4 are bad, 0, 2 and 5 good.
    broken = [json.loads(json.dumps(e)) for e in small[:6]]
    broken[1]["structure"]["sites"][0]["species"][0]["element"] = "Xx"
    del broken[3]["structure"]["lattice"]
    broken[4]["structure"]["sites"][0]["abc"][1] = float("nan")  # Python writes NaN
    text = "[\n" + ",\n".join(json.dumps(d, separators=(",", ":")) for d in broken) + "\n]\n"
    write("mp_broken.json", text.encode())

    alexandria = {"@module": "pymatgen.entries.computed_entries", "entries": [
        alexandria_entry(i, e) for i, e in enumerate(small)]}
    write("alexandria_small.json.bz2", bz2.compress(json.dumps(alexandria).encode(), 9))

    # A CGCNN-style folder: CIFs and POSCARs named by id, an id_prop.csv with a header, one
    # file that is not a structure and one row with a bad number.
    folder = "folder"
    for e in small[:3]:
        write(f"{folder}/{e['material_id']}.cif", cif_text(e))
    for e in small[3:5]:
        write(f"{folder}/{e['material_id']}.vasp", poscar_text(e))
    write(f"{folder}/broken.cif", b"data_broken\n_cell_length_a 3.0\nthis is not a CIF loop\n")
    write(f"{folder}/notes.txt", b"Not a structure: passed over.\n")
    rows = ["material_id,formation_energy_per_atom,band_gap"]
    for e in small[:5]:
        rows.append(f"{e['material_id']},{e['formation_energy_per_atom']!r},{e['band_gap']!r}")
    rows[2] = f"{small[1]['material_id']},not-a-number,{small[1]['band_gap']!r}"
    rows.append("mp-0,1.0,2.0")  # an id with no structure file
    write(f"{folder}/id_prop.csv", ("\n".join(rows) + "\n").encode())

    headerless = "folder_headerless"
    for e in small[6:8]:
        write(f"{headerless}/{e['material_id']}.vasp", poscar_text(e))
    write(f"{headerless}/targets.csv", "".join(
        f"{e['material_id']},{e['band_gap']!r}\n" for e in small[6:8]).encode())


if __name__ == "__main__":
    main()
