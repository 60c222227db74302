#!/usr/bin/env python3
"""check_pages.py -- the HTML pages in a real browser (make check-browser).

Headless Chromium (Debian's chromium and chromium-driver) driven by
python3-selenium opens the pages from file:// and checks, for the lecture's
neuron, Mazur's network and a random formula:
  - no console error, and no request other than file: or data:;
  - every node's data-label/data-data/data-grad equal the engine's own
    output (mgrad --json, the examples' --dump --tsv) or Mazur's published
    numbers;
  - the keys step: every backward step shows the trace's line, in mgrad
    --trace's order, with its edge highlighted; End shows every gradient;
  - clicking a node explains it (mgrad --explain's text);
  - the quiz checks answers (digits typed, a comma as decimal point);
  - a 1,000-node page loads and steps (its timings are printed, not tested);
and parses the tests' hostile-label SVG with Python's XML parser.

    python3 tests/browser/check_pages.py [--build build] [--shots docs/img]

--shots also saves the screenshots the README and docs show.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("  FAIL:", what)
    return cond


def die(msg):
    print("make check-browser: " + msg, file=sys.stderr)
    sys.exit(2)


def find_tools():
    try:
        from selenium import webdriver  # noqa: F401
    except ImportError:
        die("python3-selenium is not installed; on Debian: apt-get install python3-selenium")
    browser = next((shutil.which(b) for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    if not browser:
        die("Chromium is not installed; on Debian: apt-get install chromium chromium-driver")
    driver = shutil.which("chromedriver")
    if not driver:
        die("chromedriver is not installed; on Debian: apt-get install chromium-driver")
    return browser, driver


def start(browser, driver_path, profile):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1440,810", "--user-data-dir=" + profile):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=opts)


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def short(x):
    """A number as a box shows it (mg__fmt_short)."""
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    if x != 0 and (abs(x) < 1e-4 or abs(x) >= 1e5):
        return "%.3e" % x
    return "%.4f" % x


# ------------------------------------------------------------ the pages


class Page:
    def __init__(self, drv, path):
        self.drv = drv
        drv.get("file://" + os.path.abspath(path))
        for _ in range(100):
            if drv.execute_script("return !!window.mgPlayer"):
                break
            time.sleep(0.05)
        self.data = json.loads(drv.execute_script("return document.getElementById('mg-data').textContent"))
        self.last = len(self.data["steps"]) - 1

    def js(self, code, *args):
        return self.drv.execute_script(code, *args)

    def nodes(self):
        return self.js("""return Array.prototype.map.call(document.querySelectorAll('.mg-graph .node'),
            function (g) { return {id: g.id, label: g.getAttribute('data-label'),
              data: g.getAttribute('data-data'), grad: g.getAttribute('data-grad'),
              cls: g.getAttribute('class'), gtext: (g.querySelector('.grd .v') || {}).textContent,
              gvis: g.querySelector('.grd .v') ? getComputedStyle(g.querySelector('.grd .v')).visibility : ''}; });""")

    def key(self, name):
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(self.drv).send_keys(getattr(Keys, name) if len(name) > 1 else name).perform()

    def step(self):
        return self.js("return mgPlayer.step()")

    def steptext(self):
        return self.js("return document.getElementById('steptext').textContent")

    def click_node(self, label):
        el = self.drv.find_element("css selector", '.mg-graph .node[data-label="%s"] .box' % label)
        self.js("arguments[0].scrollIntoView()", el)
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(self.drv).move_to_element(el).click().perform()

    def clean(self, name):
        """No console error, no request but file: and data:."""
        logs = self.drv.get_log("browser")
        errors = [e for e in logs if e.get("level") == "SEVERE"]
        check(not errors, "%s: console errors %s" % (name, errors))
        urls = self.js("""return performance.getEntriesByType('navigation').concat(
            performance.getEntriesByType('resource')).map(function (e) { return e.name; })""")
        urls += [self.drv.current_url]
        bad = [u for u in urls if not (u.startswith("file:") or u.startswith("data:"))]
        check(not bad, "%s: requests other than file: or data: %s" % (name, bad))


def check_values(page, name, want):
    """want: label -> (data, grad) as floats; every labelled node must match."""
    got = {n["label"]: n for n in page.nodes() if n["label"]}
    for label, (data, grad) in want.items():
        if not check(label in got, "%s: no node labelled %s" % (name, label)):
            continue
        check(float(got[label]["data"]) == data, "%s: %s data %s != %r" % (name, label, got[label]["data"], data))
        if grad is not None:
            check(float(got[label]["grad"]) == grad,
                  "%s: %s grad %s != %r" % (name, label, got[label]["grad"], grad))


def check_stepping(page, name, trace_lines):
    """Keys: Right steps through forward then backward, each backward step
    shows the trace's next line with one edge highlighted; Left goes back;
    End shows every gradient; Home hides them again."""
    page.key("HOME")
    check(page.step() == 0, "%s: Home does not go to step 0" % name)
    page.key("ARROW_RIGHT")
    check(page.step() == 1, "%s: Right does not step" % name)
    page.key("ARROW_LEFT")
    check(page.step() == 0, "%s: Left does not step back" % name)
    page.key("SPACE")
    check(page.step() == 1, "%s: space does not step" % name)
    page.key("BACKSPACE")
    check(page.step() == 0, "%s: Backspace does not step back" % name)
    steps = page.data["steps"]
    first_b = next(i for i, s in enumerate(steps) if s["k"] == "r")
    for _ in range(first_b):
        page.key("ARROW_RIGHT")
    seen = []
    while page.step() < page.last and steps[page.step()]["k"] in "rb":
        seen.append(page.steptext())
        hot = page.js("return document.querySelectorAll('.mg-graph .edge.hot').length")
        if steps[page.step()]["k"] == "b":
            check(hot == 1, "%s: step %d highlights %d edges" % (name, page.step(), hot))
        before = page.step()
        page.key("ARROW_RIGHT")
        if page.step() == before:
            break
    if page.step() == page.last and steps[page.last]["k"] in "rb":
        seen.append(page.steptext())
    check(seen == trace_lines, "%s: the backward steps are not the trace's lines in order:\n%s\n%s"
          % (name, "\n".join(seen[:5]), "\n".join(trace_lines[:5])))
    page.key("END")
    check(page.step() == page.last, "%s: End does not go to the last step" % name)
    nodes = page.nodes()
    for n in nodes:
        check("hasgrad" in n["cls"] and n["gvis"] == "visible" and n["gtext"] == short(float(n["grad"])),
              "%s: at the end, node %s shows grad %r (%s)" % (name, n["label"] or n["id"], n["gtext"], n["gvis"]))
    page.key("HOME")
    hidden = [n for n in page.nodes() if n["gvis"] == "visible"]
    check(not hidden, "%s: Home still shows %d gradients" % (name, len(hidden)))


def check_click(page, name, label, explain_text):
    page.click_node(label)
    h2 = page.js("var h = document.querySelector('#details h2'); return h ? h.textContent : ''")
    check(h2 == label, "%s: clicking %s shows %r" % (name, label, h2))
    pre = page.js("var p = document.querySelector('#details pre.explain'); return p ? p.textContent : ''")
    # mgrad wraps long lines (at 100 columns off a terminal) where the page
    # lets them run: compare the words, with white space folded
    want = " ".join(explain_text.split())
    cut = pre.find("\n\u2026 (")   # a long explanation is cut short at a line end, with a note
    got = " ".join((pre[:cut] if cut >= 0 else pre).split())
    same = want.startswith(got) if cut >= 0 else got == want
    check(same and got, "%s: the explanation of %s is not mgrad --explain's:\n%s\n--\n%s"
          % (name, label, pre, explain_text))


# ---------------------------------------------------------------- main


NEURON = "n = x1*w1 + x2*w2 + b; o = tanh(n)"
NEURON_ARGS = ["x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]
LECTURE = "e = a*b; d = e + c; L = d*f"
LECTURE_ARGS = ["a=2", "b=-3", "c=10", "f=-2"]


def random_formula(rng, n_ops):
    """A random program for mgrad: names t0, t1, ... each one operation on
    earlier names or leaves, every value kept in a safe range."""
    names = ["x%d" % i for i in range(6)]
    lines = []
    for k in range(n_ops):
        a, b = rng.choice(names), rng.choice(names)
        op = rng.randrange(7)
        expr = ["%s + %s", "%s - %s", "%s * %s", "tanh(%s) * %s", "%s / (%s*%s + 1)" % (a, b, b),
                "exp(tanh(%s)) + %s", "sigmoid(%s) * %s"][op]
        if op != 4:
            expr = expr % (a, b)
        lines.append("t%d = tanh(%s)" % (k, expr))
        names.append("t%d" % k)
    lines.append("out = " + " + ".join(names[6:]))   # every name reaches the output
    args = ["x%d=%r" % (i, rng.uniform(-2, 2)) for i in range(6)]
    return "\n".join(lines), args


def mgrad_json(mgrad, prog, args):
    out = json.loads(run(mgrad, "eval", "--json", prog, *args))
    return {n["name"]: (n["data"], n["grad"]) for n in out["nodes"]}


def trace_of(mgrad, prog, args):
    lines = run(mgrad, "eval", "--trace", prog, *args).splitlines()
    return [l for l in lines if l.startswith("grad(")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--shots", default=None, help="save the screenshots into this folder")
    a = ap.parse_args()
    browser, driver_path = find_tools()
    mgrad = os.path.join(a.build, "mgrad")
    ex = os.path.join(a.build, "examples")
    tmp = tempfile.mkdtemp(prefix="mg-pages-")
    t0 = time.time()

    # the pages
    run(mgrad, "eval", "--html", tmp + "/neuron.html", NEURON, *NEURON_ARGS)
    run(os.path.join(ex, "neuron"), "--html", tmp + "/neuron-example.html")
    run(os.path.join(ex, "mazur"), "--html", tmp + "/mazur.html")
    run(mgrad, "eval", "--html", tmp + "/quiz.html", "--quiz", LECTURE, *LECTURE_ARGS)
    rng = random.Random(16)
    rprog, rargs = random_formula(rng, 30)
    run(mgrad, "eval", "--html", tmp + "/random.html", rprog, *rargs)
    bprog, bargs = random_formula(rng, 260)   # about 1,000 nodes
    with open(tmp + "/big.mg", "w") as f:
        f.write(bprog)
    run(mgrad, "eval", "--html", tmp + "/big.html", "-f", tmp + "/big.mg", *bargs)

    size = os.path.getsize(tmp + "/mazur.html")
    print("mazur.html: %d bytes" % size)
    check(size < 300 * 1024, "the Mazur page is %d bytes, not under 300 KB" % size)

    # hostile labels: the SVG the C tests wrote must parse as XML
    hostile = os.path.join(a.build, "tests", "dot", "page_hostile.svg")
    if check(os.path.exists(hostile), "no %s: run make test first" % hostile):
        try:
            ET.parse(hostile)
        except ET.ParseError as e:
            check(False, "page_hostile.svg does not parse as XML: %s" % e)

    drv = start(browser, driver_path, tmp + "/profile")
    try:
        # the neuron, from mgrad
        print("neuron (mgrad)")
        p = Page(drv, tmp + "/neuron.html")
        check_values(p, "neuron", mgrad_json(mgrad, NEURON, NEURON_ARGS))
        check_stepping(p, "neuron", trace_of(mgrad, NEURON, NEURON_ARGS))
        check_click(p, "neuron", "w1", run(mgrad, "eval", "--explain", "w1", NEURON, *NEURON_ARGS))
        p.clean("neuron")

        # the neuron example's own page, against its --dump --tsv
        print("neuron (example)")
        p = Page(drv, tmp + "/neuron-example.html")
        rows = run(os.path.join(ex, "neuron"), "--dump", "--tsv").splitlines()
        head = rows[0].split("\t")
        want = {}
        for r in rows[1:]:
            f = dict(zip(head, r.split("\t")))
            want[f["label"]] = (float(f["data"]), float(f["grad"]))
        check_values(p, "neuron example", want)
        p.clean("neuron example")

        # Mazur: the published numbers, to the digits printed
        print("mazur")
        p = Page(drv, tmp + "/mazur.html")
        got = {n["label"]: n for n in p.nodes()}
        published = {"out_h1": ("data", "0.593269992"), "out_o1": ("data", "0.75136507"),
                     "E_total": ("data", "0.298371109"), "E_o1": ("data", "0.274811083"),
                     "w5": ("grad", "0.082167041"), "w1": ("grad", "0.000438568"),
                     "net_o1": ("grad", "0.138498562"), "out_h1": ("grad", "0.036350306")}
        for label, (what, fig) in published.items():
            dec = len(fig.split(".")[1])
            x = float(got[label]["data" if what == "data" else "grad"])
            check(abs(x - float(fig)) <= 0.5 * 10 ** -dec * (1 + 1e-9),
                  "mazur: %s %s %r is not the post's %s" % (label, what, x, fig))
        ups = [s["x"] for s in p.data["steps"] if s["k"] == "u"]
        check("w5+ = w5 - 0.5 * dE_total/dw5 = 0.400000000 - 0.5 * 0.082167041 = 0.358916480" in ups,
              "mazur: no update step w5+ = 0.358916480 (the post: 0.35891648)")
        p.key("END")
        check(p.js("return document.getElementById('curve-dot').getAttribute('class')") == "on",
              "mazur: End does not put the marker on the loss curve")
        for n in p.nodes():
            check("hasgrad" in n["cls"], "mazur: at the end %s has no grad" % n["label"])
        # fold the hidden layer by its name, then unfold it
        p.js("""var c = Array.prototype.filter.call(document.querySelectorAll('.mg-graph .cluster'),
                 function (c) { return c.textContent === 'hidden layer'; })[0];
               window.__cl = c.getAttribute('data-group');""")
        el = drv.find_element("css selector", '.mg-graph .cluster[data-group="%s"] text' % p.js("return __cl"))
        from selenium.webdriver.common.action_chains import ActionChains
        ActionChains(drv).move_to_element(el).click().perform()
        hid = p.js("return document.querySelectorAll('.mg-graph .node.hid').length")
        on = p.js("return document.querySelectorAll('.mg-graph .cover.on').length")
        check(hid >= 10 and on == 1, "mazur: folding the hidden layer hides %d nodes, %d covers" % (hid, on))
        p.clean("mazur")

        # a random formula: values, every backward step, a click
        print("random formula")
        p = Page(drv, tmp + "/random.html")
        check_values(p, "random", mgrad_json(mgrad, rprog, rargs))
        check_stepping(p, "random", trace_of(mgrad, rprog, rargs))
        check_click(p, "random", "x3", run(mgrad, "eval", "--explain", "x3", rprog, *rargs))
        p.clean("random")

        # the quiz
        print("quiz")
        p = Page(drv, tmp + "/quiz.html")
        check(all(n["gtext"] == "?" and n["gvis"] == "visible" for n in p.nodes()), "quiz: a gradient is shown")
        check(p.step() == p.last, "quiz: a worksheet does not open with every value computed")
        p.click_node("a")

        def answer(text):
            box = drv.find_element("id", "answer")
            box.clear()
            box.send_keys(text)
            drv.find_element("id", "check").click()
            v = drv.find_elements("id", "verdict")
            return v[0].get_attribute("class") if v else ""
        check(answer("5") == "wrong", "quiz: 5 accepted for dL/da = 6")
        check(answer("6") == "right", "quiz: 6 refused for dL/da = 6")
        grad_a = [n for n in p.nodes() if n["label"] == "a"][0]
        check(grad_a["gtext"] == "6.0000", "quiz: the answered gradient shows %r" % grad_a["gtext"])
        p.click_node("c")
        check(answer("-2,0") == "right", "quiz: -2,0 (a comma) refused for dL/dc = -2")
        p.click_node("e")
        check(answer("-1.99") == "wrong", "quiz: -1.99 accepted for dL/de = -2 (two decimals typed)")
        check(answer("-2.001") == "right", "quiz: -2.001 refused for -2 (within 1e-3)")
        p.click_node("f")
        drv.find_element("id", "show").click()
        check(p.js("return document.querySelector('#details dd.grad').textContent") == "4.000000000",
              "quiz: show the answer does not show dL/df = 4")
        p.clean("quiz")

        # a thousand nodes: it loads and steps; the timings are reported
        print("1,000 nodes")
        t = time.time()
        p = Page(drv, tmp + "/big.html")
        load = time.time() - t
        n = p.data["n"]
        per = p.js("""var t = performance.now(), k = 0;
                      for (var s = 0; s <= mgPlayer.last && k < 400; s += 1, k++) mgPlayer.go(s);
                      return (performance.now() - t) / k;""")
        p.key("END")
        check(p.step() == p.last, "big: End does not reach the last step")
        shown = p.js("return document.querySelectorAll('.mg-graph .node.hasgrad').length")
        check(shown == n, "big: End shows %d of %d gradients" % (shown, n))
        print("  %d nodes, %d steps, %d bytes: opened in %.2f s, %.2f ms a step"
              % (n, p.last, os.path.getsize(tmp + "/big.html"), load, per))
        check(n >= 1000, "big: only %d nodes" % n)
        p.clean("big")

        if a.shots:
            shots(drv, tmp, a.shots, ex)
    finally:
        drv.quit()
    shutil.rmtree(tmp, ignore_errors=True)
    print("make check-browser: %d problems, %.0f s" % (len(FAILS), time.time() - t0))
    print("%d passed, %d failed" % (1 if not FAILS else 0, 1 if FAILS else 0))
    sys.exit(1 if FAILS else 0)


def shots(drv, tmp, folder, ex):
    """The screenshots of the docs: the neuron at the end (every gradient,
    w1 explained), mid-backward with a node explained, and the quiz with
    answers checked."""
    os.makedirs(folder, exist_ok=True)
    drv.set_window_size(1440, 810)
    p = Page(drv, tmp + "/neuron-example.html")
    p.key("END")
    p.click_node("w1")
    drv.save_screenshot(os.path.join(folder, "page-neuron.png"))
    at = next(i for i, s in enumerate(p.data["steps"]) if s.get("x", "").startswith("grad(x1*w1) +="))
    p.js("mgPlayer.go(arguments[0])", at)
    p.click_node("x1*w1")
    drv.save_screenshot(os.path.join(folder, "page-neuron-backward.png"))
    p = Page(drv, tmp + "/quiz.html")
    for label, typed in (("a", "6"), ("e", "-2"), ("d", "2")):   # two right, one wrong
        p.click_node(label)
        drv.find_element("id", "answer").send_keys(typed)
        drv.find_element("id", "check").click()
    drv.save_screenshot(os.path.join(folder, "page-quiz.png"))
    print("screenshots in", folder)


if __name__ == "__main__":
    main()
