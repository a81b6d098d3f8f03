/*
 * fuzz_compile.c - libFuzzer target: the whole in-memory pipeline (gate,
 * parse, validate, model, check, render, emit) on one spec, no filesystem.
 *
 * Invariants: gwc returns 0, 1 or 2; an accepted spec renders the same
 * files twice; every YAML file it renders parses with libyaml (the reader
 * that the emitter, libfyaml, does not share code with); nothing leaks
 * (LeakSanitizer checks at exit of each run under libFuzzer).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "gwc.h"

static FILE *sink;

static int compile(const uint8_t *data, size_t size, struct gw_fileset *set)
{
	struct gw_input in = { "fuzz.yaml", (const char *)data, size };
	struct gw_options opt = {
		.buffers = &in, .nbuffers = 1, .no_file_reads = true,
		.diag_stream = sink, .result = set,
	};

	return gw_compile(&opt);
}

static bool parses(const char *data, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool ok = true, done = false;

	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (ok && !done) {
		ok = yaml_parser_parse(&parser, &ev);
		if (ok) {
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
		}
	}
	yaml_parser_delete(&parser);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gw_fileset a = { 0 }, b = { 0 };
	int status, again;
	size_t i;

	if (!sink && !(sink = fopen("/dev/null", "w")))
		abort();
	status = compile(data, size, &a);
	if (status < 0 || status > 2)
		__builtin_trap();
	if (status == 0) {
		again = compile(data, size, &b);
		if (again != 0 || a.n != b.n)
			__builtin_trap();
		for (i = 0; i < a.n; i++) {
			const struct gw_file *f = &a.files[i];

			if (strcmp(f->path, b.files[i].path) ||
			    f->len != b.files[i].len ||
			    memcmp(f->data, b.files[i].data, f->len))
				__builtin_trap();
			if (strlen(f->path) > 5 &&
			    !strcmp(f->path + strlen(f->path) - 5, ".yaml") &&
			    !parses(f->data, f->len))
				__builtin_trap();
			if (strstr(f->path, ".json") && !parses(f->data, f->len))
				__builtin_trap();	/* JSON is YAML */
		}
	}
	gw_fileset_release(&a);
	gw_fileset_release(&b);
	return 0;
}
