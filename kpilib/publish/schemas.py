"""The open-data tables, declared once: their Italian columns, types, units and descriptions (Italian: they
are published in the data package's Table Schemas).

One table per file, one header row, the unit in the heading (``valore_percentuale``,
``target_giorni``): a value or a target sits in the column of its unit, the others of its row
empty. The Frictionless Table Schema of each file is generated from these declarations
(:meth:`~kpilib.core.schema.Schema.table_schema`).
"""

from __future__ import annotations

from ..core.schema import Column, Schema
from ..core.schemas import DELIVERY_STATUS
from ..core.vocabulary import Unit

# The unit of a value, as the headings write it.
UNIT_SUFFIX = {
    Unit.PERCENT: "percentuale",
    Unit.DAYS: "giorni",
    Unit.WORKING_DAYS: "giorni_lavorativi",
    Unit.HOURS: "ore",
    Unit.NUMBER: "numero",
}
RESULT_WORDS = ("raggiunto", "non raggiunto", "da confermare", "senza dati", "senza target")


def _by_unit(prefix: str, what: str) -> tuple[Column, ...]:
    return tuple(
        Column(
            f"{prefix}_{suffix}",
            f"{what}, in {suffix.replace('_', ' ')} (vuoto se l'unità è un'altra)",
            type="number",
            unit=str(unit),
        )
        for unit, suffix in UNIT_SUFFIX.items()
    )


_ID = Column("id_indicatore", "identificativo stabile dell'indicatore (kpilib)", required=True)
_PERIOD = Column(
    "periodo", "il periodo: 2025 (anno), 2025-S2 (semestre), 2025-Q3 (trimestre), 2025-07 (mese)", type="period"
)
TARGET_WORDS = ("almeno", "più di", "al massimo", "meno di", "uguale a")

OPEN_INDICATORS = Schema(
    "indicatori.csv",
    "gli indicatori monitorati, con il target in vigore alla fine del periodo",
    (
        _ID,
        Column("direzione", "la direzione"),
        Column("area", "l'area"),
        Column("ufficio", "l'ufficio che gestisce il processo"),
        Column("processo", "il processo"),
        Column("indicatore", "l'indicatore come pubblicato"),
        Column("sotto_indicatore", "il sotto-indicatore, dove c'è"),
        Column("target_pubblicato", "il target come lo scrive la tabella pubblicata"),
        Column("confronto", "come un valore si confronta con il target", allowed=TARGET_WORDS),
        *_by_unit("target", "la soglia del target"),
        Column("migliore", "quale direzione è migliore", allowed=("più alto", "più basso")),
        Column("frequenza", "ogni quanto si misura", allowed=("mensile", "trimestrale", "semestrale", "annuale")),
        Column("in_vigore_dal", "primo anno di questa versione del target (vuoto: dall'inizio)", type="integer"),
        Column("in_vigore_fino_al", "ultimo anno di questa versione (vuoto: ancora in vigore)", type="integer"),
    ),
    key=("id_indicatore",),
)
OPEN_RESULTS = Schema(
    "risultati.csv",
    "l'esito di ogni indicatore nel periodo e nei periodi che lo compongono, con i valori da cui viene",
    (
        _ID,
        _PERIOD,
        Column("data_inizio", "primo giorno del periodo", type="date"),
        Column("data_fine", "ultimo giorno del periodo", type="date"),
        *_by_unit("valore", "il valore"),
        Column(
            "valore_unita_non_definita",
            "il valore di un indicatore il cui target pubblicato non è leggibile (unità non nota)",
            type="number",
        ),
        Column("numeratore", "casi nel target, per una percentuale", type="number"),
        Column("denominatore", "casi in tutto, per una percentuale", type="number"),
        *_by_unit("target", "il target in vigore nel periodo"),
        Column("esito", "l'esito rispetto al target", allowed=RESULT_WORDS),
        Column("periodi_raggiunti", "dei periodi più brevi che lo compongono, quelli nel target", type="integer"),
        Column("periodi_attesi", "i periodi più brevi che lo compongono (1: il periodo stesso)", type="integer"),
        Column("periodi_mancanti", "di questi, quelli senza valore", type="integer"),
        Column("da_periodi_brevi", "il valore è ricavato dai periodi più brevi", type="boolean"),
    ),
    key=("id_indicatore", "periodo"),
)
OPEN_NONCONFORMITIES = Schema(
    "non_conformita.csv",
    "le non conformità (ISO 9001, 10.2) come episodi: dal primo periodo fuori target al rientro",
    (
        _ID,
        Column("primo_periodo", "il primo periodo fuori target", type="period"),
        Column("ultimo_periodo", "l'ultimo periodo fuori target", type="period"),
        Column("periodi_non_raggiunti", "i periodi fuori target", type="integer"),
        Column("aperta", "ancora aperta alla fine del periodo pubblicato", type="boolean"),
        Column("periodo_chiusura", "il periodo in cui si è chiusa", type="period"),
        Column("chiusa_da", "come si è chiusa", allowed=("ritorno al target", "decisione registrata", "")),
        Column("causa", "la causa registrata"),
        Column("correzione", "la correzione fatta"),
        Column("azione", "l'azione correttiva decisa"),
        Column("data_verifica", "quando verificare l'azione", type="date"),
        Column("efficacia", "l'esito della verifica dell'azione", allowed=("efficace", "non efficace", "")),
        Column("verificata_il", "quando l'azione è stata verificata", type="date"),
        Column("scaduta", "la data di verifica è passata senza esito", type="boolean"),
        Column("stato", "a che punto è"),
        Column("ultimo_valore", "il valore del suo ultimo periodo", type="number"),
        Column("target_pubblicato", "il target come pubblicato"),
    ),
)
# The delivery status as kpi status writes it (core.schemas.DELIVERY_STATUS), its columns renamed and described
# in Italian: the types are that file's own.
DELIVERY_NAMES = {
    "period": ("periodo", "il periodo raccolto"),
    "direction": ("direzione", "la direzione"),
    "office": ("ufficio", "l'ufficio"),
    "requested": ("righe_richieste", "valori chiesti all'ufficio"),
    "delivered": ("righe_consegnate", "valori inviati"),
    "accepted": ("accettate", "valori in vigore"),
    "unavailable": ("non_disponibili", "valori dichiarati non disponibili"),
    "rejected": ("respinte", "valori inviati e respinti, senza un valore in vigore"),
    "corrected": ("corrette", "valori corretti da una consegna successiva"),
    "missing": ("mancanti", "valori senza nulla in vigore"),
    "due_date": ("scadenza", "la scadenza (giorni lavorativi dopo la fine del periodo, calendario di Milano)"),
    "late": ("in_ritardo", "scadenza passata con valori mancanti"),
}
OPEN_DELIVERIES = Schema(
    "consegne.csv",
    "per ufficio, a che punto è la raccolta dei valori del periodo",
    tuple(
        DELIVERY_STATUS[source].renamed(name, description, required=False)
        for source, (name, description) in DELIVERY_NAMES.items()
    ),
)
OPEN_TABLES = (OPEN_INDICATORS, OPEN_RESULTS, OPEN_NONCONFORMITIES, OPEN_DELIVERIES)
