"""Who publishes, for the metadata of the open data: ``data/raw/pubblicazione.csv``.

``voce;valore`` rows, as the project's other settings files. Required (the DCAT-AP_IT profile the
national catalogue and the city's CKAN portal read asks for them): ``editore`` and
``codice_ipa_editore`` (the publisher and its code in the IPA index), ``titolare`` and
``codice_ipa_titolare`` (the rights holder), ``tema`` (a theme of the EU data-theme vocabulary,
e.g. ``GOVE``), ``frequenza`` (``mensile``, ``trimestrale``, ``semestrale``, ``annuale``) and
``indirizzo`` (the web address the open-data folder is published under). Optional:
``contatto`` and ``contatto_email`` (the contact point), ``parole_chiave`` (separated by commas).
A missing file or setting is one line naming the file and what to write; a title row above the settings
(one cell, as a spreadsheet saves it) is passed over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import KpiError
from ..core.files import read_csv_rows
from ..core.paths import Paths
from ..core.text import plain_key

# The EU data-theme vocabulary (http://publications.europa.eu/resource/authority/data-theme), as DCAT-AP_IT uses it.
THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN")
# Italian words -> the EU frequency vocabulary (http://publications.europa.eu/resource/authority/frequency).
FREQUENCIES = {"mensile": "MONTHLY", "trimestrale": "QUARTERLY", "semestrale": "ANNUAL_2", "annuale": "ANNUAL"}
_IPA = re.compile(r"^[a-z0-9_]{2,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
REQUIRED = {
    "editore": "il nome dell'ente che pubblica, es. Comune di Milano",
    "codice_ipa_editore": "il codice IPA dell'ente che pubblica, es. c_f205",
    "titolare": "il titolare dei dati, es. Comune di Milano",
    "codice_ipa_titolare": "il codice IPA del titolare dei dati, es. c_f205",
    "tema": f"un tema del vocabolario europeo ({', '.join(THEMES)}), es. GOVE",
    "frequenza": f"la frequenza di aggiornamento ({', '.join(FREQUENCIES)})",
    "indirizzo": "l'indirizzo web sotto cui si pubblica la cartella open-data, es. https://dati.comune.milano.it/dataset/",
}
OPTIONAL = ("contatto", "contatto_email", "parole_chiave")


@dataclass(frozen=True)
class PublicationSettings:
    publisher: str
    publisher_ipa: str
    rights_holder: str
    rights_holder_ipa: str
    theme: str
    frequency: str  # the EU vocabulary's code
    address: str  # ends with "/"
    contact: str = ""
    contact_email: str = ""
    keywords: tuple[str, ...] = ()


def read_publication_settings(paths: Paths) -> PublicationSettings:
    """The settings of ``data/raw/pubblicazione.csv``; a :class:`KpiError` naming the file and the setting
    that is missing or wrong."""
    path = paths.publication_settings
    where = paths.relative(path)
    if not path.is_file():
        example = "; ".join(f"{key};…" for key in REQUIRED)
        raise KpiError(f"{where}: not found; write it with 'voce;valore' rows ({example})")
    found: dict[str, str] = {}
    known = {plain_key(key): key for key in (*REQUIRED, *OPTIONAL)}
    for number, cells in enumerate(read_csv_rows(path), start=1):
        if not cells or not cells[0].strip() or plain_key(cells[0]) == "voce":
            continue
        key = known.get(plain_key(cells[0]))
        value = cells[1].strip() if len(cells) > 1 else ""
        if key is None and not value and not any(cell.strip() for cell in cells[2:]):
            continue  # a title row or a note above the settings: nothing to read
        if key is None:
            raise KpiError(
                f"{where}: row {number}: unknown setting '{cells[0].strip()}' (known: {', '.join(known.values())})"
            )
        found[key] = value
    for key, what in REQUIRED.items():
        if not found.get(key):
            raise KpiError(f"{where}: setting '{key}' missing: write a row '{key};…' with {what}")
    theme = found["tema"].upper()
    if theme not in THEMES:
        raise KpiError(f"{where}: tema '{found['tema']}': write one of {', '.join(THEMES)}")
    frequency = FREQUENCIES.get(found["frequenza"].casefold())
    if frequency is None:
        raise KpiError(f"{where}: frequenza '{found['frequenza']}': write one of {', '.join(FREQUENCIES)}")
    for key in ("codice_ipa_editore", "codice_ipa_titolare"):
        if not _IPA.match(found[key]):
            raise KpiError(
                f"{where}: {key} '{found[key]}': an IPA code is lower-case letters, digits and _, e.g. c_f205"
            )
    address = found["indirizzo"]
    if not re.match(r"^https?://[^\s/]+", address):
        raise KpiError(f"{where}: indirizzo '{address}': write a web address starting with https://")
    email = found.get("contatto_email", "")
    if email and not _EMAIL.match(email):
        raise KpiError(f"{where}: contatto_email '{email}' is not an e-mail address")
    keywords = tuple(word.strip() for word in found.get("parole_chiave", "").split(",") if word.strip())
    return PublicationSettings(
        publisher=found["editore"],
        publisher_ipa=found["codice_ipa_editore"],
        rights_holder=found["titolare"],
        rights_holder_ipa=found["codice_ipa_titolare"],
        theme=theme,
        frequency=frequency,
        address=address if address.endswith("/") else address + "/",
        contact=found.get("contatto", ""),
        contact_email=email,
        keywords=keywords,
    )
