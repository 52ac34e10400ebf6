"""``datapackage.json``: the Frictionless Data Package describing the open-data folder.

A Table Schema per file, generated from the declarations in :mod:`.schemas`; the licence
(CC-BY 4.0), the sources, the period, the version (the issued revision, or ``bozza``), and each
file's provenance: what data it was made from (the SHA-256 of every input file) and which
revision of the reports it goes with.
"""

from __future__ import annotations

import hashlib

from ..core.schema import Schema

LICENCE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribuzione 4.0 Internazionale",
}
DIALECT = {"delimiter": ";", "header": True, "quoteChar": '"', "lineTerminator": "\n"}


def table_schema(schema: Schema) -> dict:
    """The file's Frictionless Table Schema, booleans written ``true``/``false``."""
    descriptor = schema.table_schema()
    for field in descriptor["fields"]:
        if field["type"] == "boolean":
            field.update(trueValues=["true"], falseValues=["false"])
        column = schema[field["name"]]
        if column.unit:
            field["description"] = f"{field.get('description', '')} (unità: {column.unit})".strip()
    return descriptor


def resource(schema: Schema, data: bytes, title: str, provenance: dict) -> dict:
    """One file of the package: where it is, how it is written, its schema, hash and provenance."""
    return {
        "name": schema.name.removesuffix(".csv").replace("_", "-"),
        "path": schema.name,
        "profile": "tabular-data-resource",
        "title": title,
        "description": schema.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "dialect": DIALECT,
        "schema": table_schema(schema),
        "licenses": [LICENCE],
        "kpilib_provenienza": provenance,
    }


def package(
    name: str,
    title: str,
    description: str,
    version: str,
    created: str,
    resources: list[dict],
    sources: list[dict],
    keywords: list[str],
    provenance: dict,
) -> dict:
    """The package descriptor (``datapackage.json``)."""
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "created": created,
        "keywords": keywords,
        "licenses": [LICENCE],
        "sources": sources,
        "resources": resources,
        "kpilib_provenienza": provenance,
    }
