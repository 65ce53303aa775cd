# fb: build, test, install and demo.  GNU make.
#
#   make                  all binaries into bin/
#   make deps             install the Debian packages that are missing
#   make check            deps, build, C unit tests of lib/, bats tests
#   make check SANITIZE=1 the same under ASan+UBSan
#   make lint             cppcheck, clang-tidy and mandoc -Tlint
#   make valgrind         unit and bats tests under valgrind memcheck
#   make install PREFIX=/usr/local DESTDIR=
#   make demo             set up and run the main job on the sample data
#   make model            retrain share/fb/sentiment.*.model from ../shared/data
#   make bench            fb against cat, gzip, jq and Miller (about an hour)
#   make fuzz FUZZ_SECONDS=60  each libFuzzer target that long (clang)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/fb
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
AR ?= ar
-include config.mk

TOOLS = fb-store fb-ingest fb-gen fb-tag fb-train fb-rank fb-route fb-sla fb-report fb-anomaly \
	fb-notify
LIB_SRC = $(wildcard lib/*.c)
UNIT_SRC = $(wildcard test/unit/*.c)
TEST_PROGS = fb-passthru

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes

ifeq ($(SANITIZE),)
BUILDDIR ?= build
OUTBIN = bin
else
# Sanitized objects live apart so switching back and forth never mixes them.
ifeq ($(SANITIZE),1)
override SANITIZE = address,undefined
endif
BUILDDIR ?= build/san
OUTBIN = $(BUILDDIR)/bin
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson zlib 2>/dev/null)
DEP_LIBS := $(shell $(PKG_CONFIG) --libs jansson zlib 2>/dev/null)
# libcsv ships no .pc file (Debian libcsv-dev 3.0.3); the later ingest stage links it.
CSV_LIBS ?= -lcsv
MATH_LIBS = -lm

ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -Ilib -DFB_DATADIR='"$(DATADIR)"' \
	$(DEP_CFLAGS) $(WARN) $(SAN_FLAGS) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q =
else
Q = @
endif

LIB_OBJ = $(LIB_SRC:lib/%.c=$(BUILDDIR)/lib/%.o)
LIBFB = $(BUILDDIR)/libfb.a
BINS = $(TOOLS:%=$(OUTBIN)/%)
UNIT_BINS = $(UNIT_SRC:test/unit/%.c=$(BUILDDIR)/test/unit/%)
TEST_BINS = $(TEST_PROGS:%=$(BUILDDIR)/test/%)

.PHONY: all deps check test unit bats test-progs install uninstall clean demo \
	check-deps-found check-symbols lint-man bench model

all: check-deps-found $(BINS)

check-deps-found:
	@$(PKG_CONFIG) --exists jansson zlib || { \
	  echo "fb: jansson or zlib not found by $(PKG_CONFIG); run 'make deps'" >&2; \
	  exit 1; }

$(BUILDDIR)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# fb_config.c has DATADIR compiled in: `make; make install PREFIX=/opt/fb`
# must not install binaries that look in /usr/local/share/fb.  The stamp
# is rewritten only when DATADIR changes, so the same DATADIR rebuilds
# nothing; it is written while the Makefile is read, as .SECONDARY below
# would let a missing stamp go unmade.
DATADIR_STAMP = $(BUILDDIR)/datadir
ifneq ($(DATADIR),$(shell cat $(DATADIR_STAMP) 2>/dev/null))
$(shell mkdir -p $(BUILDDIR) && printf '%s\n' '$(DATADIR)' > $(DATADIR_STAMP))
endif
$(BUILDDIR)/lib/fb_config.o: $(DATADIR_STAMP)

$(BUILDDIR)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILDDIR)/test/%.o: test/%.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBFB): $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(LIB_OBJ)

$(OUTBIN)/%: $(BUILDDIR)/cmd/%.o $(LIBFB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBFB) $(DEP_LIBS) $(CSV_LIBS) $(MATH_LIBS)

# fb-report and fb-anomaly are folders: fb-report's aggregation and one
# file per output format, fb-anomaly's reading and one file per detector.
REPORT_OBJ = $(patsubst %.c,$(BUILDDIR)/%.o,$(wildcard cmd/fb-report/*.c))
ANOMALY_OBJ = $(patsubst %.c,$(BUILDDIR)/%.o,$(wildcard cmd/fb-anomaly/*.c))
$(OUTBIN)/fb-report: $(REPORT_OBJ) $(LIBFB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(REPORT_OBJ) $(LIBFB) $(DEP_LIBS) $(CSV_LIBS) $(MATH_LIBS)
$(OUTBIN)/fb-anomaly: $(ANOMALY_OBJ) $(LIBFB)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(ANOMALY_OBJ) $(LIBFB) $(DEP_LIBS) $(CSV_LIBS) $(MATH_LIBS)

$(BUILDDIR)/test/unit/%: $(BUILDDIR)/test/unit/%.o $(LIBFB)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBFB) $(DEP_LIBS) $(CSV_LIBS) $(MATH_LIBS)

$(BUILDDIR)/test/%: $(BUILDDIR)/test/%.o $(LIBFB)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBFB) $(DEP_LIBS) $(CSV_LIBS) $(MATH_LIBS)

test-progs: $(TEST_BINS)

# The fuzz targets (test/fuzz/fuzz_NAME.c) linked with a plain driver
# instead of libFuzzer: make check replays each one's seed corpus and the
# inputs that once found a bug, with CC and, with SANITIZE=1, under the
# sanitizers.  Targets that read a tool's own parser include its .c file;
# fb-anomaly's also needs its detectors.
FUZZ_SRC = $(wildcard test/fuzz/fuzz_*.c)
FUZZ_NAMES = $(FUZZ_SRC:test/fuzz/fuzz_%.c=%)
REPLAY_BINS = $(FUZZ_NAMES:%=$(BUILDDIR)/test/fuzz/replay-%)

$(BUILDDIR)/test/fuzz/replay-%: $(BUILDDIR)/test/fuzz/fuzz_%.o \
    $(BUILDDIR)/test/fuzz/replay.o $(LIBFB)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIBFB) $(DEP_LIBS) \
	  $(CSV_LIBS) $(MATH_LIBS)
$(BUILDDIR)/test/fuzz/replay-anomaly_conf: $(filter-out %/main.o,$(ANOMALY_OBJ))

fuzz-replay: $(REPLAY_BINS)
	@fail=0; for n in $(FUZZ_NAMES); do \
	  t=$(BUILDDIR)/test/fuzz/replay-$$n; \
	  if out=$$($$t test/fuzz/corpus/$$n test/fuzz/regress/$$n 2>&1); then \
	    ok=1; bad=0; else ok=0; bad=1; fail=1; \
	    printf '%s\n' "$$out" | tail -30; \
	    echo "not ok - $$t test/fuzz/corpus/$$n test/fuzz/regress/$$n"; fi; \
	  printf '%s (%s): %s ok, %s not ok\n' $$t \
	    "$$(printf '%s\n' "$$out" | tail -1)" $$ok $$bad; \
	done; exit $$fail

# Debian packages: build (compiler, libraries), tests (bats, mandoc, time).
DEB_PKGS = gcc make pkg-config libjansson-dev libcsv-dev zlib1g-dev \
	bats bats-support bats-assert mandoc time gzip jq cmark-gfm python3 \
	parallel curl
# The browser tests (test/fb-report-browser.bats) drive headless Chromium;
# its packages come only with FB_BROWSER_TESTS=1 in the environment (CI).
BROWSER_PKGS = chromium chromium-driver curl fonts-wqy-microhei
# make bench sets fb against Miller as well as jq.
BENCH_PKGS = miller
# make fuzz builds with clang's libFuzzer.
FUZZ_PKGS = clang libclang-rt-14-dev
# make lint runs cppcheck and clang-tidy; make valgrind runs valgrind.
LINT_PKGS = cppcheck clang-tidy
VALGRIND_PKGS = valgrind
DEPS_PKGS = $(DEB_PKGS) $(if $(filter 1,$(FB_BROWSER_TESTS)),$(BROWSER_PKGS)) \
	$(if $(filter bench,$(MAKECMDGOALS)),$(BENCH_PKGS)) \
	$(if $(filter fuzz,$(MAKECMDGOALS)),$(FUZZ_PKGS)) \
	$(if $(filter lint,$(MAKECMDGOALS)),$(LINT_PKGS)) \
	$(if $(filter valgrind,$(MAKECMDGOALS)),$(VALGRIND_PKGS))

deps:
	@command -v dpkg-query >/dev/null 2>&1 || { \
	  echo "fb: not a Debian system; install the equivalents of: $(DEPS_PKGS)" >&2; exit 0; }; \
	missing=""; \
	for p in $(DEPS_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "fb: installing$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
	  st=0; $$t > $$t.tap 2>&1 || st=$$?; \
	  grep -v '^ok' $$t.tap | grep -v '^1\.\.' ; \
	  printf '%s: %s\n' $$t "$$(grep -c '^ok' $$t.tap) ok, $$(grep -c '^not ok' $$t.tap) not ok"; \
	  if [ $$st -ne 0 ]; then fail=1; \
	    grep -q '^not ok' $$t.tap || echo "not ok - $$t exited with status $$st"; fi; \
	done; exit $$fail

bats: $(BINS) $(TEST_BINS)
	@# tools find their data in ../share/fb beside the binary
	$(if $(SANITIZE),@ln -sfn $(CURDIR)/share $(BUILDDIR)/share)
	PATH="$(abspath $(OUTBIN)):$(abspath $(BUILDDIR)/test):$$PATH" \
	  FB_TEST_SANITIZE="$(SANITIZE)" bats test/

# Library symbols all start with fb_ (STYLE.md 3.6).
check-symbols: $(LIBFB)
	@bad=$$(nm -g --defined-only $(LIBFB) | awk 'NF==3 {print $$3}' | grep -v -e '^fb_' -e '^__odr_asan\.' || true); \
	if [ -n "$$bad" ]; then echo "libfb exports symbols without fb_: $$bad" >&2; exit 1; fi

lint-man:
	@if command -v mandoc >/dev/null 2>&1; then \
	  mandoc -Tlint -Wwarning share/man/man*/*.[0-9]; \
	fi

# Static analysis: cppcheck (its suppressions in .cppcheck-suppressions,
# jansson's macros in .cppcheck-jansson.cfg) and clang-tidy (the checks in
# .clang-tidy) over every C file but the fuzz targets; any finding fails.
# clang-tidy runs once per file so make -j2 lint halves the wait.
LINT_SRC = $(LIB_SRC) $(wildcard cmd/*.c cmd/*/*.c) $(UNIT_SRC) \
	$(wildcard test/*.c)
LINT_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -Ilib -DFB_DATADIR='"$(DATADIR)"' \
	$(DEP_CFLAGS)
CPPCHECK ?= cppcheck
CLANG_TIDY ?= clang-tidy
TIDY_GOALS = $(LINT_SRC:%=tidy-%)

lint: deps
	$(MAKE) lint-man lint-cppcheck lint-tidy

lint-cppcheck:
	$(CPPCHECK) -q --error-exitcode=1 --inline-suppr \
	  --enable=warning,style,performance,portability --std=c11 \
	  --library=posix --library=.cppcheck-jansson.cfg \
	  --suppressions-list=.cppcheck-suppressions \
	  --template='{file}:{line}: {severity}: {message} [{id}]' \
	  -Ilib -D_DEFAULT_SOURCE -DFB_DATADIR='"$(DATADIR)"' \
	  $(filter -D% -I%,$(DEP_CFLAGS)) $(LINT_SRC)

lint-tidy: $(TIDY_GOALS)

$(TIDY_GOALS): tidy-%: %
	$(if $(Q),@echo "  TIDY    $<")
	$(Q)$(CLANG_TIDY) --quiet $< -- $(LINT_CFLAGS)

# make valgrind: the unit tests and the bats suite (VALGRIND_TESTS, all of
# test/ by default) with every fb binary run by valgrind's memcheck through
# a wrapper first on PATH.  Each process writes its own report file, so a
# test that checks stderr neither hides nor trips on one; any report, or
# a leak, fails the run and is printed.  FB_TEST_VALGRIND=1 tells the tests
# to shrink or skip what valgrind makes hours long or cannot measure.
VALGRIND ?= valgrind
VALGRIND_DIR = $(BUILDDIR)/valgrind
VALGRIND_TESTS ?= test/
VALGRIND_FLAGS = -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --track-fds=no

valgrind: deps
	$(MAKE) all test-progs $(UNIT_BINS)
	@rm -rf $(VALGRIND_DIR) && mkdir -p $(VALGRIND_DIR)/bin $(VALGRIND_DIR)/log
	@for p in $(abspath $(BINS) $(TEST_BINS)); do \
	  w=$(VALGRIND_DIR)/bin/$${p##*/}; \
	  printf '#!/bin/sh\nexec %s %s --log-file=%s/%s.%%p.log %s "$$@"\n' \
	    '$(VALGRIND)' '$(VALGRIND_FLAGS)' '$(abspath $(VALGRIND_DIR)/log)' \
	    "$${p##*/}" "$$p" > $$w && chmod +x $$w || exit 2; \
	done
	@st=0; for t in $(UNIT_BINS); do \
	  u=0; $(VALGRIND) $(VALGRIND_FLAGS) \
	    --log-file=$(VALGRIND_DIR)/log/$${t##*/}.%p.log $$t > $$t.tap 2>&1 || u=$$?; \
	  grep -v '^ok' $$t.tap | grep -v '^1\.\.' ; \
	  printf '%s: %s ok, %s not ok\n' $$t "$$(grep -c '^ok' $$t.tap)" \
	    "$$(grep -c '^not ok' $$t.tap)"; \
	  if [ $$u -ne 0 ]; then st=1; \
	    grep -q '^not ok' $$t.tap || echo "not ok - $$t exited with status $$u"; fi; \
	done; \
	PATH="$(abspath $(VALGRIND_DIR)/bin):$(abspath $(BUILDDIR)/test):$$PATH" \
	  FB_TEST_VALGRIND=1 bats $(VALGRIND_TESTS) || st=1; \
	find $(VALGRIND_DIR)/log -type f -empty -delete; \
	if [ -n "$$(ls $(VALGRIND_DIR)/log)" ]; then st=1; \
	  echo "valgrind: reports in $(VALGRIND_DIR)/log:" >&2; \
	  for f in $(VALGRIND_DIR)/log/*; do echo "== $$f" >&2; head -60 $$f >&2; done; \
	fi; exit $$st

.PHONY: lint lint-cppcheck lint-tidy $(TIDY_GOALS) valgrind

check: deps
	$(MAKE) all test-progs $(UNIT_BINS) $(REPLAY_BINS)
	$(MAKE) check-symbols lint-man unit fuzz-replay bats

test: check

# What install copies and uninstall removes, file by file, so uninstall
# never deletes what a user put beside them (a local rule in DATADIR).
# The installed tools also find DATADIR as ../share/fb beside BINDIR, so
# a DESTDIR staging runs where it is (test/install.bats).
DATA_FILES = $(patsubst share/fb/%,%,$(shell find share/fb -type f))
MAN_PAGES = $(wildcard share/man/man1/*.1 share/man/man5/*.5 \
	share/man/man7/*.7)

# bash-completion and fish load completions by command name: one file
# under the first tool's name, a link for each other tool.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man7 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)
	for f in $(DATA_FILES); do \
	  install -D -m 0644 "share/fb/$$f" "$(DESTDIR)$(DATADIR)/$$f" || exit 1; done
	install -m 0644 share/man/man1/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 0644 share/man/man5/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 0644 share/man/man7/*.7 $(DESTDIR)$(MANDIR)/man7
	install -m 0644 completions/fb.bash $(DESTDIR)$(BASHCOMPDIR)/$(firstword $(TOOLS))
	install -m 0644 completions/fb.fish $(DESTDIR)$(FISHCOMPDIR)/$(firstword $(TOOLS)).fish
	for t in $(wordlist 2,99,$(TOOLS)); do \
	  ln -sf $(firstword $(TOOLS)) $(DESTDIR)$(BASHCOMPDIR)/$$t; \
	  ln -sf $(firstword $(TOOLS)).fish $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; done
	install -m 0644 completions/_fb $(DESTDIR)$(ZSHCOMPDIR)/_fb

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t \
	  $(DESTDIR)$(BASHCOMPDIR)/$$t $(DESTDIR)$(FISHCOMPDIR)/$$t.fish; done
	rm -f $(MAN_PAGES:share/man/%=$(DESTDIR)$(MANDIR)/%) \
	  $(DESTDIR)$(ZSHCOMPDIR)/_fb
	for f in $(DATA_FILES); do rm -f "$(DESTDIR)$(DATADIR)/$$f"; done
	if [ -d "$(DESTDIR)$(DATADIR)" ]; then \
	  find "$(DESTDIR)$(DATADIR)" -depth -type d -empty -delete; fi

# The main job on generated sample data, in the default store ./var/fb:
# three channels' raw exports from fb-gen, ingested, stored, read back.
DEMO_IN = var/demo-in
DEMO_NOW = 2026-10-31T12:00:00Z

demo: deps
	$(MAKE) all
	@mkdir -p $(DEMO_IN)
	@echo '== raw exports: a GB18030 hotline CSV, a mailbox, app feedback (fb-gen)'
	bin/fb-gen --seed 7 --count 600 --format csv --encoding gb18030 > $(DEMO_IN)/hotline.csv
	bin/fb-gen --seed 8 --count 150 --format mbox > $(DEMO_IN)/mail.mbox
	bin/fb-gen --seed 9 --count 1250 --format ndjson --truth $(DEMO_IN)/truth.ndjson > $(DEMO_IN)/app.ndjson
	@echo '== ingest, tag, rank, route and store (re-runs add nothing: --store and --dedup)'
	bin/fb-ingest --store var/fb -c hotline --encoding gb18030 $(DEMO_IN)/hotline.csv | \
	  bin/fb-tag | bin/fb-rank --customers examples/customers.csv | bin/fb-route | \
	  bin/fb-store append --dedup
	bin/fb-ingest --store var/fb $(DEMO_IN)/mail.mbox $(DEMO_IN)/app.ndjson | \
	  bin/fb-tag | bin/fb-rank --customers examples/customers.csv | bin/fb-route | \
	  bin/fb-store append --dedup
	bin/fb-ingest --store var/fb examples/sample.ndjson | bin/fb-tag | \
	  bin/fb-rank --customers examples/customers.csv | bin/fb-route | \
	  bin/fb-store append --dedup
	@echo '== the store'
	bin/fb-store stats --pretty
	@echo '== feedback by channel, and by primary category and sentiment'
	bin/fb-store cat | jq -r 'select(.type == null) | .channel' | sort | uniq -c
	bin/fb-store cat | jq -r 'select(.type == null) | "\(.category)\t\(.sentiment.label)"' | \
	  sort | uniq -c | sort -rn | head -12
	@echo '== priority by queue: who needs help first, and who gives it'
	bin/fb-store cat | jq -r 'select(.type == null) | "\(.priority)\t\(.route.queue)"' | \
	  sort | uniq -c | sort -k2,2 -k1,1rn | head -16
	@echo '== why: one complaint explained (fb-tag, fb-rank and fb-route --explain)'
	echo '{"text":"包装没有破损，但是送得太慢了，汤都洒了！订单号 2611220815，退我12元"}' | \
	  bin/fb-tag --explain
	echo '{"id":"demo-1","channel":"app","customer":{"id":"c-239011"},"text":"账号被盗了，有人用我的余额下单，客服电话一直打不通！"}' | \
	  bin/fb-tag | bin/fb-rank --customers examples/customers.csv --explain
	echo '{"id":"demo-1","channel":"app","customer":{"id":"c-239011"},"text":"账号被盗了，有人用我的余额下单，客服电话一直打不通！"}' | \
	  bin/fb-tag | bin/fb-rank --customers examples/customers.csv | bin/fb-route --explain
	@echo '== rules are code: how often each routing rule fired'
	bin/fb-store cat | bin/fb-route --coverage
	@echo '== lifecycle events up to $(DEMO_NOW): answered, pending, resolved, closed (fb-gen --events)'
	bin/fb-store cat | bin/fb-gen --events --now $(DEMO_NOW) | \
	  jq -c 'select(.type == "event")' | bin/fb-store append --dedup
	@echo '== SLA breaches as of $(DEMO_NOW), and customers owed an update (fb-sla --breaches)'
	bin/fb-store cat | bin/fb-sla --breaches --within 30m --now $(DEMO_NOW) | \
	  jq -r '[.kind, .priority // "-", .clock // "update"] | @tsv' | sort | uniq -c | sort -rn
	bin/fb-store cat | bin/fb-sla --breaches --now $(DEMO_NOW) | \
	  jq -r 'select(.kind == "sla_breach") | [.item, .priority, .queue, .clock, "overdue \(.overdue / 60 | floor)m"] | @tsv' | head -5
	@echo '== SLA compliance by priority and queue (fb-sla --summary)'
	bin/fb-store cat | bin/fb-sla --summary --by priority,queue --format text --now $(DEMO_NOW)
	@echo '== why one item breached: its clock as a timeline (fb-sla --explain)'
	bin/fb-store cat | bin/fb-sla --now $(DEMO_NOW) --explain "$$(bin/fb-store cat | \
	  bin/fb-sla --breaches --now $(DEMO_NOW) | jq -r 'select(.kind == "sla_breach" and .priority == "P1") | .item' | head -1)"
	@echo '== the first five from 30 October on (Asia/Shanghai)'
	bin/fb-store cat --since 2026-10-30 --tz Asia/Shanghai | \
	  jq -r 'select(.type == null) | [.ts, .channel, .category, .sentiment.label, .text[0:36]] | @tsv' | head -5
	@echo '== integrity'
	bin/fb-store verify && echo 'verify: clean'
	@echo '== alarms: bad SKUs, surges, bursts, growing tags, repeat complainers (fb-anomaly)'
	bin/fb-store cat | bin/fb-anomaly --now $(DEMO_NOW) | \
	  jq -r '[.severity, .detector, .summary] | @tsv'
	@echo '== the last two weeks against the two before, as a page (fb-report -f html)'
	bin/fb-store cat --since 2026-10-04 | bin/fb-report --since 2026-10-18 \
	  --until 2026-11-01 --now $(DEMO_NOW) -f html > var/report.html
	@echo "html report: $(CURDIR)/var/report.html"
	@echo '== and in the terminal (fb-report)'
	bin/fb-store cat --since 2026-10-04 | bin/fb-report --since 2026-10-18 \
	  --until 2026-11-01 --now $(DEMO_NOW)

# The shipped sentiment models, rebuilt from the labelled data beside the
# project (not part of the project: see README).  fb-train is deterministic,
# so the same data gives the same bytes.  English holds out every fifth
# line for bench/accuracy.
SHARED_DATA ?= ../shared/data
model: bin/fb-train
	@test -r $(SHARED_DATA)/zh-sentiment-train.ndjson.gz || \
	  { echo "make model: no $(SHARED_DATA)/zh-sentiment-train.ndjson.gz" >&2; exit 2; }
	FB_CONFIG_DIR=/nonexistent FB_DATADIR=share/fb bin/fb-train --lang zh \
	  --category-field product_cat -o share/fb/sentiment.zh.model \
	  $(SHARED_DATA)/zh-sentiment-train.ndjson.gz
	FB_CONFIG_DIR=/nonexistent FB_DATADIR=share/fb bin/fb-train --lang en \
	  --holdout 5 --rate 0.01 -o share/fb/sentiment.en.model \
	  $(SHARED_DATA)/en-sentiment-train.ndjson.gz

# Every benchmark in one run (bench/all): fb against cat, gzip, jq and
# Miller, and the ratios against DESIGN.md's budgets.  A million records
# take about an hour; for a look in a minute:
#   make bench BENCH_RECORDS=20000 BENCH_REPS=1
BENCH_RECORDS ?= 1000000
bench: deps
	$(MAKE) all
	bench/all $(BENCH_RECORDS)

# libFuzzer: every target under ASan+UBSan, built by clang into
# build/fuzz (never mixed with CC's objects), run FUZZ_SECONDS each on a
# working copy of its corpus (build/fuzz/corpus/NAME) by test/fuzz/run,
# which fails and names the input when a target crashes.  FUZZ_TARGETS
# picks some: make fuzz FUZZ_TARGETS="rec time".
FUZZ_CC = clang
FUZZ_BUILDDIR ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -Ilib -DFB_DATADIR='"$(DATADIR)"' \
	$(DEP_CFLAGS) $(WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -MMD -MP
FUZZ_LIB_OBJ = $(LIB_SRC:lib/%.c=$(FUZZ_BUILDDIR)/lib/%.o)
FUZZ_LIBFB = $(FUZZ_BUILDDIR)/libfb.a

$(FUZZ_BUILDDIR)/%.o: %.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIBFB): $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $(FUZZ_LIB_OBJ)

$(FUZZ_BUILDDIR)/fuzz_%: $(FUZZ_BUILDDIR)/test/fuzz/fuzz_%.o $(FUZZ_LIBFB)
	$(if $(Q),@echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
	  $(FUZZ_LIBFB) $(DEP_LIBS) $(CSV_LIBS) $(MATH_LIBS)
$(FUZZ_BUILDDIR)/fuzz_anomaly_conf: $(patsubst %.c,$(FUZZ_BUILDDIR)/%.o,\
	$(filter-out %/main.c,$(wildcard cmd/fb-anomaly/*.c)))

fuzz-targets: $(FUZZ_TARGETS:%=$(FUZZ_BUILDDIR)/fuzz_%)

fuzz: deps
	$(MAKE) fuzz-targets
	test/fuzz/run $(FUZZ_BUILDDIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz fuzz-targets fuzz-replay

clean:
	rm -rf build bin

-include $(LIB_OBJ:.o=.d) $(TOOLS:%=$(BUILDDIR)/cmd/%.d) $(REPORT_OBJ:.o=.d) \
	$(ANOMALY_OBJ:.o=.d) \
	$(UNIT_SRC:test/unit/%.c=$(BUILDDIR)/test/unit/%.d) \
	$(TEST_PROGS:%=$(BUILDDIR)/test/%.d)
-include $(wildcard $(BUILDDIR)/test/fuzz/*.d) \
	$(wildcard $(FUZZ_BUILDDIR)/lib/*.d $(FUZZ_BUILDDIR)/test/fuzz/*.d \
	$(FUZZ_BUILDDIR)/cmd/fb-anomaly/*.d)
.SECONDARY:
