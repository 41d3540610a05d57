"""The tape explorer page, driven in a real headless browser (Debian's Chromium through
Selenium): click through the seed example's backward pass and read the adjoints the page
shows, 36 and 10 (∂f/∂w1 = 6·w1 + 2·w2 = 36, ∂f/∂w2 = 2·w1 = 10 at (5, 3), by hand).

CI installs Chromium and its driver (.ci/run); without them these tests fail, saying how to
install them, rather than being skipped."""
import json
import re
import shutil

import pytest

import minitf as tf
from minitf import explain


def _seed_page(tmp_path):
    w1, w2 = tf.Variable(5., name="w1"), tf.Variable(3., name="w2")
    with tf.GradientTape(persistent=True) as tape:
        f = 3 * w1 ** 2 + 2 * w1 * w2
    path = tmp_path / "seed.html"
    explain.html(tape, f, [w1, w2], path=str(path))
    return path


def _data(page: str) -> dict:
    return json.loads(re.search(r'id="tape-data">(.*?)</script>', page, re.S).group(1))


def test_page_is_self_contained_and_from_the_tape(tmp_path):
    page = _seed_page(tmp_path).read_text()
    assert "default-src 'none'" in page                     # the page may load nothing
    assert not re.search(r"https?://|src=|href=", page)
    data = _data(page)
    assert [o["op"] for o in data["ops"]] == ["Pow", "Mul", "Mul", "Mul", "AddV2"]
    assert len(data["backward"]) == 5                       # one step per record
    assert all(o["rule"] for o in data["ops"])


def test_fused_dense_is_shown_as_its_steps(tmp_path):
    layer = tf.keras.layers.Dense(2, activation="relu")
    layer.build((None, 3))
    layer.kernel.assign([[1.0, -1.0], [2.0, 0.5], [0.0, 1.0]])
    layer.bias.assign([0.5, -4.0])
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(layer(x))
    data = _data(explain.html(tape, y, [layer.kernel, layer.bias]))
    assert [o["op"] for o in data["ops"]] == ["MatMul", "BiasAdd", "Relu", "Sum"]
    assert [o["fused"] for o in data["ops"]] == ["Dense", "Dense", "Dense", None]
    names = {k: t["name"] for k, t in data["tensors"].items()}
    shown = {names[k]: t["value"] for k, t in data["tensors"].items()}
    # x·W = [5, 3]; + b = [5.5, -1]; relu -> [5.5, 0]: the second unit is off, so by hand
    # ∂b = [1, 0] and ∂W = xᵀ·[1, 0].
    assert shown["v1.matmul"] == "[1, 2]:[5, 3]" and shown["v1.biasadd"] == "[1, 2]:[5.5, -1]"
    last = {names[k]: v for s in data["backward"] for k, v in s["adjoints"].items()}
    assert last["bias"] == "[1, 0]" and last["kernel"] == "[3, 2]:[1, 0, 2, 0, 3, 0]"


def test_seed_unused_sources_and_a_leaf_target(tmp_path):
    x, u = tf.Variable([1., 2., 3.], name="x"), tf.Variable(1., name="u")
    with tf.GradientTape(persistent=True) as tape:
        y = x * x
    page = explain.html(tape, y, [x, u])
    data = _data(page)
    # the backward pass starts from ones shaped like the target; 2·x by hand
    assert data["seed"] == "[1, 1, 1]" and data["tensors"][data["target"]]["name"] == "f"
    assert "tape.gradient: dx = [2, 4, 6], du = None" in page     # u was never read: None
    w = tf.Variable(2., name="w")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(w)
    data = _data(explain.html(tape, w, [w]))                       # f = w: no op, df/dw = 1
    assert data["ops"] == [] and data["backward"] == []
    assert data["tensors"][data["target"]]["kind"] == "source"    # shown, not a pending value


def test_the_text_listing_names_the_fused_steps_as_the_page_does():
    layer = tf.keras.layers.Dense(2, activation="relu")
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(layer(x))
    listing = explain.describe(tape)
    assert ("one fused kernel: v1.matmul = MatMul(c([1, 3]:[1, 2, 3]), kernel); "
            "v1.biasadd = BiasAdd(v1.matmul, bias); v1 = Relu(v1.biasadd)") in listing
    trace = str(explain.backward_trace(tape, y, [layer.kernel, layer.bias]))
    assert "rule: fused MatMul → BiasAdd → Relu: ∂z = g where y > 0" in trace
    names = {t["name"] for t in _data(explain.html(tape, y, [layer.kernel])).get("tensors")
             .values()}
    assert {"v1.matmul", "v1.biasadd", "v1", "kernel", "bias", "f"} <= names


