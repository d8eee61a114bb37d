#!/usr/bin/env python3
"""Build the geo service's reference data (services/geo/data/) from maintained packages.

Nothing here is typed by hand: every name and code is read from a pinned package, and the one
derived link (INE province/community code -> ISO 3166-2 code) is made by matching names and
asserting a one-to-one result.

Sources
  npm  i18n-iso-countries (version from package-lock.json, read from node_modules/):
       ISO 3166-1 alpha-2/alpha-3 with English and Spanish names.
  PyPI pycountry (pinned in scripts/geo/requirements.txt): ISO 3166-1 list (to keep only
       real ISO 3166-1 entries and cross-check alpha-3) and ISO 3166-2:ES subdivisions.
  PyPI spain-open-data-mcp (pinned likewise): INE municipality codes and names
       (data/municipalities.csv, built by that package from INE table 29005, Padrón) and INE
       province and autonomous-community codes and names (places/codes.py).

The PyPI wheels are only downloaded (hash-checked by pip) and read as zip files: nothing is
installed or imported. Only the Python standard library is used.

Usage (from the repository root):
  npm ci                                   # brings node_modules/i18n-iso-countries
  python3 scripts/geo/build-data.py        # writes services/geo/data/*.json
  python3 scripts/geo/build-data.py --check   # exit 1 if the committed files differ
  node scripts/geo/verify-data.js          # counts and spot checks
Options: --wheel-dir DIR keeps/reuses the downloaded wheels (pip still checks the hashes).
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "services" / "geo" / "data"
REQUIREMENTS = Path(__file__).with_name("requirements.txt")
NPM_COUNTRIES = "i18n-iso-countries"

SODM_MUNICIPALITIES = "spain_open_data_mcp/data/municipalities.csv"
SODM_CODES = "spain_open_data_mcp/places/codes.py"
SODM_TABLES = "spain_open_data_mcp/data/ine_tables.json"
PYCOUNTRY_3166_1 = "pycountry/databases/iso3166-1.json"
PYCOUNTRY_3166_2 = "pycountry/databases/iso3166-2.json"

# ISO 3166-2:ES subdivision types (as pycountry spells them) that stand for an INE province
# or an INE autonomous community. Ceuta and Melilla are both (INE province 51/52, CCAA 18/19).
ISO_PROVINCE_TYPES = {"Province", "Autonomous city in north africa"}
ISO_CCAA_TYPES = {"Autonomous community", "Autonomous city in north africa"}


class BuildError(Exception):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise BuildError(msg)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- sources


def read_requirements() -> dict[str, dict]:
    """name -> {version, hashes} from requirements.txt (pip's own format)."""
    text = REQUIREMENTS.read_text(encoding="utf-8").replace("\\\n", " ")
    out: dict[str, dict] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)$", line)
        check(m is not None, f"{REQUIREMENTS.name}: cannot parse line {line!r}")
        out[m.group(1)] = {
            "version": m.group(2),
            "hashes": re.findall(r"sha256:([0-9a-f]{64})", m.group(3)),
        }
    return out


def fetch_wheels(wheel_dir: Path) -> dict[str, dict]:
    """Download the pinned wheels (pip checks the hashes); return name -> source info."""
    reqs = read_requirements()
    cmd = [
        sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
        "--no-deps", "--only-binary", ":all:", "--require-hashes",
        "-r", str(REQUIREMENTS), "-d", str(wheel_dir),
    ]
    subprocess.run(cmd, check=True)
    out = {}
    for name, req in reqs.items():
        stem = re.sub(r"[-_.]+", "_", name).lower()
        found = [p for p in wheel_dir.glob("*.whl")
                 if p.name.lower().startswith(f"{stem}-{req['version']}-")]
        check(len(found) == 1, f"expected one wheel for {name}=={req['version']} in {wheel_dir}")
        data = found[0].read_bytes()
        digest = sha256(data)
        check(digest in req["hashes"], f"{found[0].name}: sha256 {digest} not pinned")
        out[name] = {"version": req["version"], "artifact": found[0].name, "sha256": digest,
                     "zip": zipfile.ZipFile(io.BytesIO(data)), "members": {}}
    return out


def member(src: dict, path: str) -> bytes:
    data = src["zip"].read(path)
    src["members"][path] = sha256(data)
    return data


