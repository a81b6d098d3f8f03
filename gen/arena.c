/*
 * arena.c - memory: one bump allocator per compilation, and growable buffers.
 *
 * Consumes nothing; produces zeroed blocks that live until gw_arena_free().
 * Out of memory is handled in gw_oom() alone: it runs the hooks that undo
 * what a run has made on disk (gw_oom_hook_add: the writer's staging
 * folders), then ends the process.
 *
 * A test hook: with GWC_TEST_OOM_AFTER=N in the environment, the N-th
 * allocation through gw_arena_new, gw_arena_alloc, gw_grow and gw_malloc
 * (from 1) and every one after it fail as if memory had run out.
 */
#include <pthread.h>
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

#define OOM_HOOKS 4

/* Process-wide by nature: what gw_oom must undo before the process ends.
 * Each slot is set and cleared atomically; a hook of a slot being
 * cleared may still run once, so a hook's owner unregisters it before
 * freeing @arg. */
static struct {
	void (*fn)(void *);
	void *arg;
} oom_hooks[OOM_HOOKS];

int gw_oom_hook_add(void (*fn)(void *), void *arg)
{
	int i;

	for (i = 0; i < OOM_HOOKS; i++) {
		void (*none)(void *) = NULL;

		if (__atomic_compare_exchange_n(&oom_hooks[i].fn, &none, fn,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED)) {
			/* gw_oom runs the hook once its argument is set */
			__atomic_store_n(&oom_hooks[i].arg, arg,
					 __ATOMIC_RELEASE);
			return i;
		}
	}
	return -1;
}

void gw_oom_hook_remove(int slot)
{
	if (slot < 0 || slot >= OOM_HOOKS)
		return;
	__atomic_store_n(&oom_hooks[slot].arg, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&oom_hooks[slot].fn, NULL, __ATOMIC_RELEASE);
}

_Noreturn void gw_oom(void)
{
	static const char msg[] = "gwc: error: out of memory\n";
	static int ending;
	int i;

	/* one thread reports and backs out; any other one waits for it
	 * to end the process */
	if (__atomic_exchange_n(&ending, 1, __ATOMIC_ACQ_REL))
		for (;;)
			pause();
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	for (i = 0; i < OOM_HOOKS; i++) {
		void (*fn)(void *) = __atomic_load_n(&oom_hooks[i].fn,
						     __ATOMIC_ACQUIRE);
		void *arg = __atomic_load_n(&oom_hooks[i].arg,
					    __ATOMIC_ACQUIRE);

		if (fn && arg)
			fn(arg);
	}
	_Exit(GW_EXIT_USAGE);
}

/* The test hook GWC_TEST_OOM_AFTER (see the top of the file). */
static long oom_after;
static pthread_once_t oom_after_once = PTHREAD_ONCE_INIT;

static void read_oom_after(void)
{
	const char *s = getenv("GWC_TEST_OOM_AFTER");

	oom_after = s && *s ? strtol(s, NULL, 10) : 0;
}

/* True when this allocation is to fail (the test hook). */
static bool test_oom(void)
{
	static long count;

	pthread_once(&oom_after_once, read_oom_after);
	return oom_after > 0 &&
	       __atomic_add_fetch(&count, 1, __ATOMIC_RELAXED) >= oom_after;
}

void *gw_malloc(size_t size)
{
	void *p = test_oom() ? NULL : malloc(size ? size : 1);

	if (!p)
		gw_oom();
	return p;
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
	if (n > SIZE_MAX / size || test_oom())
		gw_oom();
	array = realloc(array, n * size);
	if (!array)
		gw_oom();
	*cap = n;
	return array;
}

struct gw_arena *gw_arena_new(void)
{
	struct gw_arena *arena = test_oom() ? NULL :
				 calloc(1, sizeof(*arena));

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

/*
 * @size bytes at a multiple of @align (a power of two) in @arena, zeroed.
 * Strings take byte alignment: 100,000 gateways' names are 100,000 small
 * strings, and rounding each up to sizeof(max_align_t), 32 bytes, cost
 * more than the names themselves.
 */
static void *arena_alloc(struct gw_arena *arena, size_t size, size_t align)
{
	struct chunk *c = arena->head;
	void *p;

	if (test_oom())
		gw_oom();
	if (!size)
		size = 1;
	if (c)
		c->used = (c->used + align - 1) & ~(align - 1);
	if (!c || c->used > c->size || c->size - c->used < size) {
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

void *gw_arena_alloc(struct gw_arena *arena, size_t size)
{
	return arena_alloc(arena, size, _Alignof(max_align_t));
}

char *gw_arena_strndup(struct gw_arena *arena, const char *s, size_t len)
{
	char *p = arena_alloc(arena, len + 1, 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *gw_arena_strdup(struct gw_arena *arena, const char *s)
{
	return gw_arena_strndup(arena, s, strlen(s));
}

static size_t hash_string(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

const char *gw_strset_intern(struct gw_strset *set, struct gw_arena *arena,
			     const char *s)
{
	size_t i, k;

	if (!s)
		return NULL;
	if (2 * (set->n + 1) > set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 64;
		const char **v = calloc(cap, sizeof(*v));

		if (!v)
			gw_oom();
		for (k = 0; k < set->cap; k++)
			if (set->slots[k]) {
				for (i = hash_string(set->slots[k]) & (cap - 1);
				     v[i]; i = (i + 1) & (cap - 1))
					;
				v[i] = set->slots[k];
			}
		free(set->slots);
		set->slots = v;
		set->cap = cap;
	}
	for (i = hash_string(s) & (set->cap - 1); set->slots[i];
	     i = (i + 1) & (set->cap - 1))
		if (!strcmp(set->slots[i], s))
			return set->slots[i];
	set->n++;
	return set->slots[i] = gw_arena_strdup(arena, s);
}

void gw_strset_release(struct gw_strset *set)
{
	free(set->slots);
	memset(set, 0, sizeof(*set));
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
	p = arena_alloc(arena, (size_t)n + 1, 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

