"""QR codes as inline SVG, drawn on the server: no CDN, no script, nothing to load.

segno (pure Python, no dependencies) encodes the text; the markup carries classes, not
style attributes, so the strict Content-Security-Policy holds when it is inlined.
"""

import io
from html import escape

import segno


def svg(text: str, *, label: str) -> str:
    """A QR code of ``text`` as ``<svg>`` markup sized by CSS (class ``qr``), dark modules
    on a light square with the quiet zone, named ``label`` for screen readers."""
    code = segno.make(text, error="m")
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,  # a viewBox only: CSS decides the size
        svgclass="qr",
        lineclass="qr-dark",
        dark="#000",
        light="#fff",
        border=4,
    )
    markup = out.getvalue().decode()
    return markup.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
