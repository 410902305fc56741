# SPDX-License-Identifier: GPL-2.0-or-later
# nsnet — plain GNU Makefile. `make` builds, `make check` is what CI runs.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/sbin
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
MANDIR    ?= $(PREFIX)/share/man
PCDIR     ?= $(LIBDIR)/pkgconfig
DESTDIR   ?=
VERSION   := 0.1.0

CC        ?= cc
B         ?= build
PKGS      := libmnl jansson yaml-0.1 libnftables
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN      := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-unused-parameter
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(WERROR) -fPIC -D_GNU_SOURCE \
             -Iinclude -Isrc/lib $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -pthread $(EXTRA_LDFLAGS)

LIB_SRC   := $(sort $(wildcard src/lib/*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(B)/%.o)
# Unit tests link the CLI's objects too (argv parsing, JSON rendering), minus main().
CLI_LIBOBJ := $(filter-out $(B)/src/cli/main.o,$(CLI_OBJ))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

# Debian packages: build, runtime, tests. `make deps` installs the missing ones.
DEPS_BUILD := gcc make pkg-config libmnl-dev libjansson-dev libnftables-dev libyaml-dev
DEPS_TEST  := iproute2 iputils-ping curl socat perl util-linux python3 procps nftables graphviz \
              ethtool
# dnsmasq-base: the DHCP/DNS server of `dhcp:` networks, without the host-wide
# service the dnsmasq package would start; openvswitch-switch for `type: ovs`
# networks (also used by the tests).
DEPS_RUN   := dnsmasq-base openvswitch-switch
# bench/run: the CNI builder (bridge, host-local plugins), GNU time for peak RSS
DEPS_TEST  += containernetworking-plugins time
DEPS       := $(DEPS_BUILD) $(DEPS_RUN) $(DEPS_TEST)
# clang and its libFuzzer runtime, for `make fuzz` (which `make check` runs)
DEPS_FUZZ  := clang libclang-rt-dev
DEPS       += $(DEPS_FUZZ)

.PHONY: FORCE all deps check test asan demo tidy cppcheck install uninstall clean bench
.PHONY: fuzz fuzz-build

all: $(B)/nsnet $(B)/libnsnet.a $(B)/libnsnet.so $(B)/nsnet.pc

$(B)/%.o: %.c $(wildcard include/nsnet/*.h src/lib/*.h src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libnsnet.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

$(B)/libnsnet.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libnsnet.so.0 -o $@ $^ $(LDLIBS_ALL)

$(B)/nsnet: $(CLI_OBJ) $(B)/libnsnet.a
	$(CC) -o $@ $(CLI_OBJ) $(B)/libnsnet.a $(LDLIBS_ALL)

$(B)/tests/%: tests/unit/%.c tests/unit/tap.h tests/unit/pfx.h $(CLI_LIBOBJ) $(B)/libnsnet.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc/cli -Itests/unit -o $@ $< $(CLI_LIBOBJ) $(B)/libnsnet.a $(LDLIBS_ALL)

# Rebuilt every time: it holds PREFIX, which may differ between make runs.
$(B)/nsnet.pc: nsnet.pc.in FORCE
	@mkdir -p $(B)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

deps:
	@missing=""; for p in $(DEPS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null || \
	    { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; }; \
	fi

# The test suite: unit tests (no privileges) and e2e tests (root, in a sandbox).
# NSNET selects the binary under test, so `make asan` runs the same files.
test: all $(UNIT_BIN) $(B)/bench/floor
	NSNET=$(abspath $(B)/nsnet) UNIT_DIR=$(abspath $(B)/tests) \
	    prove -f $(PROVE_FLAGS) $(UNIT_BIN) tests/e2e/*.t

# The leak check runs even when a test failed: a failing test is the one most
# likely to leave something behind.
check: deps
	tests/leaks snapshot $(B)/leaks.before
	@rc=0; \
	$(MAKE) --no-print-directory WERROR=-Werror test || rc=1; \
	$(MAKE) --no-print-directory fuzz FUZZ_SECS=$(FUZZ_SMOKE_SECS) || rc=1; \
	$(MAKE) --no-print-directory asan || rc=1; \
	tests/leaks compare $(B)/leaks.before || rc=1; \
	exit $$rc

asan:
	$(MAKE) --no-print-directory B=build/asan WERROR=-Werror \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	    EXTRA_LDFLAGS="-fsanitize=address,undefined" test

# The main job for a newcomer: a lab brought up, checked, changed and taken
# down, in a sandbox of its own (examples/demo.sh; root). It may be the first
# command on a fresh machine, so the packages come first and the build runs
# after them, in a make that finds their headers.
demo: deps
	$(MAKE) --no-print-directory all
	NSNET=$(abspath $(B)/nsnet) examples/demo.sh

# Benchmarks (bench/run --help): star-N built by nsnet, an `ip` script, one
# `ip -batch`, the CNI bridge plugin and bench/floor, in a sandbox of their own.
# Not part of `all`; tests/e2e/90-bench-smoke.t runs a star-20 smoke round.
BENCH_ARGS ?=
$(B)/bench/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDLIBS_ALL)

bench: all $(B)/bench/floor
	bench/run --nsnet $(abspath $(B)/nsnet) --floor $(abspath $(B)/bench/floor) \
	    --json $(abspath $(B)/bench.json) $(BENCH_ARGS)

# libFuzzer targets (clang), built with ASan and UBSan in build/fuzz:
# fuzz_dhcp - dhcp_msg.c's decoder and the client's judgement of a packet,
#   seeded from fuzz/seeds/dhcp (packets dnsmasq sent);
# fuzz_lab - the lab reader, its checks and the planner on an empty
#   observation, seeded from tests/fixtures/labs/.
# `make check` runs each for FUZZ_SMOKE_SECS; `make fuzz FUZZ_SECS=600` runs
# longer. New inputs go to build/fuzz/corpus/TARGET (reused by later runs),
# a crash to build/fuzz/crash-TARGET-*: replay it with
# `build/fuzz/fuzz/fuzz_TARGET FILE`.
FUZZ_CC         ?= clang
FUZZ_SECS       ?= 25
FUZZ_SMOKE_SECS ?= 25
FUZZ_B          ?= build/fuzz
FUZZ_TARGETS    := dhcp lab
FUZZ_SEEDS_dhcp := fuzz/seeds/dhcp
FUZZ_SEEDS_lab  := tests/fixtures/labs/good tests/fixtures/labs/bad tests/fixtures/labs/e2e
FUZZ_SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all

$(B)/fuzz/fuzz_%: fuzz/fuzz_%.c $(B)/libnsnet.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/libnsnet.a $(LDLIBS_ALL)

fuzz-build:
	$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(FUZZ_CC) \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    EXTRA_CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    EXTRA_LDFLAGS="$(FUZZ_SAN)" $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz/fuzz_%)

# fuzz_run T - the shell commands of one target's run (for `fuzz`)
fuzz_run = mkdir -p $(FUZZ_B)/corpus/$(1); echo "fuzz_$(1): $(FUZZ_SECS) s"; \
	$(FUZZ_B)/fuzz/fuzz_$(1) -max_total_time=$(FUZZ_SECS) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_B)/crash-$(1)- \
	    $(FUZZ_B)/corpus/$(1) $(FUZZ_SEEDS_$(1)) 2>$(FUZZ_B)/fuzz-$(1).log || \
	    { rc=1; tail -n 40 $(FUZZ_B)/fuzz-$(1).log; }; \
	grep -E '^stat::(number_of_executed_units|peak_rss_mb)' $(FUZZ_B)/fuzz-$(1).log;

fuzz: fuzz-build
	@rc=0; $(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t))) exit $$rc

tidy:
	clang-tidy $(LIB_SRC) $(CLI_SRC) -- -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc/lib

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr -Iinclude -Isrc/lib --include=/usr/include/jansson.h \
	    src/lib src/cli

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/nsnet \
	    $(DESTDIR)$(PCDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/nsnet $(DESTDIR)$(BINDIR)/nsnet
	install -m 0644 $(B)/libnsnet.a $(DESTDIR)$(LIBDIR)/libnsnet.a
	install -m 0755 $(B)/libnsnet.so $(DESTDIR)$(LIBDIR)/libnsnet.so.0
	ln -sf libnsnet.so.0 $(DESTDIR)$(LIBDIR)/libnsnet.so
	install -m 0644 include/nsnet/nsnet.h $(DESTDIR)$(INCDIR)/nsnet/nsnet.h
	install -m 0644 $(B)/nsnet.pc $(DESTDIR)$(PCDIR)/nsnet.pc
	install -m 0644 docs/nsnet-lab.5 $(DESTDIR)$(MANDIR)/man5/nsnet-lab.5
	install -m 0644 docs/nsnet.8 $(DESTDIR)$(MANDIR)/man8/nsnet.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nsnet $(DESTDIR)$(LIBDIR)/libnsnet.a \
	    $(DESTDIR)$(LIBDIR)/libnsnet.so $(DESTDIR)$(LIBDIR)/libnsnet.so.0 \
	    $(DESTDIR)$(INCDIR)/nsnet/nsnet.h $(DESTDIR)$(PCDIR)/nsnet.pc \
	    $(DESTDIR)$(MANDIR)/man5/nsnet-lab.5 $(DESTDIR)$(MANDIR)/man8/nsnet.8

clean:
	rm -rf build

FORCE:
