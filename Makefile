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

UNIT := $(sort $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)))
UNIT_BINS := $(UNIT:%=$(BUILD)/tests/%)

.PHONY: all debug test unit examples install uninstall clean
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

test: $(GWC) $(UNIT_BINS)
	GWC=$(GWC) UNIT_DIR=$(BUILD)/tests tests/run.sh

install: $(GWC)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 0755 $(GWC) $(DESTDIR)$(BINDIR)/gwc
	install -m 0644 $(SCHEMA) $(DESTDIR)$(DATADIR)/gatewayspec.schema.json

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gwc $(DESTDIR)$(DATADIR)/gatewayspec.schema.json
	-rmdir $(DESTDIR)$(DATADIR)

clean:
	rm -rf build
