"""The analyst report: warehouse rows in, one self-contained HTML page out.

Its own package because it is neither storage (``warehouse/`` runs the SQL and hands over
plain rows) nor NLP (``transforms/``) nor orchestration (``flows/``): it is pure presentation,
rows -> Vega-Lite specs -> inline SVG -> escaped HTML, with no connection and no file I/O, so
it is tested on hand-built rows and the command line only wires the two halves together.
"""

from reporting.html import render_report

__all__ = ["render_report"]
