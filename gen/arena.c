/*
 * arena.c - memory: one bump allocator per compilation, and growable buffers.
 *
 * Consumes nothing; produces zeroed blocks that live until gw_arena_free().
 * Out of memory is handled in gw_oom() alone.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gwc.h"

#define CHUNK_MIN (64u * 1024)

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct gw_arena {
	struct chunk *head;
};

_Noreturn void gw_oom(void)
{
	static const char msg[] = "gwc: error: out of memory\n";

	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_Exit(GW_EXIT_USAGE);
}

void *gw_grow(void *array, size_t need, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return array;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			gw_oom();
		n *= 2;
	}
	if (n > SIZE_MAX / size)
		gw_oom();
	array = realloc(array, n * size);
	if (!array)
		gw_oom();
	*cap = n;
	return array;
}

struct gw_arena *gw_arena_new(void)
{
	struct gw_arena *arena = calloc(1, sizeof(*arena));

	if (!arena)
		gw_oom();
	return arena;
}

void gw_arena_free(struct gw_arena *arena)
{
	struct chunk *c, *next;

	if (!arena)
		return;
	for (c = arena->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(arena);
}

void *gw_arena_alloc(struct gw_arena *arena, size_t size)
{
	const size_t align = sizeof(max_align_t);
	struct chunk *c = arena->head;
	void *p;

	size = (size + align - 1) / align * align;
	if (!size)
		size = align;
	if (!c || c->size - c->used < size) {
		size_t want = size > CHUNK_MIN ? size : CHUNK_MIN;

		c = malloc(sizeof(*c) + want);
		if (!c)
			gw_oom();
		c->size = want;
		c->used = 0;
		c->next = arena->head;
		arena->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *gw_arena_strndup(struct gw_arena *arena, const char *s, size_t len)
{
	char *p = gw_arena_alloc(arena, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *gw_arena_strdup(struct gw_arena *arena, const char *s)
{
	return gw_arena_strndup(arena, s, strlen(s));
}

void *gw_arena_grow(struct gw_arena *arena, void *items, size_t n,
		    size_t *cap, size_t size)
{
	void *bigger;

	if (n < *cap)
		return items;
	if (*cap > SIZE_MAX / 2 / size)
		gw_oom();
	*cap = *cap ? *cap * 2 : 4;
	bigger = gw_arena_alloc(arena, *cap * size);
	if (n)
		memcpy(bigger, items, n * size);
	return bigger;
}

char *gw_arena_printf(struct gw_arena *arena, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		gw_oom();
	p = gw_arena_alloc(arena, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

