#!/usr/bin/env python3
"""check_mnist.py -- the MNIST examples on real digits, with the accuracy
the project promises (make check-mnist).

    python3 tools/check_mnist.py EXAMPLES IMAGES LABELS WORKDIR [TORCH_PYTHON]

  - mnist01, the notebook's defaults, seeds 1, 2, 3: the mean test accuracy
    is at least 98.8% for 0 against 1 and at least 86.5% for 3 against 8;
  - mnist10, its defaults, seeds 1, 2, 3: the mean is at least 90%;
  - when TORCH_PYTHON can import torch: tools/mnist_torch.py, mnist10
    against PyTorch on the same splits, within 1 point.
Standard library only.  Exit status 1 when a promise is not kept.
"""
import re
import subprocess
import sys
import time


def accuracy(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"test accuracy ([0-9.]+)%", out).group(1))


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    examples, images, labels, work = argv[1:5]
    torch_python = argv[5] if len(argv) > 5 else None
    t0, failed = time.time(), 0
    runs = [("mnist01", ["--digits", "0,1"], "0 vs 1", 98.8),
            ("mnist01", ["--digits", "3,8"], "3 vs 8", 86.5),
            ("mnist10", [], "ten digits", 90.0)]
    for prog, args, what, floor in runs:
        accs = [accuracy([f"{examples}/{prog}", "--lang", "en", "--seed", str(s)] + args +
                         [images, labels]) for s in (1, 2, 3)]
        mean = sum(accs) / 3
        ok = mean >= floor
        failed += not ok
        print(f"{prog} {what}: seeds 1-3 {' '.join(f'{a:.2f}%' for a in accs)}, mean {mean:.2f}% "
              f"({'at least' if ok else 'BELOW'} {floor}%)")
    if torch_python and subprocess.run([torch_python, "-c", "import torch"],
                                       capture_output=True).returncode == 0:
        r = subprocess.run([torch_python, "tools/mnist_torch.py", f"{examples}/mnist10", images,
                            labels, work])
        failed += r.returncode != 0
    else:
        print("PyTorch: not compared (cannot import torch; on Debian: apt-get install python3-torch)")
    print(f"check-mnist: {'all kept' if not failed else f'{failed} NOT kept'} "
          f"({time.time() - t0:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
