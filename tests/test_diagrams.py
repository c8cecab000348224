"""The diagrams travel inside the notebooks (images/attach_diagrams.py): every Markdown image of
both editions is an attachment, equal to its file in images/, with alt text."""

import base64
import importlib.util
import re

import nbformat
import pytest
from nbformat import v4

from tests.browser_session import ROOT

IMAGES = ROOT / "images"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EDITIONS = NOTEBOOKS + sorted((ROOT / "notebooks" / "student").glob("[0-9][0-9]_*.ipynb"))

MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)")
HTML_IMAGE = re.compile(r"<img\b", re.IGNORECASE)

MIN_ALT_WORDS = 8
"""Alt text that says what a diagram shows takes a sentence, not a word or two."""


def load_attach_script():
    spec = importlib.util.spec_from_file_location("attach", IMAGES / "attach_diagrams.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


attach_diagrams = load_attach_script()


def markdown_images(path):
    """(cell, alt, src) of every Markdown image in the notebook at ``path``."""
    notebook = nbformat.read(path, as_version=4)
    return [
        (cell, match["alt"], match["src"])
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for match in MARKDOWN_IMAGE.finditer(cell.source)
    ]


@pytest.mark.parametrize("path", EDITIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_diagram_is_attached_from_images_with_alt_text(path):
    for cell, alt, src in markdown_images(path):
        assert src.startswith("attachment:"), (
            f"{src} is not attached: run python images/attach_diagrams.py"
        )
        name = src.removeprefix("attachment:")
        attached = base64.b64decode(cell.attachments[name]["image/png"])
        assert attached == (IMAGES / name).read_bytes(), (
            f"{name} differs from images/{name}: run python images/attach_diagrams.py"
        )
        assert len(alt.split()) >= MIN_ALT_WORDS, f"{name}'s alt text is too short: {alt!r}"
    notebook = nbformat.read(path, as_version=4)
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert not any(HTML_IMAGE.search(source) for source in markdown), "use ![alt](...) images"


def test_every_diagram_in_images_is_shown_by_a_notebook():
    shown = {
        src.removeprefix("attachment:") for path in NOTEBOOKS for _, _, src in markdown_images(path)
    }
    assert shown == {path.name for path in IMAGES.glob("*.png")}


def test_attach_refreshes_links_and_attachments_and_keeps_pasted_images(tmp_path):
    (tmp_path / "a.png").write_bytes(b"new a")
    pasted = {"image/png": base64.b64encode(b"pasted").decode("ascii")}
    cell = v4.new_markdown_cell(
        '![first](../images/a.png "A")\n![again](attachment:a.png)\n![mine](attachment:p.png)',
        attachments={"a.png": {"image/png": "b2xk"}, "p.png": pasted},
    )
    assert attach_diagrams.attach(cell, tmp_path)
    assert cell.source == (
        '![first](attachment:a.png "A")\n![again](attachment:a.png)\n![mine](attachment:p.png)'
    )
    assert base64.b64decode(cell.attachments["a.png"]["image/png"]) == b"new a"
    assert cell.attachments["p.png"] == pasted
    assert not attach_diagrams.attach(cell, tmp_path)  # a second run changes nothing


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("![x](../images/gone.png)", "the image gone.png is not a .png file in"),
        ("![x](../images/notes.txt)", "the image notes.txt is not a .png file in"),
        ("![x](attachment:lost.png)", "the attachment lost.png is missing"),
    ],
)
def test_attach_names_what_is_missing(tmp_path, source, message):
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(ValueError, match=message):
        attach_diagrams.attach(v4.new_markdown_cell(source), tmp_path)


def test_the_command_attaches_in_place_and_reports_the_cell_of_a_missing_image(tmp_path, capsys):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"a")
    good, bad = tmp_path / "01_good.ipynb", tmp_path / "02_bad.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_markdown_cell("![a](../images/a.png)")]), good)
    broken = v4.new_notebook(
        cells=[v4.new_markdown_cell("# B"), v4.new_markdown_cell("![b](../images/b.png)")]
    )
    nbformat.write(broken, bad)
    assert attach_diagrams.attach_notebook(good, tmp_path / "images")
    assert nbformat.read(good, as_version=4).cells[0].source == "![a](attachment:a.png)"
    with pytest.raises(ValueError, match=r"02_bad.ipynb, cell 2: the image b.png"):
        attach_diagrams.attach_notebook(bad, tmp_path / "images")
    assert attach_diagrams.main([str(bad)]) == 1
    assert "02_bad.ipynb, cell 2" in capsys.readouterr().err
