# gwc - one non-recursive GNU Makefile.
#
#   make               build build/gwc and compile examples/ into out/
#   make test          every test; ends with "N passed, N failed"
#   make debug test    the same under ASan + UBSan (+ LeakSanitizer)
#   make install PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/gwc
WERROR ?= -Werror

PKGS := libfyaml yaml-0.1
CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes $(WERROR)
DEPCFLAGS := $(shell pkg-config --cflags $(PKGS))
DEPLIBS := $(shell pkg-config --libs $(PKGS)) -lm

ifneq ($(filter debug,$(MAKECMDGOALS)),)
BUILD := build/debug
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD := build
endif

CPPFLAGS += -D_GNU_SOURCE -Igen -I$(BUILD)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(CPPFLAGS) $(DEPCFLAGS)

# The pipeline, in order, plus its shared parts.
CORE := arena diag tree load validate asset quantity kernel model check \
	template render emit diff write compile
CORE_OBJS := $(CORE:%=$(BUILD)/%.o) $(BUILD)/assets.o
GWC := $(BUILD)/gwc

SCHEMA := schema/gatewayspec.schema.json
TEMPLATE := templates/gateway-injection-template.txt
EXAMPLES := $(sort $(wildcard examples/*.yaml))

FUZZ_TARGETS := compile template
REPLAY_BINS := $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
UNIT := $(sort $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)))
UNIT_BINS := $(UNIT:%=$(BUILD)/tests/%)

.PHONY: all debug test unit examples install uninstall clean fuzz
.DELETE_ON_ERROR:

all: $(GWC) examples

debug:
	@:

$(BUILD)/%.o: gen/%.c gen/gwc.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/embed: gen/tool/embed.c | $(BUILD)
	$(CC) $(WARN) -O2 -o $@ $<

$(BUILD)/assets.c: $(BUILD)/embed $(SCHEMA) $(TEMPLATE)
	$(BUILD)/embed $@ gatewayspec.schema.json=$(SCHEMA) \
		gateway-injection-template.txt=$(TEMPLATE)

$(BUILD)/assets.o: $(BUILD)/assets.c gen/gwc.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(GWC): $(BUILD)/main.o $(CORE_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(DEPLIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# out/ is the committed output of examples/; the tests compare against it.
examples: $(GWC)
	$(GWC) build --prune -o out $(EXAMPLES)

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/unit.h $(CORE_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -Itests/unit \
		$(LDFLAGS) -o $@ $< $(CORE_OBJS) $(DEPLIBS) \
		$(shell pkg-config --libs cmocka)

unit: $(UNIT_BINS)

test: $(GWC) $(UNIT_BINS) $(REPLAY_BINS)
	GWC=$(GWC) UNIT_DIR=$(BUILD)/tests tests/run.sh

# ---- fuzzing ------------------------------------------------------------
# The libFuzzer targets in tests/fuzz/ replay their corpus and every kept
# reproducer in `make test` through replay.c (any compiler); `make fuzz`
# builds them with clang-14's libFuzzer and fuzzes each for FUZZ_TIME
# seconds with FUZZ_JOBS workers, new inputs going to build/fuzz/corpus.
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 2
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
	-std=c11 -Igen -Ibuild/fuzz
FUZZ_SRCS := $(CORE:%=gen/%.c)

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(CORE_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(CORE_OBJS) $(DEPLIBS)

build/fuzz/assets.c: $(BUILD)/embed $(SCHEMA) $(TEMPLATE)
	mkdir -p build/fuzz
	$(BUILD)/embed $@ gatewayspec.schema.json=$(SCHEMA) \
		gateway-injection-template.txt=$(TEMPLATE)

# libyaml and libfyaml instrumented too, built from Debian's source
# packages; without them the fuzzer would see no coverage inside them.
FUZZ_PREFIX := build/fuzz/prefix
build/fuzz/.libs:
	mkdir -p build/fuzz
	tests/fuzz/build-libs.sh || echo "fuzz: warning: no instrumented" \
		"libyaml/libfyaml; fuzzing against the system libraries"
	touch $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) gen/gwc.h build/fuzz/assets.c build/fuzz/.libs
	if [ -f $(FUZZ_PREFIX)/lib/libfyaml.a ]; then \
		libs="$(FUZZ_PREFIX)/lib/libfyaml.a $(FUZZ_PREFIX)/lib/libyaml.a -lm"; \
	else libs="$(DEPLIBS)"; fi; \
	$(FUZZ_CC) $(FUZZ_FLAGS) -I$(FUZZ_PREFIX)/include -o $@ $< \
		$(FUZZ_SRCS) build/fuzz/assets.c $$libs

fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t build/fuzz/crashes/$$t && \
		(cd build/fuzz && ./fuzz_$$t -max_total_time=$(FUZZ_TIME) \
			-jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=crashes/$$t/ corpus/$$t \
			../../tests/fuzz/corpus/$$t \
			../../tests/fuzz/regressions/$$t) || exit 1; \
		tail -n 12 build/fuzz/fuzz-0.log; \
		if ls build/fuzz/crashes/$$t | grep -q .; then \
			echo "fuzz: reproducers in build/fuzz/crashes/$$t"; exit 1; fi; \
	done
	@echo "fuzz: no crash; new inputs are in build/fuzz/corpus"

install: $(GWC)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 0755 $(GWC) $(DESTDIR)$(BINDIR)/gwc
	install -m 0644 $(SCHEMA) $(DESTDIR)$(DATADIR)/gatewayspec.schema.json

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gwc $(DESTDIR)$(DATADIR)/gatewayspec.schema.json
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf build
