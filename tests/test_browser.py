"""End-to-end tests in a real browser: every notebook of the student edition, what students
open, runs clean in JupyterLab, with its images and their alt text, and the playground
(notebook 06) reacts to its learning-rate slider and its play button. This is the student
edition's one run in the suite (besides its regeneration, tests/test_release.py); the
instructor edition's is its apps' (test_apps.py), besides nbval.

The session fixtures install Chromium when it is missing (``browser_session``), start one
JupyterLab and one Chromium for all tests, and stop them at the end; the notebooks are opened
one after another in one JupyterLab page. The servers
serve a temporary copy of the repository, so the committed notebooks never change. Each
test leaves a screenshot of its page in tests/screenshots/ (git-ignored), beside the
servers' logs, to look at when it fails.
"""

import re

import nbformat
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser_session import (
    EPOCH,
    FIGURE,
    LEARNING_RATE,
    PLAY_BUTTON,
    PLAYGROUND,
    ROOT,
    RUN_ALL_TIMEOUT_MS,
    SHARE,
    STUDENT_EDITION,
    WIDGET_TIMEOUT_MS,
    local_context,
    step_slider,
)

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(path.name for path in (ROOT / STUDENT_EDITION).glob("*.ipynb"))

PLAY_FRAMES = 3
"""Distinct figures that must appear after pressing play: more than one step happened."""

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
"""Outputs that JupyterLab and Voila render as stderr: text sent to stderr, and errors."""

WIDGET_ERROR = "Error displaying widget"
"""What ipywidgets shows in place of a widget that failed to render."""

PROMPTS = ".jp-CodeCell .jp-InputPrompt"
"""The prompts of the code cells: "[ ]:" not run, "[*]:" queued or running, "[7]:" done."""

CLEARED = """prompts => [...document.querySelectorAll(prompts)]
    .every(p => p.textContent.trim() === '[ ]:')"""
"""No code cell shows a stored execution count any more."""

RUN_STARTED = """prompts => [...document.querySelectorAll(prompts)]
    .some(p => p.textContent.trim() !== '[ ]:')"""
"""Run All has queued the cells (they show "[*]:") or already run some."""

IDLE = ".jp-Notebook-ExecutionIndicator[data-status=idle]"
"""The open notebook's kernel indicator, once its kernel is idle."""

RUN_FINISHED = f"""prompts => document.querySelector('{IDLE}') !== null
    && ![...document.querySelectorAll(prompts)].some(p => p.textContent.trim() === '[*]:')"""
"""The kernel is idle and no cell waits: all ran, or Run All stopped at an error."""


RUN_ALL_CLICKS = 2
"""Clicks on Run All Cells at most: once in a whole-suite run (three workers on two cores) the
menu's click queued no cell in 60 s, and the same notebook then ran at once on its own."""

RUN_START_TIMEOUT_MS = 15_000
"""How long Run All may take to queue the cells (normally it does at once)."""


IMAGES = """images => Promise.all(images.map(async i => ({
    text: i.alt || i.title, src: (i.getAttribute('src') || '').slice(0, 40),
    decoded: await i.decode().then(() => i.naturalWidth > 0, () => false)})))"""
"""Every image of the notebook: its text alternative (``alt``, or an explorer's ``title``),
the start of its address, and whether it decodes to a picture."""


def stored_images(name):
    """How many images the stored notebook ``name`` of the student edition shows without a
    kernel: its Markdown diagrams (attachments) and its figures (a PNG with alt text each)."""
    notebook = nbformat.read(ROOT / STUDENT_EDITION / name, as_version=4)
    diagrams = sum(
        cell.source.count("](attachment:")
        for cell in notebook.cells
        if cell.cell_type == "markdown"
    )
    outputs = [o for cell in notebook.cells for o in cell.get("outputs", [])]
    return diagrams + sum("image/png" in o.get("data", {}) for o in outputs)