def _chrome(size: str = "1400,900"):
    """Headless Debian Chromium driven by its own chromedriver (nothing is downloaded)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.fail("the browser test needs Debian's chromium and chromium-driver: "
                    "apt-get install chromium chromium-driver (.ci/run does this)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("the browser test needs selenium: pip install -e '.[test]'")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--hide-scrollbars", f"--window-size={size}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(driver_path), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = _chrome()
    yield driver
    driver.quit()


def _cell(driver, name: str, column: str) -> str:
    from selenium.webdriver.common.by import By
    return driver.find_element(By.CSS_SELECTOR, f'tr[data-name="{name}"] td.{column}').text


def test_clicking_through_the_backward_pass_shows_36_and_10(browser, tmp_path):
    from selenium.webdriver.common.by import By
    browser.get(_seed_page(tmp_path).as_uri())
    assert _cell(browser, "f", "value") == ""               # nothing computed yet
    browser.find_element(By.ID, "fwd").click()
    assert _cell(browser, "v1", "value") == "25"             # w1 ** 2
    for _ in range(4):
        browser.find_element(By.ID, "fwd").click()
    assert _cell(browser, "f", "value") == "105"
    assert _cell(browser, "w1", "adjoint") == ""
    bwd = browser.find_element(By.ID, "bwd")
    seen = []
    while bwd.is_enabled():
        bwd.click()
        seen.append(_cell(browser, "w1", "adjoint"))
    assert _cell(browser, "w1", "adjoint") == "36"
    assert _cell(browser, "w2", "adjoint") == "10"
    assert _cell(browser, "f", "adjoint") == "1"
    assert "30" in seen or "6" in seen                       # w1's adjoint grew step by step
    assert browser.find_element(By.ID, "status").text == "forward 5/5 · backward 5/5"
    # the VJP rule is on the op's tooltip (its SVG <title>)
    titles = [t.get_attribute("textContent") for t in
              browser.find_elements(By.CSS_SELECTOR, "g.op > title")]
    assert any(t.startswith("Mul: ∂a = g·b, ∂b = g·a") for t in titles)
    assert any(t.startswith("Pow: ") for t in titles)
    browser.find_element(By.ID, "reset").click()
    assert _cell(browser, "w1", "adjoint") == "" and _cell(browser, "f", "value") == ""
    # the keys step too: → one op forward; ← one backward step (after the rest of the forward)
    from selenium.webdriver.common.keys import Keys
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    assert browser.find_element(By.ID, "status").text == "forward 1/5 · backward 0/5"
    body.send_keys(Keys.ARROW_LEFT)
    assert browser.find_element(By.ID, "status").text == "forward 5/5 · backward 1/5"
    assert _cell(browser, "v2", "adjoint") == "1" and _cell(browser, "v4", "adjoint") == "1"
    # the page asked the network for nothing
    assert browser.execute_script(
        "return performance.getEntriesByType('resource').length") == 0


def test_cli_writes_the_page_whole(tmp_path):
    from minitf.cli.explain import run
    out, err = [], []
    path = tmp_path / "tape.html"
    assert run("3*w1**2 + 2*w1*w2", ["w1=5", "w2=3"], html=str(path), out=out.append,
               err=err.append) == 0
    assert out[-1] == f"wrote {path}" and not err
    data = _data(path.read_text())
    assert [t["name"] for t in data["tensors"].values()][:1] == ["w1"]
    bad = tmp_path / "missing-dir" / "tape.html"
    assert run("w*w", ["w=2"], html=str(bad), out=out.append, err=err.append) == 2
    assert err and err[-1].startswith(f"error: cannot write {bad}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tape.html"]
    # a directory in the way: the temporary file is written, the rename fails, and nothing
    # but the directory is left
    (tmp_path / "adir").mkdir()
    assert run("w*w", ["w=2"], html=str(tmp_path / "adir"), out=out.append,
               err=err.append) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "tape.html"]


def test_names_with_markup_do_not_break_the_page(browser, tmp_path):
    from selenium.webdriver.common.by import By
    # "<!--<script>" inside a script element would swallow the closing tag and stop the script
    w = tf.Variable(2., name="<!--<script>")
    with tf.GradientTape(persistent=True) as tape:
        f = w * w
    path = tmp_path / "markup.html"
    explain.html(tape, f, [w], path=str(path))
    browser.get(path.as_uri())
    browser.find_element(By.ID, "bwd").click()
    assert browser.find_element(By.ID, "status").text == "forward 1/1 · backward 1/1"
    assert _cell(browser, "<!--<script>", "adjoint") == "4"             # ∂(w²)/∂w = 2w


def test_a_tf_function_call_is_one_node_with_its_rule():
    # the tape records a tf.function call as one op, as TF's tape does; its rule says where
    # the inputs' gradients come from, and the adjoint is the engine's: d(v² + 1)/dv = 2v = 4
    @tf.function
    def g(v):
        return v * v + 1.0
    w = tf.Variable(2.0, name="w")
    with tf.GradientTape(persistent=True) as tape:
        r = g(w)
    data = _data(explain.html(tape, r, [w]))
    assert [o["op"] for o in data["ops"]] == ["StatefulPartitionedCall"]
    assert "traced gradient graph" in data["ops"][0]["rule"]
    names = {k: t["name"] for k, t in data["tensors"].items()}
    assert {names[k]: v for k, v in data["backward"][0]["adjoints"].items()} == {"w": "4"}


if __name__ == "__main__":
    # Remakes the docs' screenshot (docs/img/explorer.png): the seed example after three
    # backward steps.  python tests/test_explain_html.py docs/img/explorer.png
    import pathlib
    import sys
    import tempfile

    from selenium.webdriver.common.by import By
    w1, w2 = tf.Variable(5., name="w1"), tf.Variable(3., name="w2")
    with tf.GradientTape(persistent=True) as tape:
        f = 3 * w1 ** 2 + 2 * w1 * w2
    with tempfile.TemporaryDirectory() as tmp:
        page = pathlib.Path(tmp) / "seed.html"
        explain.html(tape, f, [w1, w2], path=str(page), title="f = 3·w1² + 2·w1·w2 at (5, 3)")
        driver = _chrome("1220,1000")
        try:
            driver.get(page.as_uri())
            for _ in range(3):
                driver.find_element(By.ID, "bwd").click()
            driver.save_screenshot(sys.argv[1])
        finally:
            driver.quit()
