"""The html page in a real browser: Debian's chromium (headless) driven by Playwright opens the page
that `estate preview --stack prod --format html --output FILE` writes, from file://, and sees no
console error, no failed request, no request for anything but the page, and one drawn SVG per
dashboard of the prod render (counted from the render, not from the page). The same browser runs
Mermaid itself on the routing diagram of the pull-request comment: it parses and draws.

Never skipped: `make browser` (run by .ci/run and `make test`) installs chromium when there is none
and fetches Mermaid's bundle; Playwright comes from the test extra of pyproject.toml. Playwright's own
browser downloads are never used: the test launches the system chromium by its path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent


def chromium() -> Path | None:
    """ESTATE_CHROMIUM when set, else Debian's chromium, else a Chromium or Google Chrome on PATH."""
    if os.environ.get("ESTATE_CHROMIUM"):
        return Path(os.environ["ESTATE_CHROMIUM"])
    if Path(DEBIAN_CHROMIUM).exists():
        return Path(DEBIAN_CHROMIUM)
    found = shutil.which("chromium") or shutil.which("google-chrome")
    return Path(found) if found else None


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    if executable is None or not executable.exists():
        pytest.fail(f"no chromium ({executable or DEBIAN_CHROMIUM} is missing): run `apt-get install -y --no-install-recommends "
                    "chromium` (`make browser` and .ci/run install it)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: `pip install -e '.[test]'` installs it (pyproject.toml test extra)", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    """The page as the command writes it."""
    output = tmp_path_factory.mktemp("html") / "prod.html"
    done = subprocess.run([sys.executable, "-m", "tools.cli", "preview", "--stack", "prod", "--format", "html", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return output


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed request: {request.url}"))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load")
    return page, problems, requests


def test_the_page_opens_without_error_and_shows_every_dashboard(browser, page_file, prod_render):
    page, problems, requests = _open(browser, page_file.as_uri())
    try:
        assert problems == []
        assert requests == [page_file.as_uri()]  # nothing but the page itself: no CDN, no font, no image
        boards = prod_render.of_type("aws:cloudwatch/dashboard:Dashboard")
        svgs = page.locator("svg.dashboard")
        assert svgs.count() == len(boards) == 6
        names = sorted(svgs.nth(i).get_attribute("data-dashboard") for i in range(svgs.count()))
        assert names == sorted(b.inputs["dashboardName"] for b in boards)
        for index in range(svgs.count()):
            svg = svgs.nth(index)
            svg.scroll_into_view_if_needed()
            box = svg.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100, (svg.get_attribute("data-dashboard"), box)
            board = next(b for b in boards if b.inputs["dashboardName"] == svg.get_attribute("data-dashboard"))
            assert svg.locator("rect.widget").count() == len(json.loads(board.inputs["dashboardBody"])["widgets"])
        assert page.locator("svg.routing").count() == 1
        assert page.locator("table.alarms tbody tr").count() == len(
                prod_render.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")) + len(
                prod_render.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm"))
    finally:
        page.close()


def test_the_browser_check_catches_a_broken_page(browser, tmp_path):
    """The same checks fail on a page that errors and loads from the network."""
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html><body><script>undefinedFunction()</script>'
                      '<img src="http://127.0.0.1:9/missing.png"></body></html>', encoding="utf-8")
    page, problems, requests = _open(browser, broken.as_uri())
    page.close()
    assert any("undefinedFunction" in problem for problem in problems)
    assert any("missing.png" in problem for problem in problems)
    assert requests != [broken.as_uri()]


# -- the Mermaid of the pull-request comment, parsed and drawn by Mermaid itself --------------------------

MERMAID_VERSION = re.search(r"^MERMAID_VERSION := (\S+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
MERMAID_JS = ROOT / ".venv" / "share" / f"mermaid-{MERMAID_VERSION}.min.js"
DRAW = """async (text) => {
  try {
    await mermaid.parse(text);
    const { svg } = await mermaid.render("routing", text);
    document.getElementById("out").innerHTML = svg;
    const links = [...document.querySelectorAll("#out path.flowchart-link")];
    return { links: links.length, red: links.filter((p) => (p.getAttribute("style") || "").includes("#cf222e")).length,
             green: links.filter((p) => (p.getAttribute("style") || "").includes("#1a7f37")).length,
             nodes: document.querySelectorAll("#out g.node").length };
  } catch (error) { return { error: String(error) }; }
}"""


@pytest.fixture(scope="module")
def mermaid_page(browser):
    if not MERMAID_JS.exists():
        pytest.fail(f"{MERMAID_JS.relative_to(ROOT)} is missing: `make browser` fetches Mermaid {MERMAID_VERSION} from the npm registry",
                    pytrace=False)
    page = browser.new_page()
    page.set_content('<!DOCTYPE html><html><body><div id="out"></div></body></html>')
    page.add_script_tag(path=str(MERMAID_JS))
    page.evaluate("mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' })")
    yield page
    page.close()


def test_the_routing_diagram_of_a_change_parses_and_draws_in_mermaid(mermaid_page):
    from tests.pictures_renders import small_estate, subscription
    from tools.pictures import routing_mermaid

    base = small_estate(with_sms=True)
    head = small_estate(with_sms=False, extra=(subscription("acme-warning", "pager", "https", "[secret]"),))
    text = routing_mermaid(head, base)
    drawn = mermaid_page.evaluate(DRAW, text)
    assert "error" not in drawn, drawn
    arrows = [line for line in text.splitlines() if re.match(r"^\s+\w+ (-->|==>|-\.->)", line)]
    assert drawn["links"] == len(arrows)
    assert (drawn["red"], drawn["green"]) == (1, 1)  # the removed SMS route and the added pager route


def test_the_prod_routing_diagram_parses_and_draws_in_mermaid(mermaid_page, prod_render):
    from tools.pictures import routing_mermaid

    text = routing_mermaid(prod_render)
    drawn = mermaid_page.evaluate(DRAW, text)
    assert "error" not in drawn, drawn
    assert drawn["links"] == sum(1 for line in text.splitlines() if re.match(r"^\s+\w+ (-->|==>|-\.->)", line)) > 40
    assert drawn["nodes"] == sum(1 for line in text.splitlines() if re.match(r'^\s+[ptn]\d+\["', line))


def test_mermaid_reports_a_broken_diagram(mermaid_page):
    assert "error" in mermaid_page.evaluate(DRAW, 'flowchart LR\n  a["unclosed] --> b\n')
