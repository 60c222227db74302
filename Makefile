# micrograd-c.  `make` builds the library, the examples and the tools under
# build/; `make run` runs the main walk-through; `make test` the test suites.
#
#   make SANITIZE=address,undefined test   tests under ASan + UBSan
#   make CC=clang BUILD=build/clang test   another compiler, another folder
#   make install PREFIX=/usr DESTDIR=pkg   staged install
#
# Your CFLAGS are added after ours, never instead of them.

CC      ?= cc
AR      ?= ar
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
SANITIZE ?=

STD_FLAGS  = -std=c11 -Wall -Wextra -Wpedantic -Werror -O2 -ffp-contract=off -Iinclude
ifneq ($(SANITIZE),)
SAN_FLAGS  = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer -g
endif
ALL_CFLAGS  = $(STD_FLAGS) $(SAN_FLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
LIBS        = -lm

LIB_SRC   = $(wildcard src/*.c)
LIB_OBJ   = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
PIC_OBJ   = $(LIB_SRC:src/%.c=$(BUILD)/pic/%.o)
HEADERS   = include/micrograd.h $(wildcard src/*.h)
EXAMPLES  = $(patsubst examples/%.c,$(BUILD)/examples/%,$(wildcard examples/*.c))
TEST_SRC  = $(wildcard tests/test_*.c)
TEST_BIN  = $(BUILD)/tests/run_tests
STATIC    = $(BUILD)/libmicrograd.a
SHARED    = $(BUILD)/libmicrograd.so

.PHONY: all lib examples run test check-criterion install uninstall clean

all: lib examples

lib: $(STATIC) $(SHARED)

examples: $(EXAMPLES)

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/pic/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED): $(PIC_OBJ)
	$(CC) -shared $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/examples/%: examples/%.c $(STATIC) include/micrograd.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(LIBS)

# The walk-through a learner starts with.
run: $(BUILD)/examples/mazur
	$(BUILD)/examples/mazur

# All suites link into one Criterion binary, so one summary line covers them.
$(TEST_BIN): $(TEST_SRC) tests/test_util.h $(STATIC) | check-criterion
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $(TEST_SRC) $(STATIC) -lcriterion $(LIBS)

check-criterion:
	@sh tests/ensure_criterion.sh "$(CC)"

test: check-criterion $(TEST_BIN)
	$(TEST_BIN) $(TEST_ARGS)

install: lib
	mkdir -p $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	cp include/micrograd.h $(DESTDIR)$(PREFIX)/include/
	cp $(STATIC) $(SHARED) $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(shell sed -n 's/^#define MG_VERSION "\(.*\)"/\1/p' include/micrograd.h)|' \
		micrograd.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/micrograd.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/micrograd.h \
		$(DESTDIR)$(PREFIX)/lib/libmicrograd.a $(DESTDIR)$(PREFIX)/lib/libmicrograd.so \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/micrograd.pc

clean:
	rm -rf build

# ---- training (issue 5): the examples' pictures, decision boundary and loss
# curve as self-contained SVG (open them in a browser).
.PHONY: plots
plots: $(BUILD)/examples/moons $(BUILD)/examples/xor
	@mkdir -p $(BUILD)/plots
	$(BUILD)/examples/moons --quiet --plot $(BUILD)/plots/moons.svg
	$(BUILD)/examples/xor --plot $(BUILD)/plots/xor.svg
