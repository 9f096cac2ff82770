# ledfs: every target installs what it needs on a fresh Debian/Ubuntu machine.
SHELL := /bin/bash
.DEFAULT_GOAL := build

# Root runs apt-get directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LEDS_DIR ?= leds
# Wait for another apt/dpkg run (unattended upgrades, a provisioning script) instead of failing.
APT_OPTS := -o DPkg::Lock::Timeout=600

.PHONY: deps system-deps udev-clients build test test-fuse-native run clean conformance bench stress fuzz check-fuse

## system-deps: the Debian packages FUSE needs: libfuse 2 for the fuse-native binding; libfuse 3,
## its development files and a C compiler for ledfs's own transport (native/); fuse3 for
## fusermount3 and fusermount (it replaces Debian's fuse package); and pytest for the Python
## example the tests run (Debian's, for /usr/bin/python3).
SYSTEM_PACKAGES := fuse3 libfuse2 libfuse3-dev pkg-config gcc libc6-dev python3-pytest
system-deps:
	@if ! /sbin/ldconfig -p | grep -q 'libfuse\.so\.2 ' || ! command -v fusermount3 >/dev/null || ! command -v fusermount >/dev/null \
	    || ! pkg-config --exists fuse3 2>/dev/null || ! command -v cc >/dev/null || ! /usr/bin/python3 -c 'import pytest' 2>/dev/null; then \
	  echo "make: installing Debian packages ($(SYSTEM_PACKAGES))"; \
	  $(SUDO) apt-get $(APT_OPTS) update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get $(APT_OPTS) install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	fi

## udev-clients: the libudev clients the device-model tests run (pyudev for Debian's python3, udevadm).
udev-clients:
	@if ! /usr/bin/python3 -c 'import pyudev' 2>/dev/null || ! command -v udevadm >/dev/null; then \
	  echo "make: installing libudev clients for the tests (python3-pyudev, udev)"; \
	  $(SUDO) apt-get $(APT_OPTS) update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get $(APT_OPTS) install -y -qq python3-pyudev udev >/dev/null; \
	fi

## node_modules: exactly what package-lock.json says.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: system-deps node_modules/.package-lock.json

## build: compile lib/ and bench/ to dist/, and the libfuse 3 transport to build/ (each only
## when a source changed).
SOURCES := $(shell find lib bench -name '*.ts') tsconfig.json
build: deps dist/.built build/ledfs_fuse3.node
dist/.built: $(SOURCES) node_modules/.package-lock.json
	npx tsc -p tsconfig.json
	@touch $@
build/ledfs_fuse3.node: native/ledfs_fuse3.c native/build.js
	node native/build.js

## test: unit tests, FUSE integration tests, the recorded kernel transcripts, and the package as
## installed (npm pack) with its CI recipes. The tests get a temporary folder of their own, which
## must be empty when they end (but for the runner's own compile cache): a test that leaves
## something behind fails the run.
## The replay compares real-time traces with the kernel's within ±12 ms, which a busy machine
## breaks (the mount, or the probe polling brightness, waits for a CPU). As root the tests run
## at a real-time priority (round-robin 1), as the kernel's timers run ahead of ordinary tasks;
## elsewhere as they are.
RT := $(shell [ "$$(id -u)" = 0 ] && chrt -r 1 true 2>/dev/null && echo "chrt -r 1")
test: build check-fuse udev-clients
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/ledfs-make-test.XXXXXX") && chmod 0755 "$$tmp" && \
	  TMPDIR="$$tmp" $(RT) npx tap; rc=$$?; \
	  rm -rf "$$tmp"/v8-compile-cache-*; \
	  if ! rmdir "$$tmp" 2>/dev/null; then echo "make test: the tests left files behind in $$tmp:"; ls -A "$$tmp"; exit 1; fi; \
	  exit $$rc

## test-fuse-native: the FUSE integration tests and the kernel transcripts again on the
## fuse-native transport (make test runs everything on the default transport and replays the
## 6.1 transcripts on both).
test-fuse-native: build check-fuse udev-clients
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/ledfs-make-test.XXXXXX") && chmod 0755 "$$tmp" && \
	  LEDFS_TRANSPORT=fuse-native TMPDIR="$$tmp" $(RT) npx tap test/integration test/conformance; rc=$$?; \
	  rm -rf "$$tmp"/v8-compile-cache-*; rmdir "$$tmp" 2>/dev/null; exit $$rc

