# gwc - one non-recursive GNU Makefile.
#
#   make               build build/gwc and compile examples/ into out/
#   make test          every test; ends with "N passed, N failed"
#   make debug test    the same under ASan + UBSan (+ LeakSanitizer);
#                      `make debug` alone builds that variant in build/debug
#   make tsan test     the same under ThreadSanitizer (build/tsan)
#   make install PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/gwc
WERROR ?= -Werror

# gwc links libyaml only (it reads specs; gen/emit.c writes); the unit
# tests, replays and fuzz targets also link libfyaml, the independent
# reader of gwc's output (tests/unit/test_readback.c, fuzz_compile.c).
PKGS := yaml-0.1
TEST_PKGS := libfyaml
CC ?= cc
CFLAGS ?= -O2 -g
WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes $(WERROR)
DEPCFLAGS := $(shell pkg-config --cflags $(PKGS))
DEPLIBS := $(shell pkg-config --libs $(PKGS)) -lm -pthread
TESTCFLAGS := $(shell pkg-config --cflags $(TEST_PKGS))
TESTLIBS := $(shell pkg-config --libs $(TEST_PKGS))

# gwc itself is linked statically: starting a dynamically linked gwc cost
# 2.4 ms more per run here (loading and relocating libyaml, libm and libc;
# `make bench`, README "Performance"), which is most of a one-gateway build,
# and one file is what an air-gapped site copies.  GWC_LDFLAGS= (empty)
# links it dynamically, as a distribution package would.
GWC_LDFLAGS ?= -static

# A sanitizer variant is chosen by naming it as a goal (`make debug test`);
# it builds into its own folder, so variants never mix objects.
ifneq ($(filter debug,$(MAKECMDGOALS)),)
BUILD := build/debug
GWC_LDFLAGS :=
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else ifneq ($(filter tsan,$(MAKECMDGOALS)),)
BUILD := build/tsan
GWC_LDFLAGS :=
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=thread
LDFLAGS += -fsanitize=thread
else
BUILD := build
endif

CPPFLAGS += -D_GNU_SOURCE -Igen -I$(BUILD)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(CPPFLAGS) $(DEPCFLAGS)
# Each object's header dependencies, written by the compiler beside it
# (-MP: a deleted header is not an error).
DEPGEN = -MMD -MP

# The pipeline, in order, plus its shared parts.
CORE := arena buf utf8 diag tree load validate asset quantity kernel \
	model controlplane check across template fileset spill feed patch_target patch_merge patch_json patch render gatewayapi emit diff write sha256 depfile \
	graph preview podsecurity cache compile
CORE_OBJS := $(CORE:%=$(BUILD)/%.o) $(BUILD)/assets.o $(BUILD)/schema.o \
	$(BUILD)/buildid.o
# The Go text/template engine (gen/tmpl.h, gen/tmpl/), linked like the core.
TMPL := lex parse exec fmt func
CORE_OBJS += $(TMPL:%=$(BUILD)/tmpl/%.o)
# What Go's own libraries write (gen/go.h, gen/go/): encoding/json,
# sigs.k8s.io/yaml, strconv, and the Unicode tables they use.
GO := unicode strconv json yaml net
CORE_OBJS += $(GO:%=$(BUILD)/go/%.o)
# istiod's injection (gen/inject.h, gen/inject/): gwc inject and the preview.
INJECT := inject k8s
CORE_OBJS += $(INJECT:%=$(BUILD)/inject/%.o)
GWC := $(BUILD)/gwc

SCHEMA := schema/gatewayspec.schema.json
TEMPLATE := templates/gateway-injection-template.txt
INJECT_DEFAULTS := templates/inject-values.yaml templates/inject-mesh.yaml
# Argo CD health checks, written into a gateway folder with syncWaves
ARGOCD_HEALTH := templates/argocd-health-istio.lua \
	templates/argocd-health-istiorevisiontag.lua