def npm_package(name: str) -> dict:
    pkg_dir = ROOT / "node_modules" / name
    check(pkg_dir.is_dir(), f"node_modules/{name} missing: run `npm ci` first")
    version = json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))["version"]
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"].get(f"node_modules/{name}", {})
    check(locked.get("version") == version,
          f"node_modules/{name} is {version}, package-lock.json says {locked.get('version')}: run `npm ci`")
    return {"version": version, "integrity": locked.get("integrity"), "dir": pkg_dir, "members": {}}


def npm_member(src: dict, path: str) -> bytes:
    data = (src["dir"] / path).read_bytes()
    src["members"][path] = sha256(data)
    return data


def literal_assignments(source: bytes, names: set[str]) -> dict:
    """Top-level `NAME = <literal>` / `NAME: T = <literal>` values, without running the module."""
    out = {}
    for node in ast.parse(source).body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id in names and value is not None:
            out[target.id] = ast.literal_eval(value)
    check(set(out) == names, f"codes.py: expected {sorted(names)}, found {sorted(out)}")
    return out


# --------------------------------------------------------------------------- text checks


def clean_name(name: str, where: str, notes: list[str]) -> str:
    stripped = name.strip()
    if stripped != name:
        notes.append(f"{where}: surrounding whitespace removed from {name!r}")
    check(stripped != "", f"{where}: empty name")
    check(unicodedata.normalize("NFC", stripped) == stripped, f"{where}: name not NFC: {stripped!r}")
    check(not any(unicodedata.category(c).startswith("C") for c in stripped),
          f"{where}: control character in {stripped!r}")
    check("\ufffd" not in stripped and "Ã" not in stripped, f"{where}: mojibake in {stripped!r}")
    return stripped


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def name_variants(name: str) -> set[str]:
    """Comparable forms of a place name.

    'Alicante/Alacant' -> each half; 'Coruña, A' -> also 'A Coruña' (INE puts articles and
    'Comunidad de'-like heads after a comma); 'A Coruña [La Coruña]' -> both (ISO bracket form).
    """
    parts = [name, *name.split("/")]
    for p in list(parts):
        m = re.fullmatch(r"(.*?)\s*\[(.*)\]", p.strip())
        if m:
            parts += [m.group(1), m.group(2)]
    out = set()
    for p in parts:
        p = p.strip()
        out.add(norm(p))
        m = re.fullmatch(r"(.+), ([^,]+)", p)
        if m:
            out.add(norm(f"{m.group(2)} {m.group(1)}"))
    out.discard("")
    return out


def match_iso(entities: dict[str, tuple[str, tuple[str, ...]]], iso: list[dict], what: str,
              log: list[str]) -> dict[str, str]:
    """INE code -> ISO 3166-2 code, by name. Each INE entity must match exactly one ISO
    subdivision, by its INE name or, failing that, by the other names its source package lists
    for it; and no two may match the same one."""
    iso_variants = [(s["code"], name_variants(s["name"])) for s in iso]
    result: dict[str, str] = {}
    for code, (name, aliases) in sorted(entities.items()):
        hits = {c for c, v in iso_variants if v & name_variants(name)}
        how = "INE name"
        if not hits:
            alias_variants = set().union(*(name_variants(a) for a in aliases)) if aliases else set()
            hits = {c for c, v in iso_variants if v & alias_variants}
            how = "alias listed by spain-open-data-mcp"
        check(len(hits) == 1, f"{what} {code} {name!r}: ISO 3166-2 matches {sorted(hits)}")
        result[code] = hits.pop()
        if how != "INE name":
            log.append(f"{what} {code} {name!r} -> {result[code]} matched by {how}")
    dupes = {v for v in result.values() if list(result.values()).count(v) > 1}
    check(not dupes, f"{what}: ISO codes matched more than once: {sorted(dupes)}")
    check(len(result) == len(iso), f"{what}: {len(result)} INE entries vs {len(iso)} ISO subdivisions")
    return result


# --------------------------------------------------------------------------- build


