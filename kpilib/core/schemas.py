"""Every file the project reads or writes, declared once (:class:`~.schema.Schema`).

Each concept that travels between stages (an indicator id, a period, a value, a note) is
one :class:`~.schema.Column` here, with the headings a person may write for it; the files
are made of those columns. Readers, writers, the reference tables (``tests/test_docs.py``)
and the published Table Schemas derive from these declarations. Pandas-free: ``kpi events``
imports this module.
"""

from __future__ import annotations

from .schema import Column, Schema
from .vocabulary import Assurance, Basis, Comparator, LimitKind, Polarity, Status, Unit, Variation

# Concepts, with every heading accepted for them on input (Italian first).
INDICATOR_ID = Column(
    "indicator_id",
    "the id from indicators.csv",
    headings=("indicatore", "codice indicatore", "id indicatore", "indicator"),
    required=True,
)
PERIOD = Column(
    "period",
    "canonical form: 2025, 2025-S1, 2025-Q3, 2025-07",
    type="period",
    headings=("periodo", "periodo di riferimento"),
    required=True,
)
VALUE = Column("value", "the measured value, in the target's unit", type="number", headings=("valore",))
NUMERATOR = Column("numerator", "cases within the target (shares)", type="number", headings=("numeratore",))
DENOMINATOR = Column("denominator", "cases in all (shares)", type="number", headings=("denominatore",))
NOTE = Column("note", "the office's note, as written", headings=("nota", "notes"))
SOURCE = Column("source", "the input file, relative to the root")
ROW = Column("row", "the row a person sees in that file (header = 1)", type="integer")
RAW = Column("raw", "what the row said: its cells as text")

# Inputs.

DELIVERY = Schema(
    "measurement delivery",
    "an office's measurements: CSV, XLSX or ODS, one measurement a row",
    (INDICATOR_ID, PERIOD, VALUE.renamed("value", required=True), NUMERATOR, DENOMINATOR, NOTE),
)
CASES = Schema(
    "case records",
    "one case a row: CSV or Parquet",
    (
        INDICATOR_ID,
        Column(
            "case_id", "the case's id", headings=("caso", "id caso", "pratica", "id pratica", "case"), required=True
        ),
        Column("opened", "opening date or date-time", headings=("apertura", "data apertura", "aperto"), required=True),
        Column(
            "closed", "closing date (empty while open)", headings=("chiusura", "data chiusura", "chiuso"), required=True
        ),
    ),
)
CHANGES = Schema(
    "process changes register",
    "data/raw/changes/*.csv: the process changed from that period on",
    (
        INDICATOR_ID,
        PERIOD.renamed("period", headings=(*PERIOD.headings, "dal", "dal periodo")),
        Column("reason", "what changed", headings=("motivo", "descrizione", "cambiamento")),
    ),
)
REGISTER = Schema(
    "nonconformity register",
    "data/raw/nonconformities/*.csv, kept by the quality office",
    (
        INDICATOR_ID,
        PERIOD.renamed("period", required=False),
        Column("cause", "the cause found", headings=("causa",)),
        Column("correction", "the immediate fix (ISO 9001 10.2.1 a)", headings=("correzione", "trattamento")),
        Column("action", "the corrective action", headings=("azione", "azione correttiva")),
        Column("owner", "who owns the action", headings=("responsabile",)),
        Column(
            "review_date",
            "when the action is verified (GG/MM/AAAA or AAAA-MM-GG)",
            headings=("data verifica", "verifica", "data di verifica", "scadenza"),
        ),
        Column(
            "closed_on",
            "closing date, to close an episode by decision",
            headings=("data chiusura", "chiusa", "chiusa il", "chiusura", "closed"),
        ),
        Column(
            "effectiveness",
            "the verdict on the action: efficace, non efficace, or empty until verified (10.2.1 d)",
            headings=("efficacia", "esito verifica", "azione efficace"),
        ),
        Column(
            "verified_on",
            "when the effectiveness was verified (GG/MM/AAAA or AAAA-MM-GG)",
            headings=("verificata il", "verificato il", "data verifica efficacia", "verifica efficacia"),
        ),
    ),
)
ALIASES = Schema(
    "aliases.csv",
    "renamed units: the old name is read as the new one",
    (
        Column("old", "the old name", headings=("vecchio", "nome vecchio", "vecchio nome"), required=True),
        Column("new", "the new name", headings=("nuovo", "nome nuovo", "nuovo nome"), required=True),
    ),
)
CATALOG_SOURCE = Schema(
    "catalog source",
    "the published table: the page export as text, CSV or XLSX with its six headers",
    (
        Column("direction", headings=("direzione",), required=True),
        Column("area", headings=("area",), required=True),
        Column("office", headings=("unità/ufficio", "unità/uffici", "ufficio", "unità"), required=True),
        Column("process", headings=("titolo processo", "processo"), required=True),
        Column("indicator", headings=("indicatore",), required=True),
        Column("target_raw", headings=("target obiettivo", "target", "obiettivo"), required=True),
    ),
)

