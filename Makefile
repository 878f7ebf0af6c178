# goescape: plain make, dependency tracking, quiet unless V=1.
#   make                 build libgoescape.a and goescape
#   make check           unit + integration tests (SANITIZE=address,undefined for sanitizers)
#   make demo            run goescape on the bundled example module
#   make install PREFIX=DIR

PREFIX    ?= /usr/local
CC        ?= cc
PKG_CONFIG ?= pkg-config
PKGS      := libgit2 libcjson libpcre2-8 zlib

# Two commands on a fresh machine: when something the goal needs is missing,
# scripts/bootstrap installs it (as root) or prints the one apt-get line to
# run, before anything is compiled.  Test goals bootstrap fully (idempotent,
# a fraction of a second when all is there); building alone needs only the
# libraries; make fuzz also needs clang.
CHECK_GOALS   := check unit integration valgrind lint fuzz-regress header-test bench bench-smoke
NO_DEPS_GOALS := clean format
GOALS         := $(or $(MAKECMDGOALS),all)
ifeq ($(filter-out $(NO_DEPS_GOALS),$(GOALS)),)
else ifneq ($(filter fuzz,$(GOALS)),)
  ifeq ($(shell command -v $(or $(FUZZ_CC),clang) >/dev/null 2>&1 && $(PKG_CONFIG) --exists $(PKGS) libcmocka 2>/dev/null && echo ok),)
    BOOTSTRAP := $(shell bash scripts/bootstrap --fuzz >&2 || echo failed)
  endif
else ifneq ($(filter $(CHECK_GOALS),$(GOALS)),)
  BOOTSTRAP := $(shell bash scripts/bootstrap >&2 || echo failed)
else ifeq ($(shell $(PKG_CONFIG) --exists $(PKGS) 2>/dev/null && echo ok),)
  BOOTSTRAP := $(shell bash scripts/bootstrap --runtime >&2 || echo failed)
endif
ifeq ($(BOOTSTRAP),failed)
  $(error scripts/bootstrap could not install what '$(GOALS)' needs (see above))
endif
WARNINGS  := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
             -Wvla -Wwrite-strings -fno-common
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARNINGS) $(CFLAGS) \
             -Iinclude -Ilib $(shell $(PKG_CONFIG) --cflags $(PKGS)) -MMD -MP
LIBS      := $(shell $(PKG_CONFIG) --libs $(PKGS))
ifdef WERROR
ALL_CFLAGS += -Werror
endif
ifdef SANITIZE
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

BUILD     := build$(if $(SANITIZE),-san)
LIB_SRC   := $(sort $(wildcard lib/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/hook_script.o
CMD_SRC   := $(sort $(wildcard cmd/goescape/*.c))
CMD_OBJ   := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HEADERS   := $(wildcard include/goescape/*.h)
LIBA      := $(BUILD)/libgoescape.a
BIN       := $(BUILD)/goescape
MAN       := $(BUILD)/goescape.1

ifeq ($(V),1)
Q :=
else
Q := @
endif

all: goescape $(MAN)

goescape: $(BIN)
	$(Q)ln -sf $(BIN) goescape

# The man page is generated from the CLI's option tables, like --help.
$(MAN): $(BIN)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(BIN) --man >$@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The hook script is built into the binary, byte for byte hooks/pre-push.
$(BUILD)/gen/hook_script.c: hooks/pre-push
	@mkdir -p $(dir $@)
	$(Q){ echo '/* Generated from hooks/pre-push by the Makefile. */'; \
	  echo 'const char ge_hook_script[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } > $@

$(BUILD)/gen/hook_script.o: $(BUILD)/gen/hook_script.c
	$(Q)$(CC) -std=c11 $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIBA)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIBA) $(LIBS)

# A unit binary may add link flags of its own, UNIT_LDFLAGS_<name>: so far
# only -Wl,--wrap=SYMBOL, which sends a module's calls of another module's
# function (go, through ge_run) to the test's __wrap_SYMBOL.
UNIT_LDFLAGS_test_capture := -Wl,--wrap=ge_run

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBA)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) $(UNIT_LDFLAGS_$*) -o $@ $< $(LIBA) $(LIBS) -lcmocka

$(BUILD)/bench_match: $(BUILD)/tests/bench/bench_match.o $(LIBA)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(LIBS)

# Decoding a generated 15 MB heap profile and joining it (docs/PROFILE.md).
$(BUILD)/bench_profile: $(BUILD)/tests/bench/bench_profile.o $(LIBA)
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(LIBS)

bench-profile: $(BUILD)/bench_profile

# Fuzzing: libFuzzer targets (clang), and every corpus entry as a regression test.
FUZZ_TARGETS := parse report gosrc prepush config suggest golex pprof url
FUZZ_SEEDS_parse   := tests/fixtures/compiler-output
FUZZ_SEEDS_report  := tests/fuzz/corpus/report
FUZZ_SEEDS_gosrc   := tests/fixtures/gosrc tests/fixtures/parsemod examples tests/fixtures/golex
FUZZ_SEEDS_prepush := tests/fuzz/corpus/prepush
FUZZ_SEEDS_config  := tests/fuzz/corpus/config
FUZZ_SEEDS_suggest := tests/fixtures/suggestmod examples tests/fixtures/golex
FUZZ_SEEDS_golex   := tests/fixtures/golex tests/fixtures/gosrc examples
FUZZ_SEEDS_pprof   := tests/fuzz/corpus/pprof tests/fixtures/profiles
FUZZ_SEEDS_url     := tests/fuzz/corpus/url
SECONDS   ?= 60
FUZZ_CC   ?= clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o) build-fuzz/gen/hook_script.o