def build(wheel_dir: Path) -> tuple[dict[str, bytes], list[str]]:
    log: list[str] = []
    notes: list[str] = []
    wheels = fetch_wheels(wheel_dir)
    sodm, pyc = wheels["spain-open-data-mcp"], wheels["pycountry"]
    npm = npm_package(NPM_COUNTRIES)

    # ---- countries: i18n-iso-countries, restricted to pycountry's ISO 3166-1 list
    iso1 = json.loads(member(pyc, PYCOUNTRY_3166_1))["3166-1"]
    iso1_alpha3 = {c["alpha_2"]: c["alpha_3"] for c in iso1}
    codes = json.loads(npm_member(npm, "codes.json"))
    names = {lang: json.loads(npm_member(npm, f"langs/{lang}.json"))["countries"] for lang in ("en", "es")}

    def official(value):  # the package lists the official name first when it has several
        return value[0] if isinstance(value, list) else value

    countries = []
    extra = []
    for alpha2, alpha3, *_rest in codes:
        if alpha2 not in iso1_alpha3:
            extra.append(f"{alpha2}/{alpha3} ({official(names['en'][alpha2])})")
            continue
        check(iso1_alpha3[alpha2] == alpha3, f"{alpha2}: alpha-3 {alpha3} vs pycountry {iso1_alpha3[alpha2]}")
        countries.append([
            alpha2, alpha3,
            clean_name(official(names["en"][alpha2]), f"country {alpha2} en", notes),
            clean_name(official(names["es"][alpha2]), f"country {alpha2} es", notes),
        ])
    missing = set(iso1_alpha3) - {c[0] for c in countries}
    check(not missing, f"ISO 3166-1 codes missing from {NPM_COUNTRIES}: {sorted(missing)}")
    countries.sort()
    if extra:
        notes.append(f"left out of countries (in {NPM_COUNTRIES} but not ISO 3166-1 per pycountry): "
                     + ", ".join(extra))

    # ---- INE provinces and autonomous communities (spain-open-data-mcp places/codes.py)
    lits = literal_assignments(member(sodm, SODM_CODES), {"CCAA", "PROVINCES"})
    ccaa_src: dict = lits["CCAA"]
    prov_src: dict = lits["PROVINCES"]
    iso2_es = [s for s in json.loads(member(pyc, PYCOUNTRY_3166_2))["3166-2"] if s["code"].startswith("ES-")]
    iso_by_code = {s["code"]: s for s in iso2_es}

    prov_iso = match_iso({c: (v[0], tuple(v[2])) for c, v in prov_src.items()},
                         [s for s in iso2_es if s["type"] in ISO_PROVINCE_TYPES], "province", log)
    ccaa_iso = match_iso({c: (v[0], tuple(v[1])) for c, v in ccaa_src.items()},
                         [s for s in iso2_es if s["type"] in ISO_CCAA_TYPES], "community", log)

    provinces = []
    for code, (name, ccaa, _aliases) in sorted(prov_src.items()):
        check(re.fullmatch(r"\d{2}", code) is not None, f"province code {code!r}")
        check(ccaa in ccaa_src, f"province {code}: unknown community {ccaa}")
        iso = iso_by_code[prov_iso[code]]
        # Consistency between the two independent sources: ISO's parent of the province must be
        # the ISO code matched for the province's INE community (Ceuta/Melilla are their own).
        check(iso.get("parent", iso["code"]) == ccaa_iso[ccaa],
              f"province {code} {name!r}: ISO parent {iso.get('parent')} vs community {ccaa} -> {ccaa_iso[ccaa]}")
        provinces.append([code, prov_iso[code], clean_name(name, f"province {code}", notes), ccaa])
    communities = [[code, ccaa_iso[code], clean_name(name, f"community {code}", notes)]
                   for code, (name, _aliases) in sorted(ccaa_src.items())]

    # ---- municipalities (spain-open-data-mcp data/municipalities.csv, from INE table 29005)
    tables = json.loads(member(sodm, SODM_TABLES))
    rows = list(csv.DictReader(io.StringIO(member(sodm, SODM_MUNICIPALITIES).decode("utf-8"))))
    municipalities = []
    dates = set()
    for r in rows:
        code = r["code"]
        check(re.fullmatch(r"\d{5}", code) is not None, f"municipality code {code!r}")
        check(r["province_code"] == code[:2], f"municipality {code}: province {r['province_code']}")
        check(code[:2] in prov_src, f"municipality {code}: unknown province")
        dates.add(r["population_date"])
        municipalities.append([code, clean_name(r["name"], f"municipality {code}", notes)])
    municipalities.sort()
    check(len({m[0] for m in municipalities}) == len(municipalities), "duplicate municipality codes")
    check({m[0][:2] for m in municipalities} == set(prov_src), "provinces without municipalities")
    check(dates == {f"{tables['padron_year']}-01-01"}, f"municipality list dates {sorted(dates)}")

    # ---- write
    files = {
        "countries.json": table(["alpha_2", "alpha_3", "name", "name_es"], countries),
        "communities.json": table(["ine_code_ccaa", "code_iso_3166_2", "name"], communities),
        "provinces.json": table(["ine_code_pro", "code_iso_3166_2", "name", "ine_code_ccaa"], provinces),
        "municipalities.json": table(["ine_code", "name"], municipalities),
    }
    file_info = {n: {"sha256": sha256(b), "bytes": len(b), "rows": len(json.loads(b)["rows"]),
                     "fields": json.loads(b)["fields"]} for n, b in files.items()}
    manifest = {
        "description": "Geo reference data for the geo service, generated by scripts/geo/build-data.py "
                       "from the packages below; do not edit by hand.",
        "ine_release": {
            "what": "INE municipality codes and names as in 'Cifras oficiales de población de los "
                    f"municipios (Padrón)' at 1 January {tables['padron_year']} (INE table "
                    f"{tables['padron_municipal']}), as bundled by spain-open-data-mcp",
            "reference_date": f"{tables['padron_year']}-01-01",
            "ine_table": tables["padron_municipal"],
            "retrieved_by_package": tables.get("generated_at"),
            "attribution": "Fuente: INE (CC BY 4.0)",
            "code_format": "ine_code = CPRO (2 digits) + CMUN (3 digits); INE's control digit (DC) is not included",
        },
        "sources": [
            {"registry": "npm", "package": NPM_COUNTRIES, "version": npm["version"], "integrity": npm["integrity"],
             "members": npm["members"], "used_for": "countries.json: alpha_2, alpha_3, name (en), name_es (es)"},
            {"registry": "pypi", "package": "pycountry", "version": pyc["version"], "artifact": pyc["artifact"],
             "sha256": pyc["sha256"], "members": pyc["members"],
             "used_for": "ISO 3166-1 membership and alpha-3 cross-check; ISO 3166-2:ES codes of provinces "
                         "and communities (matched to INE by name)"},
            {"registry": "pypi", "package": "spain-open-data-mcp", "version": sodm["version"],
             "artifact": sodm["artifact"], "sha256": sodm["sha256"], "members": sodm["members"],
             "used_for": "municipalities.json (codes, INE names); provinces.json and communities.json "
                         "(INE codes and names)"},
        ],
        "counts": {n.removesuffix(".json"): i["rows"] for n, i in file_info.items()},
        "files": file_info,
        "content_sha256": sha256("".join(f"{n}\t{i['sha256']}\n" for n, i in sorted(file_info.items())).encode()),
        "notes": notes + log,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files, notes + log


def table(fields: list[str], rows: list[list]) -> bytes:
    """{"fields": [...], "rows": [[...], ...]} with one row per line (compact, diff-friendly)."""
    body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows)
    return (f'{{"fields":{json.dumps(fields, separators=(",", ":"))},"rows":[\n{body}\n]}}\n').encode("utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with the committed files, write nothing")
    ap.add_argument("--wheel-dir", type=Path, help="where to keep the downloaded wheels (default: a temp dir)")
    ap.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default: {OUT_DIR.relative_to(ROOT)})")
    args = ap.parse_args()
    try:
        if args.wheel_dir:
            args.wheel_dir.mkdir(parents=True, exist_ok=True)
            files, notes = build(args.wheel_dir)
        else:
            with tempfile.TemporaryDirectory(prefix="geo-wheels-") as tmp:
                files, notes = build(Path(tmp))
    except BuildError as e:
        print(f"build-data: FAILED: {e}", file=sys.stderr)
        return 1
    for n in notes:
        print(f"note: {n}")
    if args.check:
        stale = [n for n, b in files.items() if not (args.out / n).is_file() or (args.out / n).read_bytes() != b]
        for n in stale:
            print(f"differs: {args.out / n}")
        print("up to date" if not stale else "out of date: run python3 scripts/geo/build-data.py")
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for n, b in files.items():
        (args.out / n).write_bytes(b)
        print(f"wrote {args.out / n} ({len(b)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
