#!/usr/bin/env python3
"""notebook_shot.py -- the picture of docs/python.md: the class activity's
cell run with micrograd_c, then `loss` shown the way Jupyter shows it
(Value._repr_html_: the interactive page in an iframe), in a page laid out
like a notebook, rendered by headless Chromium (Debian's chromium,
chromium-driver, python3-selenium) and saved as a PNG.  Jupyter itself is
not needed: what it would put in the cell's output is exactly
_repr_html_'s text, and that is what is rendered.

    python3 python/tools/notebook_shot.py [--out docs/img/python-notebook.png]

Also prints the cell's output (the text docs/python.md shows).
"""
import argparse
import contextlib
import html
import io
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

# the cell, as the class report writes it, with its import changed and its
# input named xs (the report's x, defined in an earlier cell)
CELL = '''from micrograd_c.nn import MLP
xs = [-1.0, -2.0]
ys = [0.0, 1.0]
n = MLP(2, [2, 2]) #La función de activación que ocupa la API es tanh
for k in range(2):
  #------Forward pass-----
  ypred = n(xs)
  # al no poderse aplicar una funcion log en micrograd se obtiene mse
  loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
  #-----Backward pass-----
  for p in n.parameters():
    p.grad = 0.0
  loss.backward()
  # update
  for p in n.parameters():
    p.data += 0.1 * p.grad
  print('iteración #{}'.format(k), '\\nloss function: {}\\n'.format(loss.data), '\\nparametros: {}'.format(n.parameters()))'''

SEED = 7

# the next cell: the loss at the updated weights, as a page
SHOW = '''loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, n(xs)))
loss.label = "loss"
loss'''

NOTEBOOK = """<!doctype html><html><head><meta charset="utf-8"><title>notebook</title><style>
body { font-family: sans-serif; margin: 16px 24px; background: #fff; }
.cell { display: flex; margin: 10px 0; }
.prompt { width: 70px; flex: none; color: #303f9f; font-family: monospace; font-size: 13px; padding-top: 6px; }
.prompt.out { color: #d84315; }
pre { margin: 0; font-size: 12.5px; line-height: 1.35; white-space: pre-wrap; }
.in pre { background: #f5f5f5; border: 1px solid #e0e0e0; padding: 6px 8px; flex: 1; }
.body { flex: 1; min-width: 0; }
</style></head><body>
<div class="cell in"><div class="prompt">In&nbsp;[1]:</div><pre>%(seed)s</pre></div>
<div class="cell in"><div class="prompt">In&nbsp;[2]:</div><pre>%(cell)s</pre></div>
<div class="cell"><div class="prompt"></div><div class="body"><pre>%(out)s</pre></div></div>
<div class="cell in"><div class="prompt">In&nbsp;[3]:</div><pre>%(show)s</pre></div>
<div class="cell"><div class="prompt out">Out[3]:</div><div class="body">%(frame)s</div></div>
</body></html>
"""


def run_cell():
    random.seed(SEED)
    env = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(CELL, env)
    return env, out.getvalue()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="docs/img/python-notebook.png")
    args = ap.parse_args()
    env, text = run_cell()
    print("random.seed(%d)" % SEED)
    print(CELL)
    print("----")
    print(text, end="")
    exec(SHOW.rsplit("\n", 1)[0], env)
    loss = env["loss"]
    print(SHOW)
    frame = loss._repr_html_()
    assert frame is not None
    page = NOTEBOOK % {"seed": "import random; random.seed(%d)   # the numbers below, again" % SEED,
                       "cell": html.escape(CELL), "show": html.escape(SHOW), "out": html.escape(text.rstrip()),
                       "frame": frame.replace("height: 600px", "height: 640px")}
    tmp = tempfile.mkdtemp()
    try:
        path = os.path.join(tmp, "notebook.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(page)
        shoot(path, args.out, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("----\nsaved", args.out)


def shoot(path, png, tmp):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-dev-shm-usage",
                 "--window-size=1400,1500", "--user-data-dir=" + os.path.join(tmp, "profile")):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    try:
        drv.get("file://" + path)
        drv.switch_to.frame(drv.find_element("tag name", "iframe"))
        for _ in range(100):
            if drv.execute_script("return !!window.mgPlayer"):
                break
            time.sleep(0.05)
        # stop in the backward pass, on the edge into the first layer's first weight
        steps = drv.execute_script("return JSON.parse(document.getElementById('mg-data')"
                                   ".textContent).steps")
        at = next(i for i, s in enumerate(steps) if s.get("x", "").startswith("grad(L0.N0.w0) +="))
        drv.execute_script("mgPlayer.go(arguments[0])", at)
        drv.find_element("id", "b-fit").click()    # the whole graph in view
        # and the weight explained beside it: where its gradient comes from
        drv.execute_script("var g = document.querySelector('.mg-graph .node[data-label=\"L0.N0.w0\"]');"
                           "mgPlayer.select(+g.id.slice(1))")
        time.sleep(0.3)
        drv.switch_to.default_content()
        height = drv.execute_script("return document.body.scrollHeight")
        drv.set_window_size(1400, height + 40)
        drv.save_screenshot(png)
    finally:
        drv.quit()


if __name__ == "__main__":
    main()
