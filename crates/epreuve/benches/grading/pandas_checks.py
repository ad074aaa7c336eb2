"""The checks of bloc1-chargement, written as a data engineer would with pandas and
SQLAlchemy: the baseline `cargo bench --bench grading` sets epreuve against.

For each of the four tables: the columns of the source are in the table, the row count is the
source's, each declared type belongs to the family of the source values and numbers and texts
are sized to fit, and the values match the source row by row, paired by the natural key (the
same rules as epreuve: numbers with a decimal comma, dd/mm/yyyy dates, oui/non booleans).
It prints one line of JSON: the checks passed and failed.

Usage: python pandas_checks.py <workspace> (the workspace's data/ and base.duckdb).
"""

import json
import sys
from pathlib import Path

import pandas as pd
import sqlalchemy

KEYS = {
    "ventes": ["id_vente"],
    "magasins": ["code_magasin"],
    "objectifs": ["code_magasin", "annee", "mois"],
    "produits": ["sku"],
}

# Families the grader imposes where the values alone mislead (a postal code is a text).
FAMILIES = {"magasins": {"code_postal": "text"}}


def sources(data: Path) -> dict:
    ventes = pd.read_csv(data / "ventes.csv", sep=";", dtype=str, keep_default_na=False)
    sheets = pd.read_excel(data / "magasins.xlsx", sheet_name=None, dtype=str)
    catalogue = json.loads((data / "catalogue.json").read_text(encoding="utf-8"))
    produits = pd.json_normalize(
        catalogue["categories"], record_path="produits", meta=["code"]
    ).rename(columns={"code": "categorie"})
    return {
        "ventes": ventes,
        "magasins": sheets["magasins"],
        "objectifs": sheets["objectifs"],
        "produits": produits.map(as_text),
    }


def as_text(value):
    """A JSON value as the text a file would hold (None stays missing, 250.0 reads 250)."""
    if value is None or value != value:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def family(values: pd.Series) -> str:
    present = values.dropna().astype(str).str.strip()
    present = present[present != ""]
    if present.empty:
        return "text"
    numbers = pd.to_numeric(present.str.replace(",", ".", regex=False), errors="coerce")
    if numbers.notna().all():
        is_int = present.str.fullmatch(r"[-+]?\d+").all()
        return "integer" if is_int else "decimal"
    dates = pd.to_datetime(present, format="%d/%m/%Y", errors="coerce")
    dates = dates.fillna(pd.to_datetime(present.str[:10], format="%Y-%m-%d", errors="coerce"))
    if dates.notna().all():
        return "date"
    if present.str.lower().isin(["oui", "non", "true", "false"]).all():
        return "boolean"
    return "text"


def canonical(values: pd.Series, kind: str) -> pd.Series:
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    if kind in ("integer", "decimal"):
        return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").round(9)
    if kind == "date":
        first = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
        return first.fillna(pd.to_datetime(text.str[:10], format="%Y-%m-%d", errors="coerce"))
    if kind == "boolean":
        lowered = text.str.lower()
        return lowered.map({"oui": True, "non": False, "true": True, "false": False, "1": True, "0": False})
    return text


def values_intact(left: pd.DataFrame, right: pd.DataFrame, key: list) -> bool:
    """Every source row (`left`) has its row in the table (`right`), paired by `key`, with the
    same canonical values (missing pairs with missing)."""
    merged = left.merge(right, on=key, how="inner", suffixes=("", "_table"))
    intact = pd.Series(True, index=merged.index)
    for c in left.columns:
        if c in key or f"{c}_table" not in merged.columns:
            continue
        a, b = merged[c], merged[f"{c}_table"]
        intact &= (a == b) | (a.isna() & b.isna())
    return bool(intact.all()) and len(merged) == len(left)


def declared_family(sql_type: str) -> str:
    t = sql_type.upper()
    if any(w in t for w in ("INT",)):
        return "integer"
    if any(w in t for w in ("DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL")):
        return "decimal"
    if "TIMESTAMP" in t:
        return "timestamp"
    if "DATE" in t:
        return "date"
    if "BOOL" in t:
        return "boolean"
    return "text"


def main() -> None:
    workspace = Path(sys.argv[1])
    engine = sqlalchemy.create_engine(
        f"duckdb:///{workspace / 'base.duckdb'}", connect_args={"read_only": True}
    )
    passed, failed = [], []
    for table, source in sources(workspace / "data").items():
        with engine.connect() as conn:
            found = pd.read_sql(sqlalchemy.text(f'SELECT * FROM "{table}"'), conn)
            count = conn.execute(sqlalchemy.text(f'SELECT COUNT(*) FROM "{table}"')).scalar()
            declared = pd.read_sql(
                sqlalchemy.text(
                    "SELECT column_name, data_type, character_maximum_length, numeric_scale "
                    "FROM information_schema.columns WHERE table_name = :t"
                ),
                conn,
                params={"t": table},
            )
        columns = {row.column_name.lower(): row for row in declared.itertuples()}
        found.columns = [c.lower() for c in found.columns]
        checks = {}
        checks["columns"] = all(c.lower() in columns for c in source.columns)
        checks["row_count"] = count == len(source)
        kinds = {c: FAMILIES.get(table, {}).get(c) or family(source[c]) for c in source.columns}
        checks["type_family"] = all(
            declared_family(columns[c.lower()].data_type) == kinds[c]
            for c in source.columns
            if c.lower() in columns and kinds[c] != "text" or False
        )
        sizes_ok = True
        for c in source.columns:
            info = columns.get(c.lower())
            if info is None:
                continue
            if kinds[c] == "text":
                longest = source[c].dropna().astype(str).str.len().max()
                length = info.character_maximum_length
                if length == length and length is not None and length < (longest or 0):
                    sizes_ok = False
            elif kinds[c] == "decimal":
                scale = info.numeric_scale
                decimals = source[c].dropna().astype(str).str.split(r"[.,]").str[1].str.rstrip("0").str.len().max()
                if scale is not None and decimals == decimals and scale < decimals:
                    sizes_ok = False
        checks["size"] = sizes_ok
        key = KEYS[table]
        left = pd.DataFrame({c: canonical(source[c], kinds[c]) for c in source.columns})
        right = pd.DataFrame(
            {c: canonical(found[c.lower()], kinds[c]) for c in source.columns if c.lower() in found.columns}
        )
        checks["values"] = values_intact(left, right, key)
        for name, ok in checks.items():
            (passed if ok else failed).append(f"{table}.{name}")
    print(json.dumps({"passed": passed, "failed": failed}))


if __name__ == "__main__":
    main()
