# csmreport - build, test, demo, bench.
#
#   make            build build/csmreport (and build/fleetgen)
#   make demo       install missing Debian packages, build, import samples/, run the main job
#   make test       install missing Debian packages, build, run every test
#   make bench      benchmarks (a report, not a timed test)
#   make sanitize   ASan + UBSan build running the tests
#   make valgrind   the unit tests and a sample import under valgrind
#   make fuzz       libFuzzer targets FUZZ_SECONDS each (default 60); make faults: full fault sweep
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
# V=1 shows the commands.

PREFIX  ?= /usr/local
DESTDIR ?=
# The installed data (templates, profiles, fonts), compiled into the program.
DATADIR ?= $(PREFIX)/share/csmreport
BUILD   ?= build
CC      ?= cc
PKGS     = sqlite3 libxml-2.0 cairo pangocairo pangoft2 fontconfig xlsxwriter gmime-3.0 libcurl libzip
VERSION  = 0.1.0

WARN     = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
ifeq ($(CI),true)
WERROR   = -Werror
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(WERROR) $(OPT) \
             -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) -DCR_VERSION='"$(VERSION)"' \
             -DCR_DATADIR='"$(DATADIR)"' $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LIBS      = $(PKG_LIBS) -lm -lpthread

ifeq ($(V),1)
Q =
else
Q = @
endif

SRC_DIRS := core ingest store metrics template render mail batch
LIB_SRC  := $(foreach d,$(SRC_DIRS),$(wildcard src/$(d)/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
CLI_SRC  := $(wildcard src/cli/*.c)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
EMBED    := $(wildcard src/sql/*.sql src/xsd/*.xsd templates/*.xsd)
EMBED_C  := $(BUILD)/gen/embedded.c
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Unit tests reach the modules' internal headers (metrics_internal.h, ...).
UNIT_INC := $(foreach d,$(SRC_DIRS),-Isrc/$(d)) -Itests/unit
# Every object and test records the headers it read (-MMD -MP): touching any
# header, public or internal, rebuilds exactly what includes it.
DEPFLAGS  = -MMD -MP

.PHONY: all deps demo test check-tests bench sanitize valgrind install clean readme

all: $(BUILD)/csmreport $(BUILD)/fleetgen

deps:
	$(Q).ci/install-deps

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/gen/embedded.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/embed: src/tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 -O2 -Wall -o $@ $<

# One recipe makes both files (a grouped target: a parallel make runs it once).
$(BUILD)/gen/embedded.h $(EMBED_C) &: $(BUILD)/embed $(wildcard $(EMBED))
	@mkdir -p $(BUILD)/gen
	@$(if $(Q),echo "  EMBED   $(words $(wildcard $(EMBED))) files")
	$(Q)$(BUILD)/embed $(BUILD)/gen/embedded.h $(EMBED_C) $(wildcard $(EMBED))

$(BUILD)/obj/embedded.o: $(EMBED_C)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libcsmreport.a: $(LIB_OBJ) $(BUILD)/obj/embedded.o
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/csmreport: $(CLI_OBJ) $(BUILD)/libcsmreport.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/fleetgen: src/tools/fleetgen.c $(BUILD)/libcsmreport.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcsmreport.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	@mkdir -p $(BUILD)/obj/tests
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -MF $(BUILD)/obj/tests/$*.d $(ALL_LDFLAGS) $(UNIT_INC) -o $@ $< $(BUILD)/libcsmreport.a $(LIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(BUILD)/fleetgen.d $(UNIT_SRC:tests/unit/%.c=$(BUILD)/obj/tests/%.d)

# README's "Your own exports" lists the kinds as `csmreport import --help`
# prints them from the kinds table (tests/e2e/first_hour.sh checks it).
readme: $(BUILD)/csmreport
	$(Q)src/tools/readme-kinds.sh $(BUILD)/csmreport README.md

# The README's two commands: each does every set-up step on a fresh machine.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/demo.sh $(BUILD)

test: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN)
	$(Q)tests/run.sh $(BUILD)

# Tests only, without the package check (for sanitize/valgrind builds).
check-tests: all $(UNIT_BIN)
	$(Q)tests/run.sh $(BUILD)

bench: deps
	$(Q)$(MAKE) --no-print-directory all OPT='-O2 -g -DNDEBUG'
	$(Q)tests/bench/run.sh $(BUILD)

# Test scripts that link their own programs against the library add
# CR_SANITIZE_FLAGS; LSAN_OPTIONS names the leaks that are not ours.
sanitize: deps
	$(Q)CR_SANITIZE_FLAGS='-fsanitize=address,undefined' \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    $(MAKE) --no-print-directory BUILD=build-san \
	    OPT='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
	    LDFLAGS='-fsanitize=address,undefined' check-tests

# Fuzzing (libFuzzer + ASan/UBSan, clang): every tests/fuzz/fuzz_NAME.c is a
# target, seeded from tests/fuzz/NAME/ (a new reader adds its file and folder,
# nothing here). make fuzz builds the library with clang into build/fuzz and
# runs each target FUZZ_SECONDS; make faults runs the full fault-injection
# sweep of tests/e2e/faults.sh (every N; CR_FAULT_RUNS=K caps the runs per
# function and phase), of which the suite runs a sample.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang-14
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(wildcard tests/fuzz/fuzz_*.c))
.PHONY: fuzz fuzz-build fuzz-bins faults
fuzz: fuzz-build
	$(Q)tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)
fuzz-build: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/fuzz CC=$(FUZZ_CC) \
	    OPT='-O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link' fuzz-bins
fuzz-bins: $(FUZZ_BIN)
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libcsmreport.a
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(UNIT_INC) -Itests/fuzz -fsanitize=fuzzer -o $@ $< $(BUILD)/libcsmreport.a $(LIBS)
faults: all
	$(Q)CR_FAULTS=all TESTS=faults tests/run.sh $(BUILD)

valgrind: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN)
	$(Q)tests/valgrind.sh $(BUILD)

# What a package installs too (debian/rules calls this with PREFIX=/usr and
# DESTDIR): the program, the templates, profiles and fonts under DATADIR, the
# man page and the bash completion. fleetgen (benchmarks, tests) stays in build/.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
install: $(BUILD)/csmreport
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/templates \
	    $(DESTDIR)$(DATADIR)/profiles $(DESTDIR)$(DATADIR)/fonts \
	    $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BUILD)/csmreport $(DESTDIR)$(PREFIX)/bin/csmreport
	install -m 644 $(wildcard templates/*) $(DESTDIR)$(DATADIR)/templates/
	install -m 644 $(wildcard samples/profiles/*.xml) $(DESTDIR)$(DATADIR)/profiles/
	install -m 644 $(wildcard fonts/*.ttf fonts/LICENSE-*) $(DESTDIR)$(DATADIR)/fonts/
	install -m 644 man/csmreport.1 $(DESTDIR)$(PREFIX)/share/man/man1/csmreport.1
	install -m 644 completion/csmreport.bash $(DESTDIR)$(BASHCOMPDIR)/csmreport

clean:
	rm -rf build build-san
