# Agora: plain Makefile. `make run` serves the demo; `make test` runs the fast tier.
CC ?= cc
PKGS := libmicrohttpd sqlite3 libpq libsodium icu-uc icu-i18n jansson libcmark libical poppler-glib libzip libxml-2.0 libexttextcat libcurl pangocairo xlsxwriter libarchive zlib libseccomp
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
HARDEN := -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
OPT ?= -O2
CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g $(OPT) $(WARN) $(HARDEN) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS += -pie -Wl,-z,relro,-z,now $(EXTRA_LDFLAGS)
LIBS = $(PKG_LIBS) -lmagic -lstemmer -lpthread -lm

B ?= build
# make test and make asan build with one job a core (a fresh clone compiles some 200 files)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SRC := $(wildcard src/*/*.c)
LIB_SRC := $(filter-out src/cli/main.c,$(SRC))
LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o) $(B)/obj/gen/migrations.o $(B)/obj/gen/assets.o $(B)/obj/gen/demo.o
HDR := $(wildcard src/*/*.h)
MIGRATIONS := $(sort $(wildcard sql/sqlite/*.sql))
PG_MIGRATIONS := $(sort $(wildcard sql/postgres/*.sql))
ASSETS := static/agora.css src/web/openapi.json
DEMO := $(sort $(wildcard demo/*.json))
# tests/unit/test_*_pg.c need a PostgreSQL server: built into $(B)/pgtests and run by the
# blackbox-pg tier inside its throwaway cluster (tests/run.sh), or alone by `make test-pg`
PG_UNIT_SRC := $(wildcard tests/unit/test_*_pg.c)
PG_UNIT_BIN := $(PG_UNIT_SRC:tests/unit/%.c=$(B)/pgtests/%)
UNIT_SRC := $(filter-out $(PG_UNIT_SRC),$(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
LANGS := ar zh en fr ru es
MO := $(LANGS:%=$(B)/locale/%/LC_MESSAGES/agora.mo)

.PHONY: all deps run test unit blackbox asan ubsan bench clean pot check-po
all: $(B)/agora $(MO) $(B)/agora_fts.so

deps:
	@sh scripts/deps.sh

$(B)/obj/%.o: src/%.c $(HDR)
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -c $< -o $@

$(B)/gen/migrations.c: $(MIGRATIONS) $(PG_MIGRATIONS) scripts/embed.sh
	@mkdir -p $(dir $@)
	{ sh scripts/embed.sh sqlite_migrations $(MIGRATIONS); \
	  sh scripts/embed.sh postgres_migrations $(PG_MIGRATIONS); } > $@

$(B)/gen/assets.c: $(ASSETS) scripts/embed.sh scripts/minify-css.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh assets $(ASSETS) > $@

$(B)/gen/demo.c: $(DEMO) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh demo_files $(DEMO) > $@

# summaries (issue 8): the stop words of the terms per question, embedded
STOPWORDS := $(sort $(wildcard data/stopwords/*.txt))
LIB_OBJ += $(B)/obj/gen/stopwords.o
$(B)/gen/stopwords.c: $(STOPWORDS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh stopword_files $(STOPWORDS) > $@
# end summaries

$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -c $< -o $@

$(B)/libagora.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/agora: $(B)/obj/cli/main.o $(B)/libagora.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

FTS_EXT_SRC := src/search/tokenize.c src/search/tokenize_pairs.c src/search/rank.c src/search/ext.c
$(B)/agora_fts.so: $(FTS_EXT_SRC) src/search/tokenize.h src/search/tokenize_int.h
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) $(filter-out -fPIE -fsanitize=%,$(CFLAGS)) -fPIC -DAGORA_FTS_EXTENSION -shared -Wl,-z,relro,-z,now -o $@ $(FTS_EXT_SRC) $(shell pkg-config --libs icu-uc icu-i18n) -lstemmer -lm

$(B)/tests/%: tests/unit/%.c $(B)/libagora.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -Wno-unused-function -Isrc -o $@ $< $(B)/libagora.a $(LDFLAGS) $(LIBS) -lcmocka

# The writer of a ledger for the Go interoperability test (tests/blackbox/t340_ledger_interop.sh).
$(B)/tests/ledger_gen: tests/interop/ledger_gen.c $(B)/libagora.a
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -Isrc -o $@ $< $(B)/libagora.a $(LDFLAGS) $(LIBS)

# A witness for the public log's black-box test (tests/blackbox/t350_log_api.sh).
$(B)/tests/cosign_gen: tests/interop/cosign_gen.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -o $@ $< $(LDFLAGS) -lsodium

$(B)/locale/%/LC_MESSAGES/agora.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# po/agora.pot from the sources; `make pot` then msgmerge updates each catalog.
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -kP_:1,2 -kC_:1c,2 -o po/agora.pot --package-name=agora $(SRC)
	for l in $(LANGS); do msgmerge -q -U --backup=none po/$$l.po po/agora.pot; done

run: deps all
	@sh scripts/run.sh

test: deps
	@$(MAKE) -j$(JOBS) --no-print-directory all $(UNIT_BIN) $(PG_UNIT_BIN) $(B)/tests/ledger_gen $(B)/tests/cosign_gen $(FUZZ_REPLAY)
	@sh tests/run.sh

unit: all $(UNIT_BIN)
	@sh tests/run.sh unit

blackbox: all $(B)/tests/ledger_gen $(B)/tests/cosign_gen
	@sh tests/run.sh blackbox

asan: deps
	@$(MAKE) -j$(JOBS) --no-print-directory B=build-asan OPT=-O1 EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" EXTRA_LDFLAGS="-fsanitize=address,undefined" all $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%) $(PG_UNIT_SRC:tests/unit/%.c=build-asan/pgtests/%) build-asan/tests/ledger_gen build-asan/tests/cosign_gen $(FUZZ_NAMES:%=build-asan/fuzz-replay/fuzz_%)
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp AGORA_ASAN=1 AGORA_BIN=build-asan/agora B=build-asan sh tests/run.sh

# every benchmark, and the table at the top of docs/PERFORMANCE.md rewritten (bench/all)
bench: deps
	@sh scripts/deps.sh --bench
	@$(MAKE) --no-print-directory all
	@bash bench/all

# PostgreSQL (issue 10)
# The libpq driver's unit tests against a throwaway cluster tests/run-pg.sh starts and stops
# (docs/POSTGRES.md). Built outside $(B)/tests so the fast tier's runner never picks it up.
.PHONY: test-pg
test-pg: deps $(PG_UNIT_BIN)
	@B=$(B) bash tests/run-pg.sh

$(B)/pgtests/%: tests/unit/%.c $(B)/libagora.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(CFLAGS) -Wno-unused-function -Isrc -o $@ $< $(B)/libagora.a $(LDFLAGS) $(LIBS) -lcmocka
# end PostgreSQL

# browser tests (issue 9)
# Debian's Chromium driven by playwright-core (tests/browser, see docs/BROWSER-TESTS.md): the
# browser tier of `make test` alone, and the screenshots of the main pages in docs/screenshots.
.PHONY: browser screenshots
browser: deps all
	@sh tests/run.sh browser

screenshots: deps all
	@sh tests/browser/install.sh
	@node tests/browser/screenshots.js
# end browser tests

clean:
	rm -rf build build-asan

# Fuzzing: the libFuzzer harnesses tests/fuzz/fuzz_<name>.c against a clang build of the library
# in build-fuzz (never build/), each run FUZZ_SECONDS seconds; FUZZ_TARGETS="time utf8" runs some.
# Seeds are tests/fuzz/corpus/<name>/; what they find goes to build-fuzz/. `make test` replays the
# seeds only: each harness built with $(CC) and tests/fuzz/replay.c (no libFuzzer) into
# $(B)/fuzz-replay/, run by the fuzz tier of tests/run.sh (docs/FUZZING.md).
FUZZ_B := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(B)/fuzz-replay/fuzz_%)

$(B)/fuzz-replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/fuzz_dir.h $(B)/libagora.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) $(CFLAGS) -Isrc -o $@ $< tests/fuzz/replay.c $(B)/libagora.a $(LDFLAGS) $(LIBS)

.PHONY: fuzz-replay
fuzz-replay: deps all $(FUZZ_REPLAY)
	@sh tests/run.sh fuzz

.PHONY: fuzz fuzz-build
fuzz:
	@sh scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@FUZZ_B=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-build:
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=clang OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
		EXTRA_LDFLAGS="-fsanitize=fuzzer,address,undefined" fuzz-bins

.PHONY: fuzz-bins
fuzz-bins: $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz/fuzz_%)
	@:

$(FUZZ_B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_dir.h $(FUZZ_B)/libagora.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) $(CFLAGS) -Isrc -o $@ $< $(FUZZ_B)/libagora.a $(LDFLAGS) $(LIBS)

# Durability (issue 11): the crash loop with its full count, 50 kill -9 under submission load
# (tests/stress/crash_loop.sh; t500 in `make test` runs 4). 8 to 10 minutes on two busy cores; docs/DURABILITY.md.
.PHONY: stress
STRESS_ROUNDS ?= 50
stress: deps all
	@bash tests/stress/crash_loop.sh $(STRESS_ROUNDS)
# end durability

# The slow abuse suites (issue 11, docs/ABUSE.md), not part of `make test`: slowhttptest's slow
# headers, body and read with 1,000 connections while a probe measures ordinary requests
# (SLOW_SECONDS an attack), and sqlmap against every operation with a parameter (SQLMAP_LEVEL,
# SQLMAP_RISK). Results in build/abuse/.
.PHONY: slow-clients sqlmap
slow-clients: deps
	@sh scripts/deps.sh --abuse
	@$(MAKE) --no-print-directory all
	@bash tests/abuse/slow_clients.sh

sqlmap: deps
	@sh scripts/deps.sh --abuse
	@$(MAKE) --no-print-directory all
	@bash tests/abuse/sqlmap.sh

# valgrind: every unit test program ($(B)/tests/test_*) under memcheck, leaks included; any error
# or definite/indirect leak fails it. Third-party noise: tests/valgrind.supp, each entry explained.
# Logs: $(B)/valgrind/<test>.log. Slow (minutes; test_ledger alone much longer): not part of
# `make test`. VALGRIND_TESTS="build/tests/test_util ..." runs some.
VALGRIND_TESTS ?= $(UNIT_BIN)
VALGRIND := valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	--suppressions=tests/valgrind.supp --num-callers=30
.PHONY: valgrind
valgrind: deps all $(VALGRIND_TESTS)
	@mkdir -p $(B)/valgrind; fails=""; \
	for t in $(VALGRIND_TESTS); do \
		name=$$(basename $$t); \
		if $(VALGRIND) --log-file=$(B)/valgrind/$$name.log $$t >$(B)/valgrind/$$name.out 2>&1; then \
			printf '%-40s clean\n' $$name; \
		else \
			printf '%-40s FAILED (exit %s): %s\n' $$name $$? $(B)/valgrind/$$name.log; fails="$$fails $$name"; \
		fi; \
	done; \
	if [ -n "$$fails" ]; then echo "valgrind: not clean:$$fails"; exit 1; fi; echo "valgrind: all clean"
