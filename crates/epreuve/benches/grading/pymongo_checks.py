"""The loading checks of bloc1-documents, written as a data engineer would with pandas and
pymongo: the baseline `cargo bench --bench grading_mongodb` sets epreuve against.

For each of the four collections: the columns of the source are fields of its documents, the
document count is the source's row count, every field's BSON type belongs to the family of
the source values, integers and strings are sized (int or long, the validator's maxLength),
and the values match the source row by row, paired by the natural key (the
reading rules of pandas_checks.py, whose functions this script imports). It prints one line of
JSON: the checks passed and failed.

Usage: python pymongo_checks.py <connection string of the candidate's database> <data folder>
"""

import datetime
import json
import sys
from pathlib import Path

import pandas as pd
import pymongo
from bson.decimal128 import Decimal128
from bson.int64 import Int64

sys.path.insert(0, str(Path(__file__).parent))
from pandas_checks import FAMILIES, KEYS, canonical, family, sources, values_intact  # noqa: E402


def bson_family(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal128)):
        return "decimal"
    if isinstance(value, datetime.datetime):
        return "date"
    return "text"


def as_text(value):
    """A document's value as the text canonical() reads (a date as yyyy-mm-dd)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def main() -> None:
    client = pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000)
    db = client.get_default_database()
    passed, failed = [], []
    for table, source in sources(Path(sys.argv[2])).items():
        documents = list(db[table].find({}, {"_id": 0}))
        count = db[table].count_documents({})
        found = pd.DataFrame(documents)
        checks = {}
        checks["columns"] = all(c in found.columns for c in source.columns)
        checks["row_count"] = count == len(source)
        kinds = {c: FAMILIES.get(table, {}).get(c) or family(source[c]) for c in source.columns}
        # The BSON types from the documents themselves: a DataFrame turns an integer field
        # with missing values into floats.
        seen, widths = {}, {}
        for document in documents:
            for field, value in document.items():
                if value is not None:
                    seen.setdefault(field, set()).add(bson_family(value))
                    if isinstance(value, int) and not isinstance(value, bool):
                        widths.setdefault(field, set()).add("long" if isinstance(value, Int64) else "int")
        types_ok = all(
            seen.get(c, {kinds[c]}) == {kinds[c]} for c in source.columns if kinds[c] != "text"
        )
        checks["type_family"] = types_ok
        # Sizes: an integer field int unless its values need more, a string's maxLength in the
        # validator from the longest source value (at least it, at most twice it or 10 more).
        options = next(db.list_collections(filter={"name": table}), {}).get("options", {})
        properties = options.get("validator", {}).get("$jsonSchema", {}).get("properties", {})
        sizes_ok = True
        for c in source.columns:
            if kinds[c] == "integer":
                numbers = pd.to_numeric(source[c], errors="coerce").dropna()
                needs_long = not numbers.empty and (numbers.abs().max() > 2**31 - 1)
                if "long" in widths.get(c, set()) or (needs_long and "int" in widths.get(c, set())):
                    sizes_ok = False
            elif kinds[c] == "text" and c in properties:
                longest = int(source[c].dropna().astype(str).str.len().max() or 0)
                length = properties[c].get("maxLength")
                if length is None or length < longest or length > max(2 * longest, longest + 10):
                    sizes_ok = False
        checks["size"] = sizes_ok
        key = KEYS[table]
        left = pd.DataFrame({c: canonical(source[c], kinds[c]) for c in source.columns})
        right = pd.DataFrame(
            {
                c: canonical(found[c].map(as_text, na_action="ignore"), kinds[c])
                for c in source.columns
                if c in found.columns
            }
        )
        checks["values"] = values_intact(left, right, key)
        for name, ok in checks.items():
            (passed if ok else failed).append(f"{table}.{name}")
    print(json.dumps({"passed": passed, "failed": failed}))


if __name__ == "__main__":
    main()