check-fuse:
	@[ -e /dev/fuse ] || { echo "make: /dev/fuse is missing: load the fuse module (modprobe fuse) or give the container the device"; exit 1; }

## run: mount the default LEDs at ./leds in the foreground.
run: build check-fuse
	@mkdir -p $(LEDS_DIR)
	@echo "In another shell try:"
	@echo "  cd $(LEDS_DIR)/ledfs:green:status; cat trigger; echo pattern > trigger"
	@echo "  echo 0 1000 255 2000 > pattern; cat pattern; echo 3 > repeat; cat brightness"
	@echo "  cd ../sc27xx:white:breath; cat trigger; echo 0 500 255 1000 0 500 0 1000 > hw_pattern    (its trigger is pattern from the start)"
	@echo "  ./bin/ledfs watch $(LEDS_DIR)    (a live view; q quits)"
	@echo "Stop with Ctrl-C."
	./bin/ledfs mount $(LEDS_DIR)

## conformance: re-record every kernel transcript from the real kernel (maintainers).
## Each directory test/conformance/kernel-P holds transcripts of ORACLE_PROFILE=P: every
## NAME.jsonl in it is re-recorded from cases/NAME.txt under that profile. PROFILE=P limits
## the run to one directory; CASE=NAME records that case (also where it has no transcript yet).
## Needs the oracle toolkit (ORACLE_DIR) and Debian's package archive; `make test` never does.
ORACLE_DIR ?= ../shared/oracle
TRANSCRIPT_DIRS = $(if $(PROFILE),test/conformance/kernel-$(PROFILE),$(wildcard test/conformance/kernel-*))
conformance:
	@[ -x "$(ORACLE_DIR)/run.sh" ] || { echo "make conformance: no kernel oracle at ORACLE_DIR=$(ORACLE_DIR); set ORACLE_DIR to the oracle toolkit's folder"; exit 2; }
	@[ -z "$(CASE)" ] || [ -f test/conformance/cases/$(CASE).txt ] || { echo "make conformance: no case test/conformance/cases/$(CASE).txt"; exit 2; }
	$(SUDO) $(ORACLE_DIR)/setup.sh
	@# the 6.12 profiles boot another kernel, prepared by a second script
	@if echo "$(TRANSCRIPT_DIRS)" | grep -q 'kernel-6\.12'; then $(SUDO) $(ORACLE_DIR)/setup-6.12.sh; fi
	@set -e; for d in $(TRANSCRIPT_DIRS); do p=$${d##*/kernel-}; mkdir -p $$d; \
	  names=$$(if [ -n "$(CASE)" ]; then echo $(CASE); else for g in $$d/*.jsonl; do if [ -e $$g ]; then basename $$g .jsonl; fi; done; fi); \
	  for n in $$names; do \
	    [ -f test/conformance/cases/$$n.txt ] || { echo "make conformance: $$d/$$n.jsonl has no case file cases/$$n.txt"; exit 2; }; \
	    echo "conformance: $$n ($$p)"; \
	    ORACLE_PROFILE=$$p $(ORACLE_DIR)/run.sh test/conformance/cases/$$n.txt > $$d/$$n.jsonl.new; \
	    mv $$d/$$n.jsonl.new $$d/$$n.jsonl; \
	  done; done
	@echo "conformance: transcripts re-recorded; review with git diff, then run make test"

## stress: 32 processes on the same LEDs for 60 s (make test runs a 3 s version).
stress: build check-fuse
	STRESS_PROCS=32 STRESS_SECONDS=60 npx tap test/stress/stress.test.ts --timeout=300

## fuzz: a million fuzzed writes through a real mount against the 6.1 reference model (FUZZ_WRITES, FUZZ_SEED).
fuzz: build check-fuse
	TS_NODE_TRANSPILE_ONLY=1 node --import=@tapjs/typescript/import test/fuzz/run.ts

## bench: speed figures, each with a baseline measured in the same run.
bench: build check-fuse
	@for b in dist/bench/*.js; do node --expose-gc $$b || exit 1; done

clean:
	rm -rf dist build .tap
