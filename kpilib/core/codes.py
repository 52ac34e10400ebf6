"""Every reason a row can be rejected for, listed once: a stable English code, its Italian text, a suggestion.

A reject carries its ``code``; the Italian ``reason`` is rendered from the code's text with
the row's particulars, and the return workbook's suggestion from the code's suggestion
(:mod:`kpilib.measurements.feedback` adds the few computed ones: a period or an id that is
probably meant). Code keys on ``code``, never on the wording: rewording a text here changes
what people read and nothing else. Pandas-free (``kpi events`` uses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter


@dataclass(frozen=True)
class Code:
    """One reason for rejecting a row."""

    code: str
    text: str  # Italian, a str.format template over the row's particulars
    suggestion: str = ""  # what the office can do, in Italian (may use the same particulars)

    @property
    def fields(self) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(self.text + self.suggestion) if name}


_PERIOD_EXAMPLES = "2025-03, 2025-S1 o marzo 2025"
CODES: dict[str, Code] = {
    code.code: code
    for code in (
        # Anywhere a row names an indicator or a period.
        Code("missing_indicator", "indicatore mancante", "copiare il codice dalla colonna indicatore del modello"),
        Code(
            "unknown_indicator",
            "indicatore sconosciuto: '{indicator}' non è nel catalogo",
            "copiare il codice dalla colonna indicatore del modello",
        ),
        Code(
            "unknown_indicator_short",
            "indicatore sconosciuto: '{indicator}'",
            "copiare il codice dell'indicatore da indicators.csv",
        ),
        Code("missing_period", "periodo mancante", f"scrivere il periodo come {_PERIOD_EXAMPLES}"),
        Code(
            "unrecognized_period",
            "periodo non riconosciuto: '{period}' (esempi: 2025-S1, 1° semestre 2025, gennaio 2025, 2025-03)",
            f"scrivere il periodo come {_PERIOD_EXAMPLES}",
        ),
        Code(
            "unrecognized_period_short",
            "periodo non riconosciuto: '{period}'",
            f"scrivere il periodo come {_PERIOD_EXAMPLES}",
        ),
        Code(
            "period_out_of_range",
            "periodo fuori dagli anni gestiti ({first}-{last}): '{period}' (errore di battitura?)",
            "controllare l'anno",
        ),
        Code(
            "future_period",
            "periodo {period} nel futuro (oggi è il {today}): errore di battitura?",
            "controllare l'anno del periodo",
        ),
        Code(
            "period_as_number",
            "periodo scritto come numero ({period}): il foglio lo ha trasformato, il mese non si può sapere",
            "scrivere il periodo come testo: 2026-10 o ottobre 2026",
        ),
        Code("missing_header", "intestazione mancante: servono {needed}", "aggiungere una riga di intestazione"),
        Code("wrong_field_count", "numero di campi errato: {found} invece di {expected}"),
        # Measurement deliveries.
        Code(
            "period_coarser_than_basis",
            "periodo {period} più ampio della base dell'indicatore ({basis}): servono valori per ogni periodo {basis}",
            "scrivere un valore per ogni periodo {basis}",
        ),
        Code(
            "coarser_than_series",
            "periodo {period} più ampio degli altri valori dell'indicatore, che è misurato su base {series}: "
            "questo valore non entrerebbe nella serie",
            "scrivere i valori per ogni periodo {series}",
        ),
        Code(
            "indicator_retired",
            "indicatore ritirato dal catalogo dopo il {year}: nessun valore atteso per {period}",
            "togliere la riga",
        ),
        Code(
            "indicator_not_yet_in_force",
            "indicatore non ancora nel catalogo nel {period}: è in vigore dal {year}",
            "controllare il periodo",
        ),
        Code(
            "not_available_with_parts",
            "valore dichiarato non disponibile ('{value}') ma numeratore o denominatore scritti",
            "cancellare numeratore e denominatore, oppure scrivere il valore",
        ),
        Code("not_a_number", "{what} non numerico: '{written}'", "scrivere solo il numero (es. 92,5)"),
        Code(
            "not_a_number_unit",
            "non è un numero: '{written}' (unità '{unit}' non riconosciuta)",
            "scrivere solo il numero",
        ),
        Code(
            "digits_split_by_spaces",
            "cifre separate da spazi: '{written}' (scrivere il numero senza spazi, es. {joined} o con la virgola "
            "per i decimali)",
            "scrivere {joined} oppure usare la virgola per i decimali",
        ),
        Code(
            "invalid_thousands",
            "separatori delle migliaia non validi: '{written}'",
            "scrivere il numero senza separatori delle migliaia",
        ),
        Code(
            "ambiguous_number",
            "numero ambiguo: '{written}' (il file non mostra se i decimali si scrivono con la virgola o con il "
            "punto): scrivere {grouped} oppure {decimal}",
            "scrivere {grouped} oppure {decimal}",
        ),
        Code(
            "wrong_unit",
            "valore in {unit} ('{written}') per un indicatore espresso in {expected}",
            "scrivere il valore in {expected}",
        ),
        Code(
            "part_with_unit",
            "{what} con un'unità di misura ('{written}'): scrivere solo il numero dei casi",
            "scrivere solo il numero dei casi",
        ),
        Code(
            "parts_not_for_unit",
            "numeratore e denominatore valgono solo per indicatori in percentuale, non in {unit}",
            "cancellare numeratore e denominatore",
        ),
        Code("missing_part", "manca il {what}", "scrivere sia il numeratore sia il denominatore"),
        Code("denominator_not_positive", "denominatore non positivo: {value}", "controllare il denominatore"),
        Code("numerator_negative", "numeratore negativo: {value}", "controllare il numeratore"),
        Code(
            "numerator_above_denominator",
            "numeratore ({numerator}) maggiore del denominatore ({denominator})",
            "controllare numeratore e denominatore",
        ),
        Code(
            "value_inconsistent_with_parts",
            "valore {value} non coerente con numeratore/denominatore ({numerator}/{denominator} = {ratio}%)",
            "correggere il valore oppure numeratore e denominatore",
        ),
        Code(
            "percent_out_of_range",
            "percentuale fuori dall'intervallo 0-100: {value}",
            "scrivere una percentuale tra 0 e 100",
        ),
        Code("negative_value", "valore negativo non ammesso per {unit}: {value}", "controllare il segno"),
        Code(
            "unclosed_quote",
            "virgolette non chiuse: la riga apre una cella tra virgolette e non la chiude",
            "chiudere le virgolette o toglierle",
        ),
        Code(
            "unsaved_formula",
            "formula senza valore salvato (colonna {columns}): aprire il file in Excel e salvarlo, oppure scrivere il "
            "valore",
            "aprire il file in Excel e salvarlo, oppure scrivere il valore",
        ),
        Code(
            "extra_cells",
            "più celle ({found}) che colonne nell'intestazione ({expected}): forse un numero con la virgola decimale "
            "in un file separato da virgole (es. 1,5 senza virgolette)?",
            "mettere il numero tra virgolette o usare il punto e virgola come separatore",
        ),
        Code(
            "blank_beside_value",
            "riga non compilata: il valore del periodo è in {where}",
            "nessuna azione: il valore è già arrivato",
        ),
        Code(
            "conflicting_values",
            "valori in conflitto per lo stesso indicatore e periodo: {others}",
            "tenere un solo valore: correggere o cancellare le altre righe",
        ),
        Code(
            "undated_conflict",
            "valori diversi per lo stesso indicatore e periodo in consegne senza data: {others}",
            "per correggere un valore già inviato, mettere la data di consegna all'inizio del nome del file "
            "più recente (es. 2026-01-15_misure.xlsx): la consegna più recente sostituisce la precedente",
        ),
        Code("duplicate_copy", "copia identica di {where}", "nessuna azione: il valore è contato una volta"),
        Code(
            "unreadable_file",
            "file non letto: {why}",
            "salvare il file come .xlsx, .ods o .csv (ad esempio partendo dal modello ricevuto) e inviarlo di nuovo",
        ),
        Code(
            "not_computable_yet",
            "{indicator} {period}: nessun caso chiuso o scaduto nel periodo ({open} di {cases} casi ancora aperti): "
            "valore non ancora calcolabile",
            "nessuna azione: il valore si calcolerà alla chiusura dei casi",
        ),
        # Case records.
        Code(
            "not_computed_from_cases",
            "l'indicatore {indicator} non si calcola da casi: serve un target in percentuale con una scadenza, "
            "una durata o un numero",
        ),
        Code("missing_case_id", "identificativo del caso mancante", "scrivere l'identificativo della pratica"),
        Code("unreadable_opened", "data di apertura illeggibile o impossibile (usare AAAA-MM-GG)", "usare AAAA-MM-GG"),
        Code("missing_opened", "data di apertura mancante", "scrivere la data di apertura"),
        Code("unreadable_closed", "data di chiusura illeggibile o impossibile (usare AAAA-MM-GG)", "usare AAAA-MM-GG"),
        Code("date_out_of_range", "data fuori dal calendario gestito ({first}-{last})", "controllare l'anno"),
        Code("closed_before_opened", "chiusura precedente all'apertura", "controllare le due date"),
        Code(
            "future_date", "data nel futuro (dopo il giorno dell'esecuzione): correggere la data", "correggere la data"
        ),
        Code("duplicate_case", "caso {case} duplicato: copia identica di {where} (contato una volta)"),
        Code("conflicting_case", "caso {case} presente più volte con dati diversi ({others}): da chiarire"),
        # The catalog.
        Code("missing_fields", "campi obbligatori vuoti: {fields}"),
        Code("duplicate_catalog_row", "riga duplicata: identica alla riga {row} di {source}"),
        Code(
            "conflicting_target",
            "stesso indicatore della riga {others} con un target diverso: da chiarire con l'ufficio",
        ),
        Code("alias_incomplete", "nome vecchio o nuovo mancante"),
        Code("alias_repeated", "'{old}' è già rinominato in '{new}'"),
        Code("alias_circular", "rinomina circolare: '{name}' torna al nome vecchio"),
        # The registers.
        Code(
            "change_finer_than_basis",
            "cambiamento dal {period}, dentro un periodo {basis} dell'indicatore: i limiti si ricalcolano per "
            "periodi interi",
            "scrivere il periodo {basis} da cui vale il cambiamento (es. {first} o il successivo)",
        ),
        Code(
            "closed_before_episode",
            "chiusura registrata il {closed}, prima dell'inizio della non conformità ({first})",
            "controllare la data di chiusura",
        ),
        Code("duplicate_change", "cambiamento già registrato alla riga {row}", "unire le due righe in una"),
        Code("invalid_review_date", "data di verifica non valida: '{written}' (usare GG/MM/AAAA)", "usare GG/MM/AAAA"),
        Code("invalid_closing_date", "data di chiusura non valida: '{written}' (usare GG/MM/AAAA)", "usare GG/MM/AAAA"),
        Code(
            "invalid_verification_date",
            "data della verifica di efficacia non valida: '{written}' (usare GG/MM/AAAA)",
            "usare GG/MM/AAAA",
        ),
        Code(
            "invalid_effectiveness",
            "efficacia non riconosciuta: '{written}' (scrivere efficace, non efficace, o lasciare vuoto)",
            "scrivere efficace oppure non efficace",
        ),
        Code(
            "review_date_out_of_range",
            "data di verifica fuori dagli anni gestiti ({first}-{last}): '{written}'",
            "controllare l'anno",
        ),
        Code(
            "repeated_register_row",
            "riga ripetuta: {source} riga {row} registra già {indicator} nel periodo {period} (unire le due righe in una)",
            "unire le due righe in una",
        ),
        Code(
            "no_episode",
            "nessuna non conformità per {indicator} nel periodo {period} (target raggiunto, periodo senza misura o "
            "successivo al periodo valutato)",
            "controllare indicatore e periodo",
        ),
        # The management review's registers (data/raw/riesame/).
        Code(
            "unknown_review_register",
            "file che non nomina un registro del riesame ({registers})",
            "rinominare il file con il nome del registro, ad esempio audit_2025.csv",
        ),
        Code(
            "invalid_year",
            "anno non valido: '{written}' (scrivere l'anno, ad esempio 2025)",
            "scrivere l'anno, ad esempio 2025",
        ),
        Code("missing_value", "manca {column}", "compilare {column}"),
        Code(
            "value_not_allowed",
            "{column}: '{written}' non è tra i valori previsti ({allowed})",
            "scrivere uno di: {allowed}",
        ),
        Code(
            "episode_already_recorded",
            "non conformità {indicator} dal {first} già registrata in {source} riga {row}: unire le due righe in una",
            "unire le due righe in una",
        ),
    )
}


def reason_of(code: str, **particulars: object) -> str:
    """The Italian reason of ``code`` with the row's particulars.

    >>> reason_of("unknown_indicator", indicator="kpi-1")
    "indicatore sconosciuto: 'kpi-1' non è nel catalogo"
    """
    return CODES[code].text.format(**particulars)


def suggestion_of(code: str, **particulars: object) -> str:
    """The code's suggestion to the office, with the particulars it names (empty where it has none).

    >>> suggestion_of("ambiguous_number", written="1.200", grouped="1200", decimal="1,2")
    'scrivere 1200 oppure 1,2'
    """
    known = CODES.get(code)
    if known is None or not known.suggestion:
        return ""
    try:
        return known.suggestion.format(**particulars)
    except (KeyError, IndexError):
        return ""


def markdown() -> str:
    """The table of every code, as ``docs/reject_codes.md`` shows it (``python -m kpilib.core.codes``)."""
    lines = [
        "# Reject codes",
        "",
        "Every rejects file names the problem of each row by its `code`; the `reason` is the Italian text",
        "below with the row's particulars in place of `{…}`, and the return workbook gives the suggestion.",
        "Generated from `kpilib/core/codes.py` by `python -m kpilib.core.codes > docs/reject_codes.md`",
        "(a test checks that this file is what it writes).",
        "",
        "| code | reason (Italian) | suggestion |",
        "|---|---|---|",
    ]
    for code in CODES.values():
        cells = (f"`{code.code}`", code.text, code.suggestion or "—")
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
