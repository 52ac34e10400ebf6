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


def archive_pages(pages: list[Path], out: Path) -> tuple[list[Path], list[str]]:
    """A PDF/A copy of each page in ``out`` (``<slug>.pdf``); the files written and the problems, one line each."""
    try:
        import weasyprint
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
            document = weasyprint.HTML(filename=str(page)).render()
            files[out / f"{page.stem}.pdf"] = document.write_pdf(pdf_variant=VARIANT, pdf_tags=True)
        except Exception as error:  # one page that cannot be printed must not stop the others
            problems.append(f"{page.name}: PDF/A not written ({type(error).__name__}: {error})")
    if files:
        write_together(files, out)
    return sorted(files), problems