# Outputs.

_TEXT_ID = INDICATOR_ID.renamed("indicator_id", headings=())
_PERIOD_OUT = PERIOD.renamed("period", headings=())
TARGET_OP = Column("target_op", "comparator; empty when the target could not be parsed", allowed=Comparator)
TARGET_VALUE = Column("target_value", "the threshold", type="number")
TARGET_UNIT = Column("target_unit", "the unit of the target and of the values", allowed=Unit)
POLARITY = Column("polarity", "higher (higher is better) or lower", allowed=Polarity)
STATUS = Column("status", "how the period stands against its target", allowed=Status)
# The four columns a target travels in between files (kpilib.catalog.targets.Target.of reads them back).
_TARGET = (TARGET_OP, TARGET_VALUE, TARGET_UNIT, POLARITY)

INDICATORS = Schema(
    "indicators.csv",
    "one row per indicator and version of the table",
    (
        _TEXT_ID.renamed("indicator_id", required=True),
        Column("direction", "DIREZIONE, whitespace normalized"),
        Column("area", "AREA (empty for a placeholder)"),
        Column("office", "UNITÀ/UFFICIO"),
        Column("process", "TITOLO PROCESSO"),
        Column("indicator", "INDICATORE"),
        Column("sub_indicator", "label of one part of a compound target"),
        Column("target_raw", "the target cell as published"),
        *_TARGET,
        Column("basis", "the measurement basis the text names", allowed=Basis),
        Column("deadline_value", "N of a share-within-N indicator", type="number"),
        Column("deadline_unit", "days, working_days or hours", allowed=(Unit.DAYS, Unit.WORKING_DAYS, Unit.HOURS)),
        Column("percentile", "P of a time-for-P%-of-cases indicator", type="number"),
        Column("valid_from", "first year the version is in force (empty: open)", type="integer"),
        Column("valid_to", "last year the version is in force (empty: open)", type="integer"),
    ),
    key=("indicator_id", "valid_from"),
    sorted_by=("indicator_id", "valid_from"),
    added=("valid_from", "valid_to"),
)
ID_ALIASES = Schema(
    "indicator_aliases.csv",
    "ids as they were issued before a rename in aliases.csv: valid for the periods of their version",
    (
        Column("old_id", "the id the office was given then", required=True),
        _TEXT_ID.renamed("indicator_id", "the id the series has now", required=True),
        Column("valid_from", "first year the old id was issued for (empty: open)", type="integer"),
        Column("valid_to", "last year the old id was issued for (empty: open)", type="integer"),
    ),
    key=("old_id", "valid_from"),
)
REJECTS = Schema(
    "rejects",
    "every *_rejects.csv: the rows that could not be used, with a code and the reason",
    (
        SOURCE.renamed("source", required=True),
        ROW,
        Column("code", "a stable English identifier of the problem (kpilib.core.codes)", required=True),
        Column("reason", "the Italian text for the code, with the row's particulars", required=True),
        Column("indicator_id", "the indicator the row names, where it names one"),
        Column("period", "the period the row names, where it names one"),
        RAW,
    ),
    sorted_by=("source", "row"),
    added=("code", "indicator_id", "period"),
)
# Every processed file with one row per indicator and period starts with these; most carry the figures.
_ID_PERIOD = (_TEXT_ID.renamed("indicator_id", required=True), _PERIOD_OUT.renamed("period", required=True))
_FIGURES = (VALUE, NUMERATOR.renamed("numerator", headings=()), DENOMINATOR.renamed("denominator", headings=()))
MEASUREMENTS = Schema(
    "measurements.csv",
    "the value in force per indicator and period",
    (
        *_ID_PERIOD,
        *_FIGURES,
        NOTE.renamed("note", headings=()),
        SOURCE,
        ROW,
    ),
    key=("indicator_id", "period"),
    sorted_by=("indicator_id", "period"),
)
DELIVERY_OUTCOMES = ("accepted", "confirmed", "corrected", "superseded", "rejected")
DELIVERED_ON = Column(
    "delivered_on", "the delivery's date: in its file name, else the workbook's saved date", type="date"
)
DELIVERIES = Schema(
    "deliveries.csv",
    "the delivery ledger: every non-blank delivered row once, with what became of it",
    (
        SOURCE.renamed("source", required=True),
        ROW,
        DELIVERED_ON,
        Column("office", "the office the indicator belongs to (catalog), empty for an unknown id"),
        Column("indicator_id", "the indicator the row names (the catalog's id when known)"),
        Column("period", "the period the row names (canonical when it reads)"),
        Column("outcome", "what became of the row", allowed=DELIVERY_OUTCOMES, required=True),
        Column("code", "for a rejected row, the reject's code"),
    ),
    sorted_by=("source", "row"),
)
CORRECTIONS = Schema(
    "corrections.csv",
    "each value a later delivery replaced, with the value that replaced it",
    (
        *_ID_PERIOD,
        Column("old_value", "the value replaced (empty: declared not available)", type="number"),
        Column("new_value", "the value in force after the correction", type="number"),
        Column("old_note", "the note of the value replaced"),
        Column("new_note", "the note of the correction"),
        Column("old_source", "the delivery of the value replaced"),
        Column("old_row", "its row", type="integer"),
        Column("new_source", "the delivery of the correction"),
        Column("new_row", "its row", type="integer"),
        DELIVERED_ON.renamed("old_delivered_on", "the date of the delivery replaced"),
        DELIVERED_ON.renamed("new_delivered_on", "the date of the correction"),
    ),
    sorted_by=("indicator_id", "period"),
)
DELIVERY_STATUS = Schema(
    "delivery_status.csv",
    "per office, where the collection of a period stands",
    (
        _PERIOD_OUT.renamed("period", "the period collected", required=True),
        Column("direction", "the office's direction"),
        Column("office", "the office", required=True),
        Column("requested", "rows its template asks for", type="integer"),
        Column("delivered", "of those, rows sent with something in them", type="integer"),
        Column("accepted", "rows with a value in force", type="integer"),
        Column("unavailable", "rows declared not available", type="integer"),
        Column("rejected", "rows sent and rejected, with nothing in force", type="integer"),
        Column("corrected", "rows whose value a later delivery corrected", type="integer"),
        Column("missing", "rows with nothing in force: not sent, or rejected", type="integer"),
        Column("due_date", "the deadline: working days after the period's end (Milan's calendar)", type="date"),
        Column("late", "the deadline passed with rows missing", type="boolean"),
    ),
    sorted_by=("direction", "office"),
)
DERIVED = Schema(
    "event_measurements.csv",
    "measurements derived from case records",
    (
        *_ID_PERIOD,
        *_FIGURES,
        Column("cases", "cases opened in the period", type="integer"),
        Column("open_cases", "of those, still open at the as-of date", type="integer"),
        SOURCE.renamed("source", description="the case file(s) the value comes from, separated by '; '"),
    ),
    key=("indicator_id", "period"),
)
EVENT_MONTHLY = Schema(
    "event_monthly.csv",
    "month by month, the measurements derived from case records for indicators judged over longer periods: "
    "their SPC chart (the period is still judged at its basis)",
    DERIVED.columns,
    key=("indicator_id", "period"),
)
EVENT_BOUNDS = Schema(
    "event_bounds.csv",
    "per indicator and period computed from case records with cases still open, or a duration: what the open "
    "cases leave undecided, and the open backlog",
    (
        *_ID_PERIOD,
        Column("lower", "the value with each open case at its age: what the data already prove", type="number"),
        Column("upper", "the value if every open case stayed open for ever (inf: unbounded)", type="number"),
        Column(
            "estimate", "the Kaplan-Meier estimate of a percentile, open cases censored at their age", type="number"
        ),
        Column("open_cases", "cases still open at the as-of date", type="integer"),
        Column("oldest_open", "the age of the oldest open case, in the indicator's unit", type="number"),
        Column("open_past_due", "open cases already older than the deadline (or the duration target)", type="integer"),
    ),
    key=("indicator_id", "period"),
)
OUTLOOK = Schema(
    "outlook.csv",
    "while the evaluated period is open: whether each indicator will make its target",
    (
        *_ID_PERIOD,
        Column(
            "outlook", "in linea, a rischio, compromesso (certain)", allowed=("in linea", "a rischio", "compromesso")
        ),
        Column("probability", "of missing the target, where a model gives one", type="number"),
        Column("reason", "why, in Italian"),
    ),
    key=("indicator_id", "period"),
)
_PERIOD_COUNTS = (
    Column("periods_met", "parts of the row that met the target", type="integer"),
    Column("periods_expected", "parts expected", type="integer"),
    Column("periods_missing", "parts without a value", type="integer"),
)
_ADDED = (
    Column("relative_margin", "margin as a share of the target", type="number"),
    Column("periods_measured", "parts with a value", type="integer"),
    Column("missing_periods", "the parts without a value, separated by ';'"),
)
MARGIN = Column("margin", "signed distance to the target, positive when better", type="number")
EVALUATION = Schema(
    "evaluation.csv",
    "one row per indicator and period, held against the target in force",
    (
        *_ID_PERIOD,
        *_FIGURES,
        *_TARGET,
        STATUS.renamed("status", required=True),
        MARGIN,
        Column("required", "the period is one that the evaluated period requires", type="boolean"),
        Column("series", "the period belongs to the charted series", type="boolean"),
        Column("rolled_up", "the value was rolled up from finer measurements", type="boolean"),
        *_PERIOD_COUNTS,
        *_ADDED,
    ),
    key=("indicator_id", "period"),
    sorted_by=("indicator_id", "period"),
)
VARIATION = Column("variation", "what the XmR chart says of the point", allowed=Variation)
SPC = Schema(
    "spc.csv",
    "one row per point of each indicator's series",
    (
        *_ID_PERIOD,
        VALUE,
        Column("mean", "the segment's mean", type="number"),
        Column("lower_limit", "lower process limit", type="number"),
        Column("upper_limit", "upper process limit", type="number"),
        Column(
            "limits",
            "stable (from 12 points), trial (from 6 to 11: provisional), empty (fewer: no limits)",
            allowed=LimitKind,
        ),
        VARIATION,
        Column("signals", "the rules that fired, separated by ';'"),
        Column("segment", "0, then one more after each process change", type="integer"),
        Column("change", "the change's reason, on the first point after it"),
        TARGET_VALUE.renamed("target_value", description="the target in force in the point's period"),
    ),
    key=("indicator_id", "period"),
)
SUMMARY = Schema(
    "indicator_summary.csv",
    "one row per indicator for the evaluated period",
    (
        *_ID_PERIOD,
        *(INDICATORS[name] for name in ("direction", "area", "office", "process", "indicator", "sub_indicator")),
        INDICATORS["target_raw"],
        *_TARGET,
        *_FIGURES,
        STATUS.renamed("status", required=True),
        MARGIN,
        *_PERIOD_COUNTS,
        Column("previous_value", "the previous period's value", type="number"),
        STATUS.renamed("previous_status", "the previous period's status"),
        Column("points", "points charted", type="integer"),
        Column("mean", "the chart's mean", type="number"),
        Column("lower_limit", "lower process limit", type="number"),
        Column("upper_limit", "upper process limit", type="number"),
        _PERIOD_OUT.renamed("latest_period", "the latest period charted"),
        VARIATION,
        Column("signals", "the rules that fired on the latest point"),
        Column("assurance", "where the target lies against the limits", allowed=Assurance),
        *_ADDED,
    ),
    key=("indicator_id",),
)
OPPORTUNITY_KINDS = (
    "consistently_failing",
    "special_cause_concern",
    "deteriorating",
    "not_met",
    "hit_and_miss",
    "missing_data",
    "raise_target",
)
OPPORTUNITIES = Schema(
    "opportunities.csv",
    "one row per indicator with something to do, ranked per direction",
    (
        INDICATORS["direction"],
        _PERIOD_OUT.renamed("period", required=True),
        Column("rank", "1 = most urgent, per direction", type="integer"),
        _TEXT_ID.renamed("indicator_id", required=True),
        *(INDICATORS[name] for name in ("office", "process", "indicator", "sub_indicator")),
        Column("kind", "the most urgent kind", allowed=OPPORTUNITY_KINDS),
        Column("kinds", "every kind found, most urgent first, separated by ';'"),
        Column("score", "the ranking score", type="number"),
        Column("volume", "denominators over the period, where known", type="number"),
        Column("reason", "every reason of the indicator, in Italian"),
    ),
)
NONCONFORMITY_STATES = (
    "senza_azione",
    "in_corso",
    "azione_scaduta",
    "azione_non_efficace",
    "chiusa",
    "chiusa_senza_analisi",
)
EFFECTIVENESS = ("efficace", "non efficace")
NONCONFORMITIES = Schema(
    "nonconformities.csv",
    "one row per nonconformity episode (ISO 9001 §10.2)",
    (
        _TEXT_ID.renamed("indicator_id", required=True),
        _PERIOD_OUT.renamed("first_period", "the first period that missed the target"),
        _PERIOD_OUT.renamed("last_period", "the last period that missed the target"),
        Column("periods_not_met", "how many periods of the episode missed it", type="integer"),
        Column("open", "True until the target is met again for long enough or the register closes it", type="boolean"),
        _PERIOD_OUT.renamed("closed_period", "the period it closed in"),
        Column("closed_by", "target (met again) or registro", allowed=("target", "registro")),
        *(
            REGISTER[name].renamed(name, headings=())
            for name in ("cause", "correction", "action", "owner", "review_date", "effectiveness", "verified_on")
        ),
        Column("overdue", "open, with the review date passed and no verdict on the action", type="boolean"),
        Column("state", "where the treatment stands", allowed=NONCONFORMITY_STATES),
        Column("last_value", "the last missed value", type="number"),
        INDICATORS["target_raw"],
        SOURCE.renamed("source", "the register row attached"),
        ROW,
    ),
)
CHANGE_LIST = Schema(
    "process changes",
    "the usable rows of the process-changes register",
    (*CHANGES.columns, SOURCE, ROW),
)