def check_images(page, expected=None):
    """Every image in the notebook decodes and has a text alternative, which screen readers
    read; with ``expected``, there are that many and each is a data: PNG (JupyterLab's
    extension, backprop-figure-alt, gives a figure the alt text stored with it)."""
    if expected is not None:
        page.wait_for_function(
            "n => document.querySelectorAll('.jp-Notebook img').length >= n", arg=expected
        )
    images = page.eval_on_selector_all(".jp-Notebook img", IMAGES)
    assert not [i["src"] for i in images if not i["decoded"]], f"images not shown: {images}"
    assert not [i["src"] for i in images if not i["text"]], f"images without alt: {images}"
    if expected is not None:
        assert len(images) == expected, f"{len(images)} images, expected {expected}"
        assert all(i["src"].startswith("data:image/png;base64,") for i in images), images


WORKSPACE = "student-edition"
"""The JupyterLab workspace in which the tests open the notebooks, one after another."""


def load_lab(page, lab):
    """Load JupyterLab in ``page``, in :data:`WORKSPACE` as it starts (no notebook open)."""
    page.goto(f"{lab.url}/lab/workspaces/{WORKSPACE}?reset")
    page.wait_for_selector(".jp-Launcher")


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    """One JupyterLab page in which every notebook is opened in turn, as a student opens
    them. Opening each by its address loaded JupyterLab again: 5.5-6.8 s of the browser's
    CPU a notebook, of which loading JupyterLab was about 2.7 s."""
    context = local_context(browser)
    context.set_default_timeout(WIDGET_TIMEOUT_MS)
    page = context.new_page()
    load_lab(page, lab)
    yield page
    context.close()


@pytest.fixture
def notebook_page(lab_page, lab, screenshots, request):
    """:func:`lab_page`, left as it was found: at the end its screenshot is saved and the
    notebook closed with its kernel shut down (or, if that fails, JupyterLab loaded again)."""
    yield lab_page
    lab_page.screenshot(path=screenshots / f"{request.node.name}.png")
    try:
        close_notebook(lab_page)
    except PlaywrightError:  # a timeout, or a page the failed test left in another state
        load_lab(lab_page, lab)


def open_notebook(page, name):
    """Open the student edition's notebook ``name`` from File, Open from Path, and wait for
    its kernel to be idle."""
    click_menu(page, "File", "Open from Path…")
    page.get_by_role("dialog").locator("input").fill(f"{STUDENT_EDITION}/{name}")
    page.keyboard.press("Enter")
    page.wait_for_selector(IDLE)


def close_notebook(page):
    """Close the open notebook and shut its kernel down (File, Close and Shut Down), without
    saving it."""
    page.keyboard.press("Escape")  # a menu or dialog a failed test left open
    page.get_by_role("menuitem", name="File", exact=True).click()
    # Its name ends with the shortcut, so it is matched in part.
    page.get_by_role("menuitem", name="Close and Shut Down Notebook…").click()
    page.get_by_role("dialog").get_by_role("button", name="Ok").click()
    page.wait_for_selector(".jp-NotebookPanel", state="detached")


def click_menu(page, menu, item):
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def click_run_all(page, started, arg):
    """Click Run All Cells, and again (:data:`RUN_ALL_CLICKS` times at most) if the page
    function ``started`` of ``arg`` does not hold within :data:`RUN_START_TIMEOUT_MS`."""
    for _ in range(RUN_ALL_CLICKS):
        click_menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(started, arg=arg, timeout=RUN_START_TIMEOUT_MS)
            return
        except PlaywrightTimeoutError:
            pass
    pytest.fail(f"Run All Cells queued no cell, clicked {RUN_ALL_CLICKS} times")


def run_all(page):
    """Clear every stored output and Run All; wait until it is done, and check every code
    cell ran (Run All stops at a cell that raises)."""
    click_menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(CLEARED, arg=PROMPTS)
    click_run_all(page, RUN_STARTED, PROMPTS)
    page.wait_for_function(RUN_FINISHED, arg=PROMPTS, timeout=RUN_ALL_TIMEOUT_MS)
    assert_no_errors(page)
    prompts = page.locator(PROMPTS).all_inner_texts()
    not_run = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p.strip())]
    assert prompts and not not_run, f"code cells {not_run} of {len(prompts)} did not run"