EXAMPLES := $(sort $(wildcard examples/*.yaml))

FUZZ_TARGETS := compile template tmpl preview out
REPLAY_BINS := $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
UNIT := $(sort $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)))
UNIT_BINS := $(UNIT:%=$(BUILD)/tests/%)

.PHONY: all debug tsan test unit examples install uninstall clean fuzz bench deps
.DELETE_ON_ERROR:

all: $(GWC) examples

# `make debug` (or `make tsan`) alone builds the variant's binaries;
# with `test` after it, the tests run against them.
debug tsan: $(GWC) $(UNIT_BINS) $(REPLAY_BINS) $(BUILD)/tests/tmplrender

$(BUILD)/%.o: gen/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -c -o $@ $<

$(BUILD)/embed: gen/tool/embed.c | $(BUILD)
	$(CC) $(WARN) -O2 -o $@ $<

$(BUILD)/assets.c: $(BUILD)/embed $(SCHEMA) $(TEMPLATE) $(INJECT_DEFAULTS) \
		$(ARGOCD_HEALTH)
	$(BUILD)/embed $@ gatewayspec.schema.json=$(SCHEMA) \
		gateway-injection-template.txt=$(TEMPLATE) \
		$(foreach f,$(INJECT_DEFAULTS) $(ARGOCD_HEALTH),$(notdir $(f))=$(f))

$(BUILD)/assets.o: $(BUILD)/assets.c
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -c -o $@ $<

# gwc's build id: a digest of everything that decides its output (its
# sources, the schema, the templates), heading OUT's cache (gen/cache.c),
# so that another gwc never trusts it.  Rewritten only when it changes.
BUILDID_INPUTS := $(sort $(wildcard gen/*.c gen/*.h gen/*/*.c gen/*/*.h)) \
	$(SCHEMA) $(TEMPLATE) $(INJECT_DEFAULTS) $(ARGOCD_HEALTH)
$(BUILD)/buildid.c: $(BUILDID_INPUTS) | $(BUILD)
	@id=$$(cat $(BUILDID_INPUTS) | sha256sum | cut -c1-64); \
	echo "const char gw_build_id[] = \"$$id\";" >$@.tmp && mv $@.tmp $@

$(BUILD)/buildid.o: $(BUILD)/buildid.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The schema as a static tree, parsed at build time by gwc's own loader.
SCHEMA2C_OBJS := $(addprefix $(BUILD)/,arena.o buf.o utf8.o diag.o tree.o load.o sha256.o \
	emit.o)
$(BUILD)/schema2c: gen/tool/schema2c.c $(SCHEMA2C_OBJS)
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -MF $@.d $(LDFLAGS) -o $@ $< \
		$(SCHEMA2C_OBJS) $(DEPLIBS)

# With it, schema_defaults.h: every key's `default`, which model.c reads
# (the schema is the one place a default is written).
$(BUILD)/schema.c $(BUILD)/schema_defaults.h &: $(BUILD)/schema2c $(SCHEMA)
	$(BUILD)/schema2c $(BUILD)/schema.c $(BUILD)/schema_defaults.h $(SCHEMA)

$(BUILD)/model.o: $(BUILD)/schema_defaults.h

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -c -o $@ $<

$(GWC): $(BUILD)/main.o $(CORE_OBJS)
	$(CC) $(LDFLAGS) $(GWC_LDFLAGS) -o $@ $^ $(DEPLIBS)

$(BUILD) $(BUILD)/tests $(BUILD)/tmpl $(BUILD)/go $(BUILD)/inject:
	mkdir -p $@

$(BUILD)/tmpl/%.o: gen/tmpl/%.c | $(BUILD)/tmpl
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -c -o $@ $<

$(BUILD)/go/%.o: gen/go/%.c | $(BUILD)/go
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -c -o $@ $<

$(BUILD)/inject/%.o: gen/inject/%.c | $(BUILD)/inject
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -c -o $@ $<

# tmplrender TEMPLATE DATA: the engine on its own (tests, the Go oracle).
$(BUILD)/tests/tmplrender: tests/tmpl/render.c $(CORE_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -MF $@.d $(LDFLAGS) -o $@ $< \
		$(CORE_OBJS) $(DEPLIBS)

# out/ is the committed output of examples/; the tests compare against it.
examples: $(GWC)
	$(GWC) build --prune -o out $(EXAMPLES)

# docs/graph.dot and docs/graph.svg, the picture in README.md: gwc graph of
# three examples, drawn by Graphviz's dot (tests/suites/graph.sh checks
# that both are up to date).
GRAPH_EXAMPLES := examples/ingress.yaml examples/ha.yaml examples/legacy-kernel.yaml
.PHONY: docs
docs: docs/graph.svg
docs/graph.dot: $(GWC) $(GRAPH_EXAMPLES)
	$(GWC) graph $(GRAPH_EXAMPLES) >$@
docs/graph.svg: docs/graph.dot
	dot -Tsvg $< >$@

$(BUILD)/tests/test_%: tests/unit/test_%.c $(CORE_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -MF $@.d $(TESTCFLAGS) \
		$(shell pkg-config --cflags cmocka) \
		-Itests/unit $(LDFLAGS) -o $@ $< $(CORE_OBJS) $(DEPLIBS) \
		$(TESTLIBS) $(shell pkg-config --libs cmocka)

unit: $(UNIT_BINS)

# Every Debian package the build and the tests use (tests/deps.sh).
deps:
	tests/deps.sh

test: $(GWC) $(UNIT_BINS) $(REPLAY_BINS) $(BUILD)/tests/tmplrender
	GWC=$(GWC) UNIT_DIR=$(BUILD)/tests GWC_LDFLAGS='$(GWC_LDFLAGS)' tests/run.sh

MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

install: $(GWC)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(GWC) $(DESTDIR)$(BINDIR)/gwc
	install -m 0644 $(SCHEMA) $(DESTDIR)$(DATADIR)/gatewayspec.schema.json
	install -m 0644 gen/gwc.1 $(DESTDIR)$(MANDIR)/man1/gwc.1
	install -m 0644 gen/gwc.bash $(DESTDIR)$(BASHCOMPDIR)/gwc
	install -m 0644 gen/gwc.zsh $(DESTDIR)$(ZSHCOMPDIR)/_gwc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gwc $(DESTDIR)$(DATADIR)/gatewayspec.schema.json \
		$(DESTDIR)$(MANDIR)/man1/gwc.1 $(DESTDIR)$(BASHCOMPDIR)/gwc \
		$(DESTDIR)$(ZSHCOMPDIR)/_gwc
	-rmdir $(DESTDIR)$(DATADIR)

# gwc against kubectl kustomize + jq, a jinja2 loop, cp -r and a program
# that only writes gwc's files (issues 6 and 16); one table;
# tests/bench/run.sh says how it measures and which BENCH_* variables
# shrink or grow the run.
bench: $(GWC) $(BUILD)/tests/inject_time $(BUILD)/tests/walltime \
		$(BUILD)/tests/writeonly
	GWC=$(GWC) INJECT_TIME=$(BUILD)/tests/inject_time \
		WALLTIME=$(BUILD)/tests/walltime \
		WRITEONLY=$(BUILD)/tests/writeonly tests/bench/run.sh

$(BUILD)/tests/walltime: tests/bench/walltime.c | $(BUILD)/tests
	$(CC) $(WARN) -O2 -o $@ $<

# linked as gwc is (GWC_LDFLAGS), so that neither pays for loading that the
# other does not
$(BUILD)/tests/writeonly: tests/bench/writeonly.c | $(BUILD)/tests
	$(CC) $(WARN) -O2 $(GWC_LDFLAGS) -o $@ $<

$(BUILD)/tests/inject_time: tests/bench/inject_time.c $(CORE_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(DEPGEN) -MF $@.d $(LDFLAGS) -o $@ $< \
		$(CORE_OBJS) $(DEPLIBS)

clean:
	rm -rf build

# ==== fuzzing ===============================================================
# tests/fuzz/fuzz_<target>.c are libFuzzer targets (FUZZ_TARGETS above).
#
# `make test` replays each target's committed corpus and kept reproducers
# (tests/fuzz/{corpus,regressions}/<target>/) through tests/fuzz/replay.c,
# built with $(CC) like the unit tests as $(BUILD)/tests/replay_<target>
# (under ASan + UBSan in `make debug test`); tests/suites/fuzz.sh runs them.
#
# `make fuzz` builds the targets with clang-14's libFuzzer, ASan and UBSan
# into build/fuzz/, against libyaml 0.2.5 and libfyaml 0.7.12 built
# instrumented from Debian's source packages by tests/fuzz/build-libs.sh
# into build/fuzz/lib (run when that folder is missing; the system
# libraries, with a warning, when it cannot be built), then fuzzes each
# target for FUZZ_TIME seconds with FUZZ_JOBS workers on a copy of its
# corpus in build/fuzz/corpus/<target>/ (tests/fuzz/run-fuzz.sh; more
# libFuzzer flags in FUZZ_ARGS); reproducers go to
# build/fuzz/crashes/<target>/, and it says so (and fails).
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 2
FUZZ_LIB := build/fuzz/lib
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -std=c11 -Igen -Ibuild/fuzz -Ibuild/fuzz/include -I$(BUILD)
FUZZ_SRCS := $(CORE:%=gen/%.c) $(TMPL:%=gen/tmpl/%.c) $(GO:%=gen/go/%.c) \
	$(INJECT:%=gen/inject/%.c)

# (two sources, so no -MF: the target is relinked when a header changes
# the objects, and rebuilt after `make clean` otherwise)
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/invariant.h $(CORE_OBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(TESTCFLAGS) $(LDFLAGS) -o $@ $< \
		tests/fuzz/replay.c $(CORE_OBJS) $(DEPLIBS) $(TESTLIBS)

build/fuzz/assets.c: $(BUILD)/embed $(SCHEMA) $(TEMPLATE) $(INJECT_DEFAULTS) \
		$(ARGOCD_HEALTH)
	mkdir -p build/fuzz
	$(BUILD)/embed $@ gatewayspec.schema.json=$(SCHEMA) \
		gateway-injection-template.txt=$(TEMPLATE) \
		$(foreach f,$(INJECT_DEFAULTS) $(ARGOCD_HEALTH),$(notdir $(f))=$(f))

$(FUZZ_LIB):
	tests/fuzz/build-libs.sh build/fuzz || echo "fuzz: warning: no" \
		"instrumented libyaml/libfyaml (see build/fuzz/build-libs.log);" \
		"fuzzing against the system libraries"

# Which libraries the binaries link; rewritten only when that changes.
build/fuzz/libs.used: FORCE | $(FUZZ_LIB)
	@mkdir -p build/fuzz; \
	if [ -f $(FUZZ_LIB)/libfyaml.a ] && [ -f $(FUZZ_LIB)/libyaml.a ]; then \
		used=instrumented; else used=system; fi; \
	[ "$$(cat $@ 2>/dev/null)" = "$$used" ] || echo "$$used" >$@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/invariant.h $(FUZZ_SRCS) $(wildcard gen/*.h gen/*/*.h) build/fuzz/assets.c $(BUILD)/schema.c $(BUILD)/schema_defaults.h $(BUILD)/buildid.c build/fuzz/libs.used
	@if [ "$$(cat build/fuzz/libs.used)" = system ]; then \
		echo "fuzz: warning: $@ links the system libyaml and libfyaml" \
			"(no coverage inside them)"; fi
	if [ "$$(cat build/fuzz/libs.used)" = instrumented ]; then \
		libs="$(FUZZ_LIB)/libfyaml.a $(FUZZ_LIB)/libyaml.a -lm"; \
	else libs="$(DEPLIBS) $(TESTLIBS)"; fi; \
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRCS) build/fuzz/assets.c \
		$(BUILD)/schema.c $(BUILD)/buildid.c $$libs

fuzz: $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	tests/fuzz/run-fuzz.sh $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_TARGETS)

.PHONY: FORCE
FORCE:

-include $(wildcard $(BUILD)/*.d $(BUILD)/*/*.d)
