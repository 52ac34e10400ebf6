"""``kpi publish``: the open-data folder of a period (AgID CSV, a Frictionless data package, a DCAT-AP_IT
record) and the PDF/A copies of its pages, on a small rendered root, as the quality office runs it."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpilib.cli import main
from kpilib.core.paths import Paths
from kpilib.publish.schemas import OPEN_TABLES, UNIT_SUFFIX
from kpilib.publish.settings import read_publication_settings
from tests.helpers import report_root

SETTINGS = """voce;valore
editore;Comune di Milano
codice_ipa_editore;c_f205
titolare;Comune di Milano
codice_ipa_titolare;c_f205
tema;GOVE
frequenza;semestrale
indirizzo;https://dati.comune.milano.it/dataset
contatto;Comune di Milano
contatto_email;qualita@example.org
parole_chiave;qualità dei servizi, ISO 9001
"""
OWNER = "Mario Rossi"  # who owns an action: a person's name, never published


def _root(folder: Path) -> Path:
    root = report_root(folder, hostile=False)
    (root / "data" / "raw" / "pubblicazione.csv").write_text(SETTINGS, encoding="utf-8")
    assert main(["catalog", "--root", str(root)]) == 0
    ids = pd.read_csv(root / "data" / "processed" / "indicators.csv").set_index("process")["indicator_id"]
    register = root / "data" / "raw" / "nonconformities"
    register.mkdir(parents=True)
    (register / "registro.csv").write_text(
        "indicatore;periodo;causa;correzione;azione;responsabile;data_verifica\n"
        f"{ids['VISITE']};2025-08;guida in malattia;visite recuperate;secondo operatore formato;{OWNER};2025-12-15\n",
        encoding="utf-8",
    )
    assert main(["run", "--root", str(root)]) == 0
    return root


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = _root(tmp_path_factory.mktemp("publish") / "root")
    code = main(["publish", "--root", str(root), "--period", "2025-S2"])
    return root, code, root / "reports" / "2025-S2" / "open-data"


def test_every_table_is_semicolon_utf8_csv_with_one_header_row(published):
    _, code, out = published
    assert code == 0
    for schema in OPEN_TABLES:
        data = (out / schema.name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark
        rows = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";"))
        assert rows[0] == schema.names, schema.name
        assert len(rows) > 1 and {len(row) for row in rows} == {len(schema.names)}, schema.name


def test_the_results_are_the_analysis_of_the_period_each_value_in_its_unit_column(published):
    import kpilib

    root, _, out = published
    published_rows = pd.read_csv(out / "risultati.csv", sep=";", dtype={"periodo": str}, keep_default_na=False)
    evaluation = kpilib.analyse("2025-S2", root).evaluation
    inside = evaluation[[p.end.year == 2025 and p.start.month >= 7 for p in evaluation["period"]]]
    assert sorted(zip(published_rows["id_indicatore"], published_rows["periodo"], strict=True)) == sorted(
        zip(inside["indicator_id"], inside["period"].astype(str), strict=True)
    )
    for unit, suffix in UNIT_SUFFIX.items():
        mine = inside[inside["target_unit"] == unit]
        mine = mine.assign(text=mine["period"].astype(str)).sort_values(["indicator_id", "text"])
        theirs = published_rows[published_rows["id_indicatore"].isin(mine["indicator_id"])]
        theirs = theirs.sort_values(["id_indicatore", "periodo"])
        values = pd.to_numeric(theirs[f"valore_{suffix}"].replace("", None), errors="raise").astype(float)
        pd.testing.assert_series_equal(
            values.reset_index(drop=True), mine["value"].reset_index(drop=True), check_names=False
        )
    words = {"met": "raggiunto", "not_met": "non raggiunto", "no_data": "senza dati"}
    assert set(published_rows["esito"]) <= set(words.values()) | {"da confermare", "senza target"}


def test_frictionless_validates_the_data_package_with_no_error(published):
    _, _, out = published
    tool = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(tool), "validate", "--json", "datapackage.json"], cwd=out, capture_output=True, text=True
    )
    report = json.loads(result.stdout)
    assert report["valid"] is True, result.stdout[:2000]
    assert [task["stats"]["errors"] for task in report["tasks"]] == [0, 0, 0, 0]
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert [r["path"] for r in package["resources"]] == [schema.name for schema in OPEN_TABLES]
    assert package["kpilib_provenienza"]["periodo"] == "2025-S2"
    assert "data/raw/measurements/misure.csv" in package["kpilib_provenienza"]["file_di_origine"]


def test_the_dcat_ap_it_record_has_every_field_the_portal_requires(published):
    from rdflib import Graph, Literal, Namespace
    from rdflib.compare import isomorphic
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

    _, _, out = published
    turtle, xml = Graph().parse(out / "dcat-ap_it.ttl"), Graph().parse(out / "dcat-ap_it.rdf", format="xml")
    assert isomorphic(turtle, xml)
    dcatapit = Namespace("http://dati.gov.it/onto/dcatapit#")
    (dataset,) = turtle.subjects(RDF.type, dcatapit.Dataset)
    for needed in (DCTERMS.identifier, DCTERMS.title, DCTERMS.description, DCAT.theme, DCTERMS.publisher,
                   DCTERMS.rightsHolder, DCTERMS.modified, DCTERMS.accrualPeriodicity, DCAT.distribution):  # fmt: skip
        assert turtle.value(dataset, needed) is not None, needed
    assert str(turtle.value(dataset, DCTERMS.identifier)).startswith("c_f205:")
    for role in (DCTERMS.publisher, DCTERMS.rightsHolder):
        agent = turtle.value(dataset, role)
        assert turtle.value(agent, DCTERMS.identifier) == Literal("c_f205")
        assert (agent, RDF.type, dcatapit.Agent) in turtle and turtle.value(agent, FOAF.name) is not None
    assert str(turtle.value(dataset, DCTERMS.accrualPeriodicity)).endswith("/frequency/ANNUAL_2")
    temporal = turtle.value(dataset, DCTERMS.temporal)
    assert (str(turtle.value(temporal, DCAT.startDate)), str(turtle.value(temporal, DCAT.endDate))) == (
        "2025-07-01",
        "2025-12-31",
    )
    distributions = list(turtle.objects(dataset, DCAT.distribution))
    assert len(distributions) == 5
    for distribution in distributions:
        assert (distribution, RDF.type, dcatapit.Distribution) in turtle
        assert turtle.value(distribution, DCTERMS.format) is not None
        assert turtle.value(distribution, DCTERMS.license) is not None
        assert turtle.value(distribution, DCAT.downloadURL) is not None


def test_the_nonconformities_are_published_without_who_owns_the_action(published):
    _, _, out = published
    for path in out.iterdir():
        assert OWNER not in path.read_text(encoding="utf-8"), path.name
    episodes = pd.read_csv(out / "non_conformita.csv", sep=";", keep_default_na=False)
    recorded = episodes[episodes["causa"] != ""]
    assert recorded["causa"].tolist() == ["guida in malattia"] and recorded["azione"].tolist() == [
        "secondo operatore formato"
    ]


def test_the_draft_says_so_an_issued_revision_is_published_and_changed_data_are_refused(published, tmp_path, capsys):
    source, _, out = published
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "0.0.0-bozza" and "bozza" in package["title"]
    assert package["kpilib_provenienza"]["stato"] == "bozza"
    root = tmp_path / "root"
    shutil.copytree(source, root)
    assert (
        main(["issue", "--root", str(root), "--period", "2025-S2", "--approved-by", "Dirigente Qualità", "--no-pdf"])
        == 0
    )
    (root / "reports" / "2025-S2" / "conservazione" / "pagina-tolta.pdf").write_bytes(b"%PDF-1.7 of a page gone")
    drafts = {p.name: p.read_bytes() for p in (root / "reports" / "2025-S2" / "conservazione").glob("*.pdf")}
    drafts.pop("pagina-tolta.pdf")  # its copy must go: that page is not among those published
    with_pdf = [] if _weasyprint_loads() else ["--no-pdf"]
    assert main(["publish", "--root", str(root), "--period", "2025-S2", *with_pdf]) == 0
    if not with_pdf:  # the copies for preservation are now the issued pages, stamped, not the draft's
        copies = {p.name: p.read_bytes() for p in (root / "reports" / "2025-S2" / "conservazione").glob("*.pdf")}
        assert copies.keys() == drafts.keys() and all(copies[n] != drafts[n] for n in copies)
        if shutil.which("pdftotext"):
            shown = subprocess.run(["pdftotext", str(root / "reports" / "2025-S2" / "conservazione" / "overview.pdf"), "-"],
                                   capture_output=True, text=True).stdout  # fmt: skip
            assert "Emesso" in shown and "revisione 1" in shown
    issued = json.loads((root / "reports" / "2025-S2" / "open-data" / "datapackage.json").read_text(encoding="utf-8"))
    assert issued["version"] == "1.0.0" and "revisione 1" in issued["title"]
    assert issued["kpilib_provenienza"]["approvato_da"] == "Dirigente Qualità"
    assert {r["kpilib_provenienza"]["revisione"] for r in issued["resources"]} == {1}
    delivery = root / "data" / "raw" / "measurements" / "2026-01-20_rettifica.csv"
    ids = pd.read_csv(root / "data" / "processed" / "indicators.csv").set_index("process")["indicator_id"]
    delivery.write_text(f"indicatore;periodo;valore\n{ids['VISITE']};2025-11;9\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["publish", "--root", str(root), "--period", "2025-S2", "--no-pdf"]) == 2
    assert "issue a new revision first" in capsys.readouterr().err
    # a draft rendered before a delivery is not published either: its pages and the tables would disagree
    draft = tmp_path / "draft"
    shutil.copytree(source, draft)
    (draft / "data" / "raw" / "measurements" / delivery.name).write_bytes(delivery.read_bytes())
    assert main(["publish", "--root", str(draft), "--period", "2025-S2", "--no-pdf"]) == 2
    assert "rendered from other data than today's: run 'kpi reports --period 2025-S2' again" in capsys.readouterr().err
    # the review of a year is published from its own pages and series
    assert main(["review", "--root", str(root), "--year", "2025"]) == 0
    assert main(["publish", "--root", str(root), "--year", "2025", "--no-pdf"]) == 0
    review = json.loads((root / "reports" / "2025" / "open-data" / "datapackage.json").read_text(encoding="utf-8"))
    assert (review["kpilib_provenienza"]["periodo"], review["kpilib_provenienza"]["stato"]) == ("2025", "bozza")


@pytest.mark.parametrize(
    "change, named",
    [
        (("codice_ipa_titolare;c_f205\n", ""), "codice_ipa_titolare"),
        (("tema;GOVE", "tema;GOVERNO"), "tema 'GOVERNO'"),
        (("frequenza;semestrale", "frequenza;ogni tanto"), "frequenza 'ogni tanto'"),
        (("codice_ipa_editore;c_f205", "codice_ipa_editore;C F205"), "codice_ipa_editore 'C F205'"),
        (("indirizzo;https://dati.comune.milano.it/dataset", "indirizzo;dati.comune.milano.it"), "indirizzo"),
        (("contatto_email;qualita@example.org", "contatto_email;qualita"), "contatto_email"),
        (("tema;GOVE", "tema;GOVE\ncolore;blu"), "unknown setting 'colore'"),
    ],
)
def test_a_missing_or_wrong_setting_is_one_line_naming_it(tmp_path, change, named):
    from kpilib.core.errors import KpiError

    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "pubblicazione.csv").write_text(SETTINGS.replace(*change), encoding="utf-8")
    with pytest.raises(KpiError, match=r"pubblicazione\.csv") as error:
        read_publication_settings(Paths.at(tmp_path))
    assert named in str(error.value) and "\n" not in str(error.value)


def test_a_period_with_no_page_rendered_is_not_published(published, capsys):
    root, _, _ = published
    capsys.readouterr()
    assert main(["publish", "--root", str(root), "--period", "2024-S1", "--no-pdf"]) == 2
    assert "run 'kpi reports --period 2024-S1'" in capsys.readouterr().err
    assert not (root / "reports" / "2024-S1" / "open-data").exists()


@pytest.mark.parametrize("arguments", [["--period", "2025-X9"], ["--year", "2025-S1"], ["--year", "duemila"]])
def test_a_period_that_cannot_be_read_is_one_line(tmp_path, capsys, arguments):
    assert main(["publish", "--root", str(tmp_path), *arguments]) == 2
    said = capsys.readouterr().err.strip()
    assert said.count("\n") == 0 and arguments[1] in said and "Traceback" not in said


def test_settings_saved_by_italian_excel_are_read(tmp_path):
    """Windows-1252 with CRLF (Excel's «CSV delimitato»), or UTF-8 with a BOM, a title row and quoted headings."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    text = SETTINGS.replace("contatto;Comune di Milano", "contatto;Unità Qualità")
    (raw / "pubblicazione.csv").write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    assert read_publication_settings(Paths.at(tmp_path)).contact == "Unità Qualità"
    titled = "Impostazioni per la pubblicazione;\n" + text.replace("voce;valore", '"Voce";"Valore"')
    (raw / "pubblicazione.csv").write_bytes(b"\xef\xbb\xbf" + titled.encode("utf-8"))
    settings = read_publication_settings(Paths.at(tmp_path))
    assert (settings.publisher_ipa, settings.frequency, settings.keywords) == (
        "c_f205",
        "ANNUAL_2",
        ("qualità dei servizi", "ISO 9001"),
    )


def test_without_the_settings_file_publishing_says_what_to_write(tmp_path, capsys):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    assert main(["publish", "--root", str(tmp_path), "--period", "2025-S2"]) == 2
    said = capsys.readouterr().err
    assert "pubblicazione.csv: not found" in said and "codice_ipa_editore" in said


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.mark.skipif(
    not _weasyprint_loads(), reason="WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)
def test_every_page_has_a_pdfa_copy_that_the_archival_checks_accept(published):
    import pikepdf

    root, _, _ = published
    folder = root / "reports" / "2025-S2"
    pages = [entry["slug"] for entry in json.loads((folder / "pages.json").read_text(encoding="utf-8"))]
    copies = sorted((folder / "conservazione").glob("*.pdf"))
    assert sorted(p.stem for p in copies) == sorted(pages)
    charts = 0
    for copy in copies:
        with pikepdf.open(copy) as pdf:
            meta = pdf.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "A"), copy.name
            assert meta.get("dc:title"), copy.name
            assert any(intent.get("/S") == "/GTS_PDFA1" for intent in pdf.Root.OutputIntents)
            assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
            assert "/JavaScript" not in pdf.Root.get("/Names", {}) and "/OpenAction" not in pdf.Root
            assert str(pdf.Root.Lang) == "it" and bool(pdf.Root.MarkInfo.Marked)
            assert len(list(pdf.open_outline().root)) > 0  # bookmarks from the headings
            for page in pdf.pages:
                for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
                    described = font.get("/FontDescriptor") or font.DescendantFonts[0].get("/FontDescriptor")
                    assert any(k in described for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            tags = _tags(pdf.Root.StructTreeRoot)
            assert {"/Table", "/TH", "/TD"} <= set(tags) and any(t.startswith("/H") for t in tags)
            figures = tags.get("/Figure", [])
            assert all(figures), copy.name  # every chart has its alternative text
            charts += len(figures)
    assert charts > 0  # the direction report's charts are among them


def _tags(root) -> dict[str, list]:
    """Every structure element's tag, with the /Alt of each (for the figures)."""
    import pikepdf

    found: dict[str, list] = {}
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, pikepdf.Array):
            pending.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.setdefault(str(node.S), []).append(str(node.get("/Alt", "")))
            if "/K" in node:
                pending.append(node.K)
    return found


@pytest.mark.skipif(
    not _weasyprint_loads(), reason="WeasyPrint cannot load Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)
def test_the_pdfa_copy_prints_the_charts_two_to_a_row_under_their_explanation(published):
    """As the browser prints them: WeasyPrint once put the text over the charts in a narrow third column."""
    from kpilib.publish.pdfa import render

    root, _, _ = published
    document = render(root / "reports" / "2025-S2" / "direzione-cultura.html")
    boxes = []
    pending = [(page._page_box, False, number) for number, page in enumerate(document.pages)]
    while pending:
        box, inside, number = pending.pop()
        element = getattr(box, "element", None)
        classes = (element.get("class") or "") if element is not None else ""
        if inside and classes == "jp-OutputArea-child":
            boxes.append((number, box.position_y, box.position_x, box.width))
            continue
        inside = inside or "celltag_grafici" in classes
        pending.extend((child, inside, number) for child in getattr(box, "children", []) or [])
    text, *charts = sorted(boxes)
    assert len(charts) >= 2
    assert text[3] > 1.9 * charts[0][3]  # the explanation across the page, above the charts
    first_row = [c for c in charts if c[:2] == charts[0][:2]]
    assert len(first_row) == 2 and first_row[0][2] < first_row[1][2]