build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(FUZZ_FLAGS) -Iinclude -Ilib \
	  $(shell $(PKG_CONFIG) --cflags $(PKGS)) -c -o $@ $<

build-fuzz/gen/hook_script.o: $(BUILD)/gen/hook_script.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -std=c11 -c -o $@ $<

build-fuzz/fuzz_%: build-fuzz/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

# One recipe line per target, each with its own FUZZ_SEEDS_<target>.
fuzz: $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
	$(Q)mkdir -p tests/fuzz/crashes
	$(Q)$(foreach t,$(FUZZ_TARGETS),mkdir -p build-fuzz/corpus/$(t) && \
	  echo "  FUZZ    $(t) for $(SECONDS)s" && \
	  { build-fuzz/fuzz_$(t) -max_total_time=$(SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=tests/fuzz/crashes/$(t)- build-fuzz/corpus/$(t) $(FUZZ_SEEDS_$(t)) 2>&1 | \
	    grep -E '^#[0-9]+.*DONE|^Done|ERROR|SUMMARY'; } ;) true

# The same targets without libFuzzer, over the seeds and every saved crash.
$(BUILD)/fuzz-regress/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/standalone.o $(LIBA)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

fuzz-regress: $(FUZZ_TARGETS:%=$(BUILD)/fuzz-regress/%)
	$(Q)$(foreach t,$(FUZZ_TARGETS),printf '  FUZZREG %-8s ' $(t) && \
	  $(BUILD)/fuzz-regress/$(t) $(FUZZ_SEEDS_$(t)) $$(ls tests/fuzz/crashes/$(t)-* 2>/dev/null) &&) true

# Static analysis: cppcheck must be clean (warnings and portability), and
# lib/'s includes must follow docs/ARCHITECTURE.md.
lint:
	$(Q)python3 scripts/check-architecture
	$(Q)cppcheck --enable=warning,portability --inline-suppr --error-exitcode=1 -q \
	  --std=c11 -Iinclude -Ilib $(shell $(PKG_CONFIG) --cflags-only-I $(PKGS)) \
	  --suppress=missingIncludeSystem lib cmd tests/fuzz

# Each header, public (include/) and private (lib/), must compile on its
# own: it includes what it uses, so any .c may include it first.
header-test:
	$(Q)for h in $(HEADERS) $(wildcard lib/*.h); do \
	  i=$${h#include/}; i=$${i#lib/}; \
	  printf '#include "%s"\n' "$$i" | $(CC) $(ALL_CFLAGS) -MF /dev/null -x c -fsyntax-only - || { echo "header-test: $$h does not compile alone"; exit 1; }; \
	done

unit: $(UNIT_BIN)
	$(Q)for t in $(UNIT_BIN); do \
	  echo "  UNIT    $$t"; (cd tests/unit && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:fast_unwind_on_malloc=0:print_suppressions=0 ../../$$t) || exit 1; \
	done

# Tests run make themselves (Makefile fixtures): none of this make's state leaks in.
integration: $(BIN) $(MAN)
	$(Q)env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:fast_unwind_on_malloc=0:print_suppressions=0 \
	  GOESCAPE_BIN=$(CURDIR)/$(BIN) bash tests/integration/run.sh

check: header-test unit fuzz-regress integration

valgrind: $(UNIT_BIN)
	$(Q)for t in $(UNIT_BIN); do \
	  echo "  VALGRIND $$t"; (cd tests/unit && valgrind -q --error-exitcode=1 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect ../../$$t >/dev/null) || exit 1; \
	done

demo: $(BIN)
	$(Q)bash scripts/demo

# BENCH_ONLY=profile: only the heap-profile row.
bench: $(BIN) $(BUILD)/bench_match $(BUILD)/bench_profile
	$(Q)python3 scripts/bench $(if $(BENCH_ONLY),--only $(BENCH_ONLY))

bench-smoke: $(BIN) $(BUILD)/bench_match $(BUILD)/bench_profile
	$(Q)python3 scripts/bench --quick

install: $(BIN) $(MAN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/goescape/hooks $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/goescape
	install -m 0644 $(MAN) $(DESTDIR)$(PREFIX)/share/man/man1/goescape.1
	for h in hooks/*; do [ -f "$$h" ] && install -m 0755 "$$h" $(DESTDIR)$(PREFIX)/share/goescape/hooks/; done; true

format:
	clang-format -i $(LIB_SRC) $(CMD_SRC) $(UNIT_SRC) lib/*.h $(HEADERS)

clean:
	rm -rf build build-san build-fuzz goescape

.SECONDARY:
.PHONY: bench-profile lint fuzz fuzz-regress all goescape header-test unit integration check valgrind demo bench bench-smoke install format clean

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
-include $(BUILD)/tests/bench/bench_profile.d $(BUILD)/tests/fuzz/fuzz_pprof.d