def assert_no_errors(page):
    """No stderr or error output, and no widget that failed to render, on the page."""
    stderr = page.locator(STDERR).all_inner_texts()
    assert not stderr, f"stderr or error output on the page: {stderr}"
    assert WIDGET_ERROR not in page.locator("body").inner_text()


def figure_src(page):
    """How many drawings the playground's canvas has had."""
    return page.locator(FIGURE).get_attribute("data-drawn")


def wait_for_new_figure(page, old_src, after):
    """Wait until the figure differs from ``old_src``; return its new address."""
    try:
        page.wait_for_function(
            "([figure, old]) => document.querySelector(figure).dataset.drawn !== old",
            arg=[FIGURE, old_src],
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"the figure did not change within {WIDGET_TIMEOUT_MS} ms after {after}")
    return figure_src(page)


def check_playground(page):
    """The playground redraws after a learning-rate step, and keeps redrawing while playing."""
    page.wait_for_selector(f"{FIGURE}[data-drawn]", timeout=WIDGET_TIMEOUT_MS)
    src = figure_src(page)
    before, after = step_slider(page, LEARNING_RATE)
    assert after != before, f"the learning-rate slider did not move from {before}"
    src = wait_for_new_figure(page, src, f"moving the learning rate from {before} to {after}")
    epoch = page.locator(EPOCH).inner_text()
    play = page.locator(PLAY_BUTTON)
    play.click()
    frames = {src}
    while len(frames) < PLAY_FRAMES:
        src = wait_for_new_figure(page, src, f"{len(frames)} figures while playing")
        frames.add(src)
    play.click()  # pause: the epoch line catches up with the last frame
    try:
        page.wait_for_function(
            "([line, old]) => document.querySelector(line).innerText !== old", arg=[EPOCH, epoch]
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"playing did not train: the epoch line still says {epoch!r}")
    check_a_click_adds_a_point(page, src)


def check_a_click_adds_a_point(page, src):
    """A click on the map adds a point there: the share box then names the drawn points."""
    canvas = page.locator(FIGURE)
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.25})  # on the map
    wait_for_new_figure(page, src, "a click on the map")
    share = page.locator(f"{SHARE} input")
    try:
        page.wait_for_function("box => box.value.includes('points=')", arg=share.element_handle())
    except PlaywrightTimeoutError:
        said = share.input_value()
        pytest.fail(f"a click on the map added no point: the share box says {said!r}")
    assert "dataset=drawn" in share.input_value()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_errors_in_jupyterlab(notebook_page, name):
    """The stored notebook's diagrams and figures show with their alt text; Run All in
    JupyterLab, and every image then has a text alternative too; in the playground, then
    move a slider and play (the standalone Voila app's controls are tried in test_apps.py)."""
    page = notebook_page
    open_notebook(page, name)
    check_images(page, stored_images(name))  # as stored, read before anything runs
    run_all(page)
    check_images(page)
    if name == PLAYGROUND:
        page.locator(LEARNING_RATE).scroll_into_view_if_needed()
        check_playground(page)
        assert_no_errors(page)


def test_jupyterlab_asks_no_one_about_news(page, lab):
    """The course's page_config (jupyter-config/labconfig/) turns off JupyterLab's plugin that
    asks about Jupyter's news and checks for updates (nothing fetched, no pop-up)."""
    page.goto(f"{lab.url}/lab/workspaces/news")  # JupyterLab itself: no notebook, no kernel
    page.wait_for_selector(".jp-Launcher")
    config = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
    )
    assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"]
    assert "official Jupyter news" not in page.locator("body").inner_text()


def test_the_playground_is_among_the_notebooks():
    assert PLAYGROUND in NOTEBOOKS, f"{PLAYGROUND} is missing"