# The management review's registers (data/raw/riesame/): what the data cannot give, kept by the quality office.
REVIEW_YEAR = Column("year", "the year the row belongs to (AAAA)", headings=("anno",), required=True)
NOTE = Column("note", "anything else worth saying", headings=("note", "osservazioni"))
REVIEW_DECISIONS = Schema(
    "review decisions",
    "data/raw/riesame/decisioni*.csv: what each management review decided (ISO 9001 9.3.3), and how it stands",
    (
        REVIEW_YEAR.renamed(
            "year", "the year of the review that took the decision", headings=("anno", "riesame", "anno riesame")
        ),
        Column("decision", "the decision or action", headings=("decisione", "azione"), required=True),
        Column(
            "kind",
            "the 9.3.3 output: miglioramento (a), modifica (b: of the quality management system), risorse (c)",
            headings=("tipo", "uscita"),
            allowed=("miglioramento", "modifica", "risorse"),
        ),
        Column("owner", "who carries it out", headings=("responsabile",)),
        Column("due", "by when (GG/MM/AAAA)", headings=("scadenza", "entro il")),
        Column(
            "status",
            "where it stands: aperta, in corso, completata, annullata",
            headings=("stato",),
            allowed=("aperta", "in corso", "completata", "annullata"),
        ),
        Column("outcome", "what was done, or why not", headings=("esito", "risultato")),
    ),
)
REVIEW_CONTEXT = Schema(
    "external and internal issues",
    "data/raw/riesame/contesto*.csv: changes in the issues relevant to the quality system (ISO 9001 4.1, 9.3.2 b)",
    (
        REVIEW_YEAR,
        Column("kind", "esterno or interno", headings=("tipo", "fattore"), allowed=("esterno", "interno")),
        Column("issue", "the issue", headings=("questione", "tema", "aspetto"), required=True),
        Column("change", "what changed in the year", headings=("cambiamento", "descrizione")),
        Column("effect", "what it means for the quality system", headings=("effetto", "impatto")),
    ),
)
REVIEW_SATISFACTION = Schema(
    "customer satisfaction",
    "data/raw/riesame/soddisfazione*.csv: surveys and feedback of citizens and interested parties (9.1.2, 9.3.2 c 1)",
    (
        REVIEW_YEAR,
        Column(
            "survey",
            "the survey or channel (indagine, reclami, segnalazioni)",
            headings=("indagine", "fonte", "canale"),
            required=True,
        ),
        Column("scope", "the service or direction it is about", headings=("ambito", "servizio", "direzione")),
        Column(
            "result",
            "the result: a number (e.g. share satisfied, %) or words",
            headings=("risultato", "valore"),
            required=True,
        ),
        Column("sample", "how many answered or wrote", headings=("campione", "risposte", "numero")),
        NOTE,
    ),
)
REVIEW_AUDITS = Schema(
    "audit results",
    "data/raw/riesame/audit*.csv: findings of internal and external audits (9.2, 9.3.2 c 6)",
    (
        REVIEW_YEAR,
        Column("date", "the audit's date (GG/MM/AAAA)", headings=("data",)),
        Column(
            "kind",
            "interno, esterno or certificazione",
            headings=("tipo",),
            allowed=("interno", "esterno", "certificazione"),
        ),
        Column("scope", "the process or office audited", headings=("ambito", "processo", "ufficio")),
        Column("finding", "what was found", headings=("constatazione", "rilievo", "risultato"), required=True),
        Column(
            "grade",
            "non conformità maggiore, non conformità minore, osservazione, opportunità di miglioramento",
            headings=("classificazione", "gravità", "livello"),
            allowed=(
                "non conformità maggiore",
                "non conformità minore",
                "osservazione",
                "opportunità di miglioramento",
            ),
        ),
        Column("status", "aperta or chiusa", headings=("stato",), allowed=("aperta", "chiusa")),
    ),
)
REVIEW_PROVIDERS = Schema(
    "external providers",
    "data/raw/riesame/fornitori*.csv: how the external providers performed (8.4, 9.3.2 c 7)",
    (
        REVIEW_YEAR,
        Column("provider", "the provider", headings=("fornitore",), required=True),
        Column("service", "what it provides", headings=("servizio", "fornitura")),
        Column("rating", "the rating given (number or words)", headings=("valutazione", "punteggio")),
        Column(
            "verdict",
            "adeguato, da migliorare, non adeguato",
            headings=("esito", "giudizio"),
            allowed=("adeguato", "da migliorare", "non adeguato"),
        ),
        NOTE,
    ),
)
REVIEW_RESOURCES = Schema(
    "adequacy of resources",
    "data/raw/riesame/risorse*.csv: whether people, tools and infrastructure are adequate (7.1, 9.3.2 d)",
    (
        REVIEW_YEAR,
        Column("resource", "the resource (persone, strumenti, sistemi, spazi)", headings=("risorsa",), required=True),
        Column(
            "verdict",
            "adeguata, da potenziare, insufficiente",
            headings=("valutazione", "adeguatezza"),
            allowed=("adeguata", "da potenziare", "insufficiente"),
        ),
        NOTE,
    ),
)
REVIEW_RISKS = Schema(
    "actions on risks and opportunities",
    "data/raw/riesame/rischi*.csv: the actions taken on risks and opportunities and their effectiveness (6.1, 9.3.2 e)",
    (
        REVIEW_YEAR,
        Column("kind", "rischio or opportunità", headings=("tipo",), allowed=("rischio", "opportunità")),
        Column(
            "description", "the risk or opportunity", headings=("descrizione", "rischio", "opportunita"), required=True
        ),
        Column("action", "the action taken", headings=("azione",)),
        Column(
            "effectiveness",
            "efficace, non efficace, or empty until judged",
            headings=("efficacia",),
            allowed=("efficace", "non efficace"),
        ),
        NOTE,
    ),
)
# Register file -> its schema: a file of data/raw/riesame/ belongs to the register its name names.
REVIEW_REGISTERS = {
    "decisioni": REVIEW_DECISIONS,
    "contesto": REVIEW_CONTEXT,
    "soddisfazione": REVIEW_SATISFACTION,
    "audit": REVIEW_AUDITS,
    "fornitori": REVIEW_PROVIDERS,
    "risorse": REVIEW_RESOURCES,
    "rischi": REVIEW_RISKS,
}

# Every schema of a processed file, by its file name.
PROCESSED = {
    schema.name: schema
    for schema in (
        INDICATORS,
        ID_ALIASES,
        MEASUREMENTS,
        DELIVERIES,
        CORRECTIONS,
        DELIVERY_STATUS,
        DERIVED,
        EVENT_MONTHLY,
        EVENT_BOUNDS,
        EVALUATION,
        SPC,
        SUMMARY,
        OPPORTUNITIES,
        NONCONFORMITIES,
        OUTLOOK,
    )
}
INPUTS = (DELIVERY, CASES, CHANGES, REGISTER, ALIASES, CATALOG_SOURCE, *REVIEW_REGISTERS.values())


def schema_for(path) -> Schema:
    """The schema of a processed file, from its name (every ``*_rejects.csv`` is :data:`REJECTS`)."""
    from pathlib import Path

    name = Path(path).name
    if name.endswith("_rejects.csv"):
        return REJECTS
    if name not in PROCESSED:
        raise KeyError(f"{name}: no schema declared (kpilib.core.schemas)")
    return PROCESSED[name]
