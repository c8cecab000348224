"""Carry the diagrams of images/ inside the notebooks, as Markdown cell attachments.

Run ``python images/attach_diagrams.py`` after ``make_diagrams.py`` (or after adding an image
to a notebook as ``![what it shows](../images/name.png)``). Every Markdown image linked as
``../images/name.png``, or already as ``attachment:name.png`` with name.png in images/, is
(re)attached from that file, so that images/ stays the one source; other attachments (an
image pasted into a cell) stay as they are. Attached, a diagram
travels with its notebook: Voila serves it (it refuses ``../images``), a student copy
keeps it, and a web page shows it without the repository beside it.
"""

import argparse
import base64
import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent / "notebooks"

IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\((?P<where>\.\./images/|attachment:)(?P<name>[^)\s]+)"
    r"(?P<title>\s+\"[^\"]*\")?\)"
)
"""A Markdown image of images/ (``../images/name``) or an attachment (``attachment:name``)."""

MIME_TYPES = {".png": "image/png"}
"""The images/ files a notebook can carry (the diagrams are PNGs)."""


def attach(cell, images=HERE):
    """Attach the images of ``images`` that a Markdown ``cell`` shows, in place.

    Returns
    -------
    bool
        Whether the cell changed.

    Raises
    ------
    ValueError
        If the cell shows an image that ``images`` does not hold.
    """
    attachments = dict(cell.get("attachments", {}))

    def embed(match):
        path = Path(images) / match["name"]
        if match["where"] == "attachment:" and not path.is_file():
            if match["name"] not in attachments:
                raise ValueError(f"the attachment {match['name']} is missing")
            return match[0]  # an image of the cell's own
        mime = MIME_TYPES.get(path.suffix)
        if mime is None or not path.is_file():
            raise ValueError(
                f"the image {match['name']} is not a {'/'.join(MIME_TYPES)} file in {images}"
            )
        attachments[path.name] = {mime: base64.b64encode(path.read_bytes()).decode("ascii")}
        return f"![{match['alt']}](attachment:{path.name}{match['title'] or ''})"

    source = IMAGE.sub(embed, cell.source)
    changed = source != cell.source or attachments != cell.get("attachments", {})
    if changed:
        cell.source, cell.attachments = source, attachments
    return changed


def attach_notebook(path, images=HERE):
    """Attach the diagrams of every Markdown cell of the notebook at ``path``; write it
    back only if something changed. Returns whether it did."""
    notebook = nbformat.read(path, as_version=4)
    changed = False
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            try:
                changed |= attach(cell, images)
            except ValueError as error:
                raise ValueError(f"{path}, cell {index + 1}: {error}") from None
    if changed:
        nbformat.write(notebook, path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="default: the instructor edition, notebooks/"
    )
    args = parser.parse_args(argv)
    for path in args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        try:
            changed = attach_notebook(path)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{'attached' if changed else 'unchanged'}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
