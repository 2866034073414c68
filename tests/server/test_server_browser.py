"""The page end to end in a real headless Chromium (Debian's, driven by selenium): drop a CSV, ask, see
the answer, the result table and the interactive chart; screenshots land in the test's tmp dir."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BY_REGION_SQL, SALES_CSV, fenced
from server_process import ServerProcess, make_token

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)",
)
webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium (a dev dependency)")

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

DROP_FILE_JS = """
const [name, text] = arguments;
const file = new File([text], name, {type: "text/csv"});
const dt = new DataTransfer();
dt.items.add(file);
const zone = document.getElementById("dropzone");
for (const type of ["dragenter", "dragover", "drop"]) {
  zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
}
"""


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
        "--lang=en-US",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def test_drop_a_csv_ask_and_see_answer_table_and_chart(tmp_path: Path, browser: Any) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    token = make_token(data_dir, "alice")
    with ServerProcess(data_dir, [fenced(BY_REGION_SQL)]) as server:
        wait = WebDriverWait(browser, 30)
        browser.get(server.url + "/")
        wait.until(lambda d: d.find_element(By.ID, "token-input").is_displayed())
        browser.find_element(By.ID, "token-input").send_keys(token)
        browser.find_element(By.ID, "login-button").click()
        wait.until(lambda d: d.find_element(By.ID, "workspace").is_displayed())
        assert browser.find_element(By.ID, "whoami").text == "alice"

        browser.execute_script(DROP_FILE_JS, "sales.csv", SALES_CSV)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".table-card[data-table='sales'] tbody tr"))
        preview = browser.find_elements(By.CSS_SELECTOR, ".table-card tbody tr")
        assert len(preview) == 5 and "East" in preview[0].text

        box = browser.find_element(By.ID, "question")
        box.send_keys("total amount by region")
        box.send_keys(Keys.ENTER)
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".msg.bot .answer-text").text.strip())
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.bot .chart svg, .msg.bot .chart canvas"))
        card = browser.find_element(By.CSS_SELECTOR, ".msg.bot")
        assert "East" in card.find_element(By.CSS_SELECTOR, ".answer-text").text
        rows = [r.text for r in card.find_elements(By.CSS_SELECTOR, ".result-table tbody tr")]
        assert rows == ["East 2,000", "West 1,000", "North 450"]
        assert [li.get_attribute("class") for li in card.find_elements(By.CSS_SELECTOR, ".stages li")] == [
            "done"
        ] * 4
        marks = card.find_elements(
            By.CSS_SELECTOR, ".chart svg .mark-rect path, .chart svg .mark-arc path, .chart svg path"
        )
        assert marks, "the chart has no drawn marks"
        card.find_element(By.CSS_SELECTOR, ".sql-box summary").click()
        assert BY_REGION_SQL in card.find_element(By.CSS_SELECTOR, "pre.sql").text
        browser.save_screenshot(str(tmp_path / "answer-en.png"))

        browser.find_element(By.ID, "lang-toggle").click()
        assert browser.find_element(By.ID, "ask-button").text == "提问"
        assert "理解问题" in card.find_element(By.CSS_SELECTOR, ".stages").text
        browser.save_screenshot(str(tmp_path / "answer-zh.png"))

        # a reload restores the conversation from the server's history
        browser.refresh()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".msg.bot .chart svg"))
        assert browser.find_element(By.ID, "ask-button").text == "提问"

    shots = os.environ.get("TABLEPILOT_SCREENSHOT_DIR")
    if shots:
        for png in tmp_path.glob("answer-*.png"):
            shutil.copy(png, Path(shots) / png.name)
    assert (tmp_path / "answer-en.png").stat().st_size > 10_000
