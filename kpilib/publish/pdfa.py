"""PDF/A copies of the pages, for the municipality's preservation system.

WeasyPrint, not Chromium: headless Chromium cannot write PDF/A and tags its output only in part,
while WeasyPrint writes PDF/A from the pages' own HTML and print CSS (A4 landscape, table headers
repeated, page breaks as the print rules ask), tagged: ``pdf/a-2a``, PDF/A-2 at level A, which
requires the structure (headings, tables with their header cells, figures with their alternative
text, reading order), the title and the language (``lang="it"``) of an accessible PDF.
Every font is embedded and an sRGB output intent is included, as PDF/A requires.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..core.writes import write_together

VARIANT = "pdf/a-2a"
# The charts two to a row as the pages print them from a browser: WeasyPrint places the text that spans the
# pages' chart grid in a third column, so for it the grid becomes inline blocks (font-size 0 between them,
# or the spaces between the blocks push the second of a row to the next line).
PRINT_CSS = """
.celltag_grafici .jp-OutputArea { display: block !important; font-size: 0; }
.celltag_grafici .jp-OutputArea-child { display: inline-block !important; width: 48% !important; margin-right: 1%;
  vertical-align: top; font-size: 8pt; }
.celltag_grafici .jp-OutputArea-child:first-child { display: block !important; width: 100% !important; }
.celltag_grafici .jp-OutputArea-output, .celltag_grafici .jp-RenderedImage { width: 100% !important; }
"""


def render(page: Path):
    """The page laid out by WeasyPrint for print (a ``weasyprint.Document``)."""
    import weasyprint

    return weasyprint.HTML(filename=str(page)).render(stylesheets=[weasyprint.CSS(string=PRINT_CSS)])


def archive_pages(pages: list[Path], out: Path) -> tuple[list[Path], list[str]]:
    """A PDF/A copy of each page in ``out`` (``<slug>.pdf``); the files written and the problems, one line each."""
    try:
        import weasyprint  # noqa: F401  (loading it is the check: its Pango libraries)
    except (ImportError, OSError) as error:  # its Pango libraries missing: say which, write nothing
        return [], [
            f"PDF/A copies not written: WeasyPrint cannot load ({str(error).splitlines()[0]}); "
            "install Debian's libpango-1.0-0 and libpangoft2-1.0-0"
        ]
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # unsupported CSS of the screen layout: not errors
    out.mkdir(parents=True, exist_ok=True)
    files, problems = {}, []
    for page in pages:
        try:
            document = render(page)
            files[out / f"{page.stem}.pdf"] = document.write_pdf(pdf_variant=VARIANT, pdf_tags=True)
        except Exception as error:  # one page that cannot be printed must not stop the others
            problems.append(f"{page.name}: PDF/A not written ({type(error).__name__}: {error})")
    if files:
        write_together(files, out)
    for stale in out.glob("*.pdf"):  # a page no longer published, or not printed now: not a copy of these pages
        if stale not in files:
            stale.unlink()
    return sorted(files), problems
