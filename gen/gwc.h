/*
 * gwc.h - the core API of gwc, the offline Istio gateway compiler.
 *
 * One section per file under gen/: first the shared parts, each using
 * only those above it (arena, buf, utf8, diag, tree), then the pipeline in
 * order:
 *
 *   load      spec bytes      -> YAML tree with line:col marks (libyaml events)
 *   validate  tree + schema   -> diagnostics (embedded JSON Schema subset)
 *   model     tree            -> typed, defaulted struct gw_gateway
 *   controlplane Istio resource -> the model follows the control plane
 *   check     gateway models  -> diagnostics the schema cannot express
 *   across    gateway summaries -> diagnostics that span specs
 *   template  injection text  -> legacy-kernel injection template
 *   patch     objects + spec.patches -> the objects as kustomize's
 *                                patches would leave them (render's
 *                                last step before emit)
 *   render    models          -> one tree per Kubernetes object, patch
 *   emit      trees           -> YAML (as libyaml 0.2.5 writes it) and JSON
 *   write     file set        -> output folder, atomically
 *   podsecurity a pod          -> the Pod Security Standards it breaks
 *   preview   gateway + files -> the injected Deployment (gen/inject.h),
 *                                admitted by its namespace's Pod Security
 *   compile   all of the above, for main.c
 *
 * Go's output formats are gen/go.h, the template engine gen/tmpl.h, and
 * istiod's injection gen/inject.h.
 *
 * Ownership: every tree, string and model of one compilation lives in one
 * struct gw_arena and is freed with it.  Functions that can fail return 0 on
 * success and -1 when they have failed and already reported why.
 */
#ifndef GWC_H
#define GWC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define GWC_VERSION "0.1.0"
#define GW_API_VERSION "gwc.dev/v1alpha1"
#define GW_KIND "GatewaySpec"

/* Exit status of the gwc command. */
enum gw_exit {
	GW_EXIT_OK = 0,
	GW_EXIT_SPEC = 1,	/* the spec had errors */
	GW_EXIT_USAGE = 2,	/* usage, I/O or internal error */
};

/* ---- arena.c: one allocator per compilation ---------------------------- */

struct gw_arena;

struct gw_arena *gw_arena_new(void);
void gw_arena_free(struct gw_arena *arena);
void *gw_arena_alloc(struct gw_arena *arena, size_t size);	/* zeroed */
char *gw_arena_strndup(struct gw_arena *arena, const char *s, size_t len);
char *gw_arena_strdup(struct gw_arena *arena, const char *s);
char *gw_arena_printf(struct gw_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Strings kept once each: gw_strset_intern() gives @s's copy in @arena,
 * made the first time (NULL for NULL); the set's table is malloc'ed,
 * freed by gw_strset_release() (the strings stay in the arena). */
struct gw_strset {
	const char **slots;	/* open addressing */
	size_t n, cap;
};
const char *gw_strset_intern(struct gw_strset *set, struct gw_arena *arena,
			     const char *s);
void gw_strset_release(struct gw_strset *set);
/* Room for one more item in @items (@n of @size bytes held, *@cap room):
 * the array itself, or a copy in @arena with the capacity doubled (from
 * 4); the old one stays in the arena until it is freed. */
void *gw_arena_grow(struct gw_arena *arena, void *items, size_t n,
		    size_t *cap, size_t size);
/* Reports "out of memory", runs the hooks registered with
 * gw_oom_hook_add (in no order), and ends the process with
 * GW_EXIT_USAGE.  Environment GWC_TEST_OOM_AFTER=N (a test hook) makes
 * the N-th allocation of gw_arena_new/alloc, gw_grow and gw_malloc
 * fail. */
_Noreturn void gw_oom(void);
/* Registers @fn(@arg) to run in gw_oom before the process ends: it
 * must allocate nothing (it may run with any lock held by the thread
 * that ran out).  Returns a slot for gw_oom_hook_remove, or -1 when the
 * few slots are taken. */
int gw_oom_hook_add(void (*fn)(void *), void *arg);
void gw_oom_hook_remove(int slot);
/* malloc(@size), or gw_oom. */
void *gw_malloc(size_t size);
/* Grows the malloc'ed @array of @size-byte items so that it holds at least
 * @need of them: its capacity *@cap doubles from 16.  Returns the array
 * (moved, maybe); out of memory ends the process (gw_oom). */
void *gw_grow(void *array, size_t need, size_t *cap, size_t size);

/* ---- buf.c: a growable byte buffer ------------------------------------- */

/* Its memory is malloc'ed and owned by the buffer; data is NUL-terminated
 * after len bytes once anything was added. */
struct gw_buf {
	char *data;
	size_t len, cap;
};

void gw_buf_add(struct gw_buf *buf, const void *data, size_t len);
void gw_buf_puts(struct gw_buf *buf, const char *s);
void gw_buf_printf(struct gw_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gw_buf_release(struct gw_buf *buf);

/* ---- utf8.c: UTF-8 ------------------------------------------------------ */

/* Decodes the UTF-8 character at @s (@left bytes) into *@cp: its length,
 * or 0 for an invalid or truncated sequence (overlong, surrogate, beyond
 * U+10FFFF included). */
size_t gw_utf8_decode(const unsigned char *s, size_t left, uint32_t *cp);
/* Appends @cp (at most U+10FFFF) to @buf as UTF-8. */
void gw_utf8_put(struct gw_buf *buf, uint32_t cp);

/* ---- diag.c: gcc-style diagnostics ------------------------------------- */

/* A position in an input file, 1-based; line 0 means "the whole file". */
struct gw_mark {
	const char *file;
	int line, col;
};

/* GW_SEV_INTERNAL is an error that is gwc's fault, not the input's. */
enum gw_severity { GW_SEV_ERROR, GW_SEV_WARNING, GW_SEV_NOTE,
		   GW_SEV_INTERNAL };

struct gw_diag_entry {
	struct gw_mark mark;
	enum gw_severity severity;
	const char *msg;
	unsigned seq;		/* arrival order, for a stable sort */
	unsigned phase;		/* gw_diag_phase() calls before it */
	unsigned file;		/* rank of mark.file: order of first mention */
};

/*
 * Collects diagnostics: the only way library code reports anything.
 * gw_diag_print() sorts them by phase, file, line, column.  Messages live
 * in @arena; the entry list is malloc'ed, freed by gw_diag_release().  One
 * thread at a time: concurrent jobs fill one each and merge them.
 */
struct gw_diag {
	struct gw_arena *arena;
	struct gw_diag_entry *entries;
	size_t n, cap;
	unsigned errors, warnings;
	unsigned phase;
	size_t files, files_cap;	/* distinct files seen, for order */
	const char **file_order;
	size_t *file_slots;	/* file_order by hash: index + 1 */
	size_t nslots;
	struct gw_strset msgs;	/* each distinct message once */
};

void gw_diag_init(struct gw_diag *diag, struct gw_arena *arena);
/* Frees the entry list (the messages stay in the arena); the counts stay. */
void gw_diag_release(struct gw_diag *diag);
/* Messages added from now on print after every earlier one, whatever
 * their position (a run's output errors after its specs' messages). */
void gw_diag_phase(struct gw_diag *diag);
/* Appends every entry of @from to @into (strings copied into @into's
 * arena), in @from's order, as if added now, @from's phases after
 * @into's current one. */
void gw_diag_merge(struct gw_diag *into, const struct gw_diag *from);
void gw_diag_add(struct gw_diag *diag, enum gw_severity sev,
		 struct gw_mark mark, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A message (and mark.file) that lives as long as @diag's arena at least,
 * added as it is, not copied: 100,000 specs that give one note share it. */
void gw_diag_add_kept(struct gw_diag *diag, enum gw_severity sev,
		      struct gw_mark mark, const char *msg);
void gw_diag_vadd(struct gw_diag *diag, enum gw_severity sev,
		  struct gw_mark mark, const char *fmt, va_list ap);
/* Writes every diagnostic to @fp, in input order (sorting the list; it
 * keeps its entries); returns -1 on I/O error. */
int gw_diag_print(struct gw_diag *diag, void *fp);
/* Appends @s to @buf as a YAML double-quoted literal, for messages
 * (\x00 rather than \0, \u0085 rather than \N, astral characters as
 * they are); C1 controls, U+2028/U+2029, format characters (category
 * Cf: zero-width, bidi controls) and U+FFFE/U+FFFF escaped as \uXXXX,
 * so that no two names that differ look alike. */
void gw_diag_quote(struct gw_buf *buf, const char *s, size_t len);
/* A user string fit for a message, in @arena: 'text' when every character
 * is printable and no quote, else a YAML double-quoted literal
 * (gw_diag_quote: any character it escapes makes it one). */
const char *gw_diag_show(struct gw_arena *arena, const char *s, size_t len);

/* ---- tree.c: the YAML/JSON data tree ----------------------------------- */

enum gw_kind {
	GW_NULL, GW_BOOL, GW_INT, GW_NUM, GW_STR, GW_SEQ, GW_MAP,
};

struct gw_pair;

struct gw_node {
	enum gw_kind kind;
	/* a GW_STR mapping value or sequence item that gw_emit_yaml() writes
	 * as a literal block ("|") where libyaml would (text such as a
	 * script); set by the renderer, never by the loader */
	bool literal;
	int block_col;		/* a literal block scalar ('|'): the column
				 * of its text's first line in the file
				 * (0: another style, or not known) */
	struct gw_mark mark;
	const char *src;	/* a plain scalar's text as written, or NULL */
	union {
		bool b;
		long long i;
		double num;
		struct { const char *s; size_t len; } str;
		struct { struct gw_node **items; size_t n, cap; } seq;
		struct { struct gw_pair *pairs; size_t n, cap; } map;
	} u;
};

struct gw_pair {
	struct gw_node *key;	/* always GW_STR */
	struct gw_node *value;
};

const char *gw_kind_name(enum gw_kind kind);
struct gw_node *gw_node_new(struct gw_arena *arena, enum gw_kind kind);
struct gw_node *gw_node_str(struct gw_arena *arena, const char *s);
struct gw_node *gw_node_int(struct gw_arena *arena, long long i);
struct gw_node *gw_node_bool(struct gw_arena *arena, bool b);
struct gw_node *gw_node_map(struct gw_arena *arena);
struct gw_node *gw_node_seq(struct gw_arena *arena);
void gw_seq_push(struct gw_arena *arena, struct gw_node *seq,
		 struct gw_node *item);
/* Appends @key: @value; returns @value. */
struct gw_node *gw_map_put(struct gw_arena *arena, struct gw_node *map,
			   const char *key, struct gw_node *value);
struct gw_pair *gw_map_pair(const struct gw_node *map, const char *key);
struct gw_node *gw_map_get(const struct gw_node *map, const char *key);
/* The node at the dotted @path ("spec.deployment.image") under @doc, or
 * NULL (a key of any length; no list indexes). */
const struct gw_node *gw_node_at(const struct gw_node *doc, const char *path);
/*
 * An index of nodes (a mapping's keys, a list's merge keys) by value, so
 * that a lookup takes the same time however many there are: a hash table,
 * its slots malloc'ed, the nodes borrowed (they must outlive it).  Equal
 * is gw_node_equal().  Zero-initialised, it is empty.
 */
struct gw_index {
	struct gw_index_slot {
		const struct gw_node *key;	/* NULL: empty */
		size_t value;
		uint64_t hash;
	} *slots;
	size_t n, cap;
};

/* Finds @key: true and *@value (if not NULL) when it is there. */
bool gw_index_find(const struct gw_index *ix, const struct gw_node *key,
		   size_t *value);
/* Adds @key with @value unless an equal key is there (that one is kept);
 * returns false when it was there. */
bool gw_index_add(struct gw_index *ix, const struct gw_node *key,
		  size_t value);
void gw_index_release(struct gw_index *ix);
/* Indexes the keys of @map (a mapping) by their pair's position, the
 * first of equal keys. */
void gw_index_map(struct gw_index *ix, const struct gw_node *map);
/* Sets @key to @value in @map, which @ix indexes (gw_index_map): replaces
 * the value of an equal key, or appends the pair and indexes it. */
void gw_index_put(struct gw_arena *arena, struct gw_index *ix,
		  struct gw_node *map, struct gw_node *key,
		  struct gw_node *value);
/* Sorts a mapping's pairs by key, bytewise. */
void gw_map_sort(struct gw_node *map);
/* JSON equality: numbers by value, maps by key whatever their order (by
 * an index past 8 keys: linear in their sizes). */
bool gw_node_equal(const struct gw_node *a, const struct gw_node *b);
/* True when every pair of the mapping @sub is in the mapping @map with an
 * equal value (gw_node_equal), in time linear in their sizes: a
 * selector's labels in an object's, or, of as many keys, map equality. */
bool gw_map_within(const struct gw_node *sub, const struct gw_node *map);
struct gw_node *gw_node_copy(struct gw_arena *arena, const struct gw_node *n);
/* The same, strings and mark file names copied too: independent of the
 * arena @n lives in. */
struct gw_node *gw_node_copy_deep(struct gw_arena *arena,
				  const struct gw_node *n);
/* Lays the map @patch over the map @target, as a JSON merge patch
 * (RFC 7386) and Helm's coalescing of values do: maps merged key by key,
 * a null removing the key, anything else replacing it (copied). */
void gw_node_merge(struct gw_arena *arena, struct gw_node *target,
		   const struct gw_node *patch);
/* Writes @num in the shortest form that reads back exactly ("0.1",
 * "1e-07", "3"), as jq prints numbers; @buf holds GW_NUMBER_SIZE bytes
 * (a sign, up to 32 digits written out before jq switches to an
 * exponent, and the NUL). */
#define GW_NUMBER_SIZE 40
void gw_format_number(char *buf, double num);
/* Appends a key to a JSON path: ".key", or "[\"odd key\"]". */
void gw_path_key(struct gw_buf *path, const char *key, size_t len);

/* ---- load.c: spec bytes -> trees --------------------------------------- */

#define GW_INPUT_MAX (1u << 30)	/* bytes of stdin (a spec file: any) */
#define GW_FILE_MAX (4u << 20)	/* bytes of a file a spec names */
#define GW_DOC_MAX (4u << 20)	/* bytes of one YAML document */
#define GW_DEPTH_MAX 64		/* nesting of collections */

/*
 * Reads @path (a regular file) and parses every YAML document in it into
 * @docs (an array of trees allocated in @arena, *@ndocs of them).  Checks
 * encoding and rejects anchors, aliases, tags, directives, non-string keys
 * and duplicate keys, reporting each at its line:col.  Plain scalars are
 * typed by the JSON rules: true/false, null/~/empty, canonical integers and
 * JSON numbers; everything else, and every quoted scalar, is a string.
 * An integer beyond 64 bits, or a number a 64-bit float cannot hold (it
 * would read as infinity, or, not being zero, as 0), is an error.
 */
int gw_load_file(struct gw_arena *arena, struct gw_diag *diag,
		 const char *path, struct gw_node ***docs, size_t *ndocs);
/* The same for bytes already in memory, named @name in diagnostics. */
int gw_load_bytes(struct gw_arena *arena, struct gw_diag *diag,
		  const char *name, const char *data, size_t len,
		  struct gw_node ***docs, size_t *ndocs);
/* The same for YAML gwc wrote itself (a Deployment it reads back to
 * inject): a spec's value sits deeper in an object than in the spec, so
 * nesting may exceed GW_DEPTH_MAX by the levels gwc adds around it, and a
 * float written as jq writes it (1.1e23 as 111...0000000) reads back as a
 * float, not as an integer out of range. */
#define GW_DEPTH_OUTPUT (GW_DEPTH_MAX + 16)
int gw_load_output(struct gw_arena *arena, struct gw_diag *diag,
		   const char *name, const char *data, size_t len,
		   struct gw_node ***docs, size_t *ndocs);
/*
 * The documents of a stream one at a time, so that a file of many specs
 * holds one tree in memory at once: open (the gate is checked; a failure
 * is reported and makes next return -1), then next: 1 and *@doc (in
 * @arena; *@offset, if given, is its first byte), 0 after the last, -1
 * after an error (reported; the stream ends).  Each document is bounded
 * by GW_DOC_MAX bytes.
 */
struct gw_docs;
/*
 * A spec file larger than this is read as it is parsed, never whole:
 * gw_load_scan() gives its digest and gates it (0; 1 after a character
 * the gate refuses, -1 after an I/O error; reported), then gw_docs_stream()
 * its documents, as gw_docs_open() does for bytes in memory; the stream
 * fails at its end, setting *@changed, when its bytes are not those
 * scanned (the file changed while gwc read it).
 */
#define GW_STREAM_MIN (16u << 20)
int gw_load_scan(struct gw_diag *diag, const char *path,
		 unsigned char digest[32]);
struct gw_docs *gw_docs_stream(struct gw_diag *diag, const char *path,
			       const unsigned char digest[32], bool *changed);
struct gw_docs *gw_docs_open(struct gw_diag *diag, const char *name,
			     const char *data, size_t len);
int gw_docs_next(struct gw_docs *r, struct gw_arena *arena,
		 struct gw_node **doc, size_t *offset);
void gw_docs_close(struct gw_docs *r);
/* Checks @data against the input gate only (encoding, characters). */
int gw_load_gate(struct gw_diag *diag, const char *name, const char *data,
		 size_t len);
/* Reads a whole regular file into @arena (NUL-terminated; with @arena
 * NULL, into a malloc'ed buffer the caller frees). */
int gw_load_read(struct gw_arena *arena, struct gw_diag *diag,
		 const char *path, char **data, size_t *len);
/* gw_load_read into a malloc'ed buffer, but a regular file larger than
 * @whole_max bytes is not read: 1, no message (the caller streams it;
 * the one open tells both, no stat before).  *@st: the file's stat
 * before it was read (0 or 1). */
int gw_load_read_upto(struct gw_diag *diag, const char *path,
		      uintmax_t whole_max, char **data, size_t *len,
		      struct stat *st);
/* The same for a file that a spec key names: failures are reported at
 * @at, prefixed with "@what: PATH: " (the key's JSON path). */
int gw_load_read_for(struct gw_arena *arena, struct gw_diag *diag,
		     const char *path, struct gw_mark at, const char *what,
		     char **data, size_t *len);

/* ---- validate.c: the JSON Schema subset -------------------------------- */

/*
 * Validates @doc against @schema (a tree of a JSON Schema document) and
 * reports every violation, with the JSON path of the offending value
 * (e.g. "spec.service.ports[2].port").  Returns the number of errors.
 */
unsigned gw_validate(struct gw_diag *diag, const struct gw_node *schema,
		     const struct gw_node *doc);
/* The same, reporting nothing: true when @doc is valid. */
bool gw_validate_quiet(const struct gw_node *schema, const struct gw_node *doc);
/* Frees the calling thread's compiled schema patterns. */
void gw_validate_release(void);

/* ---- asset.c: files embedded at build time ----------------------------- */

struct gw_asset {
	const char *name;
	const char *data;
	size_t len;
};

const struct gw_asset *gw_asset_get(const char *name);
/* The embedded spec schema, parsed once into @arena. */
const struct gw_node *gw_schema_tree(struct gw_arena *arena);

/* ---- quantity.c: Kubernetes resource quantities ------------------------ */

/* True when @s is a well-formed quantity ("100m", "1Gi", "1.5", "2e3"). */
bool gw_quantity_valid(const char *s);
/* Compares two well-formed quantities exactly: <0, 0 or >0. */
int gw_quantity_cmp(const char *a, const char *b);
/* The value in thousandths, rounded up as Kubernetes' MilliValue();
 * -1 when malformed or beyond 64 bits. */
int gw_quantity_milli(const char *s, long long *milli);
/* Kubernetes' canonical form (Quantity.String()): "2000m" -> "2",
 * "1024Mi" -> "1Gi", "1.5" -> "1500m"; NULL when malformed. */
char *gw_quantity_canonical(struct gw_arena *arena, const char *s);

/* ---- kernel.c: Linux kernel versions ----------------------------------- */

struct gw_kernel {
	int major, minor, patch;
};

/* Parses the start of `uname -r` ("3.10.0-1160.el7.x86_64"); -1 if not one. */
int gw_kernel_parse(const char *s, struct gw_kernel *k);
int gw_kernel_cmp(const struct gw_kernel *a, const struct gw_kernel *b);
/* True when @k is older than 4.11 (no net.ipv4.ip_unprivileged_port_start). */
bool gw_kernel_is_legacy(const struct gw_kernel *k);

/* ---- model.c: the typed, defaulted gateway ----------------------------- */

enum gw_direction { GW_INGRESS, GW_EGRESS };

struct gw_port {
	const char *name;
	long port, target_port, node_port;	/* node_port 0: unset */
	const char *protocol;
	bool target_given;			/* targetPort in the spec */
	bool target_moved;			/* legacy kernel: port + 8000 */
	struct gw_mark mark;			/* of the port entry */
	struct gw_mark port_mark, name_mark, node_port_mark, target_mark;
};

/* spec.nodes.privilegedPorts: how a target port below 1024 binds on a
 * legacy kernel. */
enum gw_privileged {
	GW_PRIVILEGED_NONE,	/* it does not: an error */
	GW_PRIVILEGED_ROOT,	/* the proxy runs as root */
	GW_PRIVILEGED_NET_BIND,	/* NET_BIND_SERVICE only (Scenario 2) */
};

/* spec.controlPlane.legacyTemplate */
enum gw_legacy_template { GW_LEGACY_OVERLAY, GW_LEGACY_REPLACE };

struct gw_server {
	long port;
	const char *name;	/* the Gateway's port name: the Service port's
				 * unless the spec names it */
	const char *protocol;
	bool name_given;
	const struct gw_node *node;		/* the spec's server entry */
	struct gw_node *tls;			/* GW_MAP or NULL */
	struct gw_mark mark, port_mark, name_mark;
};

struct gw_route {
	const char *name;
	struct gw_node *node;			/* the spec's route entry */
	struct gw_mark mark, name_mark;
};

/*
 * Pass-through keys: spec keys that become a field of a Kubernetes object
 * as the spec writes them (or, where the spec leaves them out, as their
 * default).  X(id, JSON path, object, field, how), grouped by object in
 * the order of the fields there; the one list of them.  gw_model_build()
 * puts the value of each key outside a list in gw->pass[GW_PASS_<id>]
 * (NULL: absent, no default); render.c writes them all from here, those of
 * a "[]" path from each entry of the list.
 */
#define GW_PASSTHROUGH(X) \
	X(STRATEGY, "spec.deployment.strategy", DEPLOYMENT, "strategy", COPY) \
	X(MIN_READY_SECONDS, "spec.deployment.minReadySeconds", DEPLOYMENT, \
	  "minReadySeconds", COPY) \
	X(IMAGE, "spec.deployment.image", CONTAINER, "image", COPY) \
	X(IMAGE_PULL_POLICY, "spec.deployment.imagePullPolicy", CONTAINER, \
	  "imagePullPolicy", COPY) \
	X(ENV, "spec.deployment.env", CONTAINER, "env", COPY) \
	X(SECURITY_CONTEXT, "spec.deployment.securityContext", CONTAINER, \
	  "securityContext", COPY) \
	X(READINESS_PROBE, "spec.deployment.readinessProbe", CONTAINER, \
	  "readinessProbe", COPY) \
	X(LIFECYCLE, "spec.deployment.lifecycle", CONTAINER, "lifecycle", COPY) \
	X(VOLUME_MOUNTS, "spec.deployment.volumeMounts", CONTAINER, \
	  "volumeMounts", COPY) \
	X(PRIORITY_CLASS_NAME, "spec.deployment.priorityClassName", POD, \
	  "priorityClassName", COPY) \
	X(TERMINATION_GRACE_PERIOD_SECONDS, \
	  "spec.deployment.terminationGracePeriodSeconds", POD, \
	  "terminationGracePeriodSeconds", COPY) \
	X(NODE_SELECTOR, "spec.deployment.nodeSelector", POD, "nodeSelector", \
	  SORTED) \
	X(TOLERATIONS, "spec.deployment.tolerations", POD, "tolerations", COPY) \
	X(AFFINITY, "spec.deployment.affinity", POD, "affinity", COPY) \
	X(TOPOLOGY_SPREAD_CONSTRAINTS, \
	  "spec.deployment.topologySpreadConstraints", POD, \
	  "topologySpreadConstraints", COPY) \
	X(IMAGE_PULL_SECRETS, "spec.deployment.imagePullSecrets", POD, \
	  "imagePullSecrets", NAMES) \
	X(VOLUMES, "spec.deployment.volumes", POD, "volumes", COPY) \
	X(INIT_CONTAINERS, "spec.deployment.initContainers", POD, \
	  "initContainers", COPY) \
	X(CONTAINERS, "spec.deployment.containers", POD, "containers", \
	  APPEND) \
	X(DNS_POLICY, "spec.deployment.dnsPolicy", POD, "dnsPolicy", COPY) \
	X(DNS_CONFIG, "spec.deployment.dnsConfig", POD, "dnsConfig", COPY) \
	X(CLUSTER_IP, "spec.service.clusterIP", SERVICE, "clusterIP", COPY) \
	X(HEALTH_CHECK_NODE_PORT, "spec.service.healthCheckNodePort", SERVICE, \
	  "healthCheckNodePort", COPY) \
	X(LOAD_BALANCER_IP, "spec.service.loadBalancerIP", SERVICE, \
	  "loadBalancerIP", COPY) \
	X(LOAD_BALANCER_SOURCE_RANGES, "spec.service.loadBalancerSourceRanges", \
	  SERVICE, "loadBalancerSourceRanges", COPY) \
	X(EXTERNAL_TRAFFIC_POLICY, "spec.service.externalTrafficPolicy", \
	  SERVICE, "externalTrafficPolicy", COPY) \
	X(EXTERNAL_IPS, "spec.service.externalIPs", SERVICE, "externalIPs", \
	  COPY) \
	X(IP_FAMILIES, "spec.service.ipFamilies", SERVICE, "ipFamilies", COPY) \
	X(IP_FAMILY_POLICY, "spec.service.ipFamilyPolicy", SERVICE, \
	  "ipFamilyPolicy", COPY) \
	X(ALLOCATE_LOAD_BALANCER_NODE_PORTS, \
	  "spec.service.allocateLoadBalancerNodePorts", SERVICE, \
	  "allocateLoadBalancerNodePorts", COPY) \
	X(LOAD_BALANCER_CLASS, "spec.service.loadBalancerClass", SERVICE, \
	  "loadBalancerClass", COPY) \
	X(BEHAVIOR, "spec.autoscaling.behavior", HPA, "behavior", COPY) \
	X(MIN_AVAILABLE, "spec.podDisruptionBudget.minAvailable", PDB, \
	  "minAvailable", COPY) \
	X(MAX_UNAVAILABLE, "spec.podDisruptionBudget.maxUnavailable", PDB, \
	  "maxUnavailable", COPY) \
	X(UNHEALTHY_POD_EVICTION_POLICY, \
	  "spec.podDisruptionBudget.unhealthyPodEvictionPolicy", PDB, \
	  "unhealthyPodEvictionPolicy", COPY) \
	X(SERVER_HOSTS, "spec.servers[].hosts", SERVER, "hosts", COPY) \
	X(SERVER_TLS, "spec.servers[].tls", SERVER, "tls", COPY) \
	X(ROUTE_HOSTS, "spec.routes[].hosts", VIRTUAL_SERVICE, "hosts", COPY) \
	X(ROUTE_HTTP, "spec.routes[].http", VIRTUAL_SERVICE, "http", COPY)

enum gw_pass {
#define GW_PASS_ENUM(id, path, object, field, how) GW_PASS_##id,
	GW_PASSTHROUGH(GW_PASS_ENUM)
#undef GW_PASS_ENUM
	GW_PASS_N
};

/* Where a pass-through key goes: the object (its part the field is in). */
enum gw_pass_object {
	GW_PASS_TO_DEPLOYMENT,		/* the Deployment's spec */
	GW_PASS_TO_CONTAINER,		/* the Deployment's istio-proxy */
	GW_PASS_TO_POD,			/* the Deployment's pod spec */
	GW_PASS_TO_SERVICE,		/* the Service's spec */
	GW_PASS_TO_HPA,			/* the HorizontalPodAutoscaler's spec */
	GW_PASS_TO_PDB,			/* the PodDisruptionBudget's spec */
	GW_PASS_TO_SERVER,		/* a server of the Istio Gateway */
	GW_PASS_TO_VIRTUAL_SERVICE,	/* a VirtualService's spec */
};

/* How it is written there. */
enum gw_pass_how {
	GW_PASS_COPY,		/* as it is */
	GW_PASS_SORTED,		/* a map sorted by key, left out when empty */
	GW_PASS_NAMES,		/* a list of names as a list of {name: NAME} */
	GW_PASS_APPEND,		/* a list's items after those gwc put there */
};

struct gw_pass_key {
	const char *path;	/* "spec.deployment.env" */
	enum gw_pass_object object;
	const char *field;
	enum gw_pass_how how;
};

extern const struct gw_pass_key gw_pass_keys[GW_PASS_N];

/* A quantity as written in the spec, with its position; s NULL when absent.
 * given: written in the spec (else the seed's default or absent). */
struct gw_qty {
	const char *s;
	struct gw_mark mark;
	bool given;
};

struct gw_istio;

/* The two Deployments of a gateway during a canary upgrade. */
enum gw_track_id { GW_TRACK_MAIN, GW_TRACK_CANARY };

/* The pods of one track: replicas -1 leaves the Deployment's out (an
 * autoscaler sets it, or Kubernetes' default of 1); hpa_min 0: no
 * autoscaler for this track (a track without a share has replicas 0). */
struct gw_track {
	long replicas;
	long hpa_min, hpa_max;
};

struct gw_gateway {
	const char *file;			/* the spec file */
	struct gw_node *doc;			/* the spec's tree */
	struct gw_mark mark;			/* of the document */
	const char *name, *ns;
	struct gw_mark name_mark, ns_mark;
	struct gw_node *labels, *annotations;	/* GW_MAP or NULL */
	enum gw_direction direction;

	/* spec.controlPlane */
	const char *istio, *cp_namespace;
	const char *revision;			/* NULL: sidecar.istio.io/inject */
	const char *template_path;		/* resolved; NULL: built-in */
	struct gw_mark template_mark, cp_ns_mark;
	struct gw_mark istio_mark, revision_mark;
	bool istio_given, cp_ns_given, revision_given;
	/* istioResource, revisionTag: resolved paths, NULL: none */
	const char *istio_path, *tag_path;
	struct gw_mark istio_path_mark, tag_path_mark;
	const struct gw_istio *control;		/* the Istio read, or NULL */
	struct gw_mark template_demand_mark;	/* why it needs a template */
	bool pin_template;
	/* spec.injectionPreview: resolved paths, NULL: built-in */
	bool inject_preview;
	const char *inject_values, *inject_mesh;
	struct gw_mark inject_mark, inject_values_mark, inject_mesh_mark;

	/* spec.nodes */
	const char *kernel_version;
	struct gw_mark kernel_mark;
	bool legacy_kernel;
	enum gw_privileged privileged;
	struct gw_mark privileged_mark;
	enum gw_legacy_template legacy_template;
	struct gw_mark legacy_template_mark;
	const char *version;			/* spec.controlPlane.version */
	struct gw_mark version_mark;

	/* spec.namespace */
	bool namespace_create;
	struct gw_node *namespace_labels;	/* as written, plus any gwc adds */
	struct gw_mark namespace_labels_mark, namespace_mark;
	/* spec.namespace.podSecurity: the level enforced, its version
	 * ("latest" or "v1.N"); version_given: written on the Namespace */
	const char *pss_enforce, *pss_version;
	bool pss_version_given;
	struct gw_mark pss_mark;

	/* spec.serviceAccount */
	const char *service_account;
	bool service_account_create;
	struct gw_node *service_account_annotations;
	struct gw_mark service_account_annotations_mark;

	/* spec.deployment */
	long replicas;				/* -1: unset */
	struct gw_mark replicas_mark;
	struct gw_qty req_cpu, req_mem, lim_cpu, lim_mem;
	bool requests_given, limits_given;
	struct gw_node *pod_labels, *pod_annotations;
	struct gw_mark pod_labels_mark;

	/* spec.service */
	const char *service_type;
	struct gw_port *ports;
	size_t nports;
	struct gw_node *service_annotations, *service_labels;

	/* spec.autoscaling */
	bool hpa;
	struct gw_mark hpa_mark;
	long hpa_min, hpa_max, hpa_cpu, hpa_mem;	/* cpu/mem 0: unset */
	struct gw_mark hpa_min_mark, hpa_cpu_mark, hpa_mem_mark;
	bool hpa_max_given, hpa_cpu_given;

	/* spec.canary: a second Deployment, <name>-canary, whose pods name
	 * canary_revision; weight: the percentage of the pods it runs */
	bool canary;
	const char *canary_revision;
	long canary_weight;
	struct gw_mark canary_mark, canary_revision_mark, canary_weight_mark;
	/* the pods of each track (GW_TRACK_CANARY only with spec.canary),
	 * spec.deployment.replicas or spec.autoscaling split by the weight */
	struct gw_track tracks[2];

	/* spec.podDisruptionBudget */
	bool pdb;
	struct gw_mark pdb_mark;

	/* spec.networkPolicy: the spec's map (from, egress), or NULL */
	const struct gw_node *network_policy;

	/* the pass-through keys (GW_PASSTHROUGH), defaults filled in */
	const struct gw_node *pass[GW_PASS_N];

	/* spec.servers, spec.routes */
	struct gw_server *servers;
	size_t nservers;
	struct gw_route *routes;
	size_t nroutes;

	/* spec.argocd.syncWaves, spec.applyScript */
	bool sync_waves, apply_script;

	/* spec.installation: gatewayAPI (gatewayapi.c), else injection */
	bool gateway_api;
	struct gw_mark installation_mark;
	/* spec.patches: the list as written, or NULL */
	const struct gw_node *patches;
};

/* Builds the gateway of one schema-valid spec document. */
struct gw_gateway *gw_model_build(struct gw_arena *arena, const char *file,
				  struct gw_node *doc);
/* The pod label that selects the injector: key and value. */
void gw_model_inject_label(const struct gw_gateway *gw, const char **key,
			   const char **value);
/* The pods of a gateway of @total split by a canary of @weight percent:
 * the canary's rounded, each track with a share at least one (so the
 * two may add up to one more than @total); none of a @total of 0. */
void gw_model_split(long total, long weight, long *main, long *canary);
/* The lowest port the gateway pod listens on (Service target ports). */
long gw_model_lowest_target_port(const struct gw_gateway *gw);
/* True when istiod's whole gateway template is replaced for this gateway
 * (pinTemplate, an injectionTemplate on a modern kernel, or
 * legacyTemplate: replace on a legacy one); false when nothing is
 * installed or, on a legacy kernel, an overlay is. */
bool gw_model_replaces_template(const struct gw_gateway *gw);
/* True when the gateway's pod gets a legacy-kernel overlay template. */
bool gw_model_uses_overlay(const struct gw_gateway *gw);

/* ---- controlplane.c: the control plane's own resources ----------------- */

/*
 * What gwc knows of the sail-operator Istio a gateway names with
 * spec.controlPlane.istioResource (and the IstioRevisionTag of
 * revisionTag): strings and trees in the arena they were read into,
 * marks in their files.
 */
struct gw_istio {
	const char *file;
	const char *name, *ns;
	const char *version;			/* NULL: not stated */
	bool revision_based;			/* spec.updateStrategy.type */
	struct gw_mark mark, name_mark, ns_mark, version_mark, strategy_mark;
	const struct gw_node *values;		/* spec.values, or NULL */
	const struct gw_node *selectors;	/* meshConfig.discoverySelectors */
	struct gw_mark selectors_mark;
	bool scoped_gateways;	/* pilot.env.PILOT_SCOPE_GATEWAY_TO_NAMESPACE */
	/* the IstioRevisionTag, or NULL */
	const char *tag, *tag_file;
	struct gw_mark tag_mark;
	/* the pods' label: istio.io/rev: revision, or, NULL, the default
	 * revision's sidecar.istio.io/inject; and what decided it */
	const char *revision;
	struct gw_mark revision_mark;
	/* the IstioRevision that injects them, whatever tag they name;
	 * NULL for the one named default */
	const char *injector;
};

/* Reads the one document of kind Istio in @data (a file named @name;
 * other documents are skipped) into *@istio, reporting what is wrong at
 * its line:col; -1 after an error. */
int gw_istio_parse(struct gw_arena *arena, struct gw_diag *diag,
		   const char *name, const char *data, size_t len,
		   struct gw_istio *istio);
/* True when @revision is one that sail-operator names for a
 * RevisionBased Istio named @istio: "<istio>-v1-24-3" (or
 * "<istio>-1-24-3"). */
bool gw_istio_revision_based(const char *istio, const char *revision);
/* Reads the one IstioRevisionTag of @data, which must point at @istio
 * (or at its revision), and makes its name the pods' revision. */
int gw_istio_parse_tag(struct gw_arena *arena, struct gw_diag *diag,
		       const char *name, const char *data, size_t len,
		       struct gw_istio *istio);
/* True when the Kubernetes LabelSelector @sel (a map, checked by
 * gw_istio_parse) selects an object with @labels (a map, or NULL). */
bool gw_selector_matches(const struct gw_node *sel,
			 const struct gw_node *labels);
/*
 * Makes @gw follow @istio: its name, namespace, version and revision
 * (each the spec states must agree: an error at the spec's key naming the
 * resource's line), and its namespace's discovery (a label gwc adds to a
 * namespace it creates, with a note, or an error).  Returns the errors.
 */
unsigned gw_control_plane_apply(struct gw_arena *arena, struct gw_diag *diag,
				struct gw_gateway *gw,
				const struct gw_istio *istio);

/* ---- check.c: what the schema cannot express --------------------------- */

/* Checks one gateway; reports errors and warnings; returns the error count. */
unsigned gw_check_gateway(struct gw_diag *diag, const struct gw_gateway *gw);
/* The API server's name rules: a label value (at most 63 letters, digits,
 * '-', '_', '.', alphanumeric at both ends; empty is one), and a DNS-1123
 * label (at most 63 lower case letters, digits, '-', alphanumeric at both
 * ends: a container's name). */
bool gw_label_value(const char *s, size_t len);
bool gw_dns1123_label(const char *s, size_t len);

/* ---- across.c: the checks that span specs ------------------------------ */

/* A place in a summary's own file (its marks are all in its spec file):
 * 8 bytes where a struct gw_mark takes 16, for 100,000 gateways. */
struct gw_spot {
	int line, col;		/* line 0: no place */
};

/* What the decisions across specs need of one gateway (compile.c keeps
 * one per checked gateway, its strings in the run's arena). */
struct gw_summary {
	const char *file, *ns, *name, *istio, *template_path;
	const char *revision;		/* NULL: sidecar.istio.io/inject */
	struct gw_spot mark, name_mark, kernel_mark, template_mark;
	struct gw_spot revision_mark;	/* spec.controlPlane.revision */
	bool revision_given;
	bool scoped;		/* its Istio scopes a Gateway to its namespace */
	const char *istio_path;	/* its Istio resource's file, or NULL */
	struct gw_spot template_demand_mark;
	bool kernel_version, legacy, pin;
	bool replaces;		/* installs a whole gateway template */
	bool overlay;		/* gets a legacy-kernel overlay */
	bool bind;		/* netBindService with a target below 1024 */
	bool gateway_api;	/* spec.installation: gatewayAPI */
	enum gw_privileged privileged;
};

/* @at in @s's file, as a mark (no file when @at is no place). */
struct gw_mark gw_summary_at(const struct gw_summary *s, struct gw_spot at);
/* @m (in the spec file of the summary it is for) as a spot. */
struct gw_spot gw_spot_of(struct gw_mark m);

/* Reports, at the later gateway, two gateways of one folder, two of one
 * name in two namespaces (one selector label; unless both Istios scope
 * Gateways to their namespace) and one Istio used both InPlace and
 * RevisionBased. */
void gw_across_check(struct gw_diag *diag, struct gw_arena *arena,
		     const struct gw_summary *const *gateways, size_t n);

/* ---- cache.c: what produced each folder of OUT ------------------------ */

/* A file a spec read, by its digest. */
struct gw_cache_read {
	const char *path;
	unsigned char digest[32];
};

/* What a build records of one spec file, and what a lookup gives back. */
struct gw_cache_source {
	const char *path;		/* as given */
	unsigned char digest[32];	/* SHA-256 of its bytes */
	struct gw_cache_read *reads;
	size_t nreads;
	struct gw_summary *gateways;	/* its folders: <ns>/<name> */
	size_t ngateways;
	struct gw_diag_entry *notes;	/* its messages, as given */
	size_t nnotes;
	uint64_t stat_key;	/* gw_cache_stat_key of the bytes hashed */
	bool cached;		/* gw_cache_write: as the lookup found it */
};

struct gw_cache;
/* The cache of @outdir (OUT/.gwc-cache/sources), or NULL when there is
 * none this gwc can use. */
struct gw_cache *gw_cache_open(const char *outdir);
void gw_cache_close(struct gw_cache *c);
/*
 * The record of spec @path, in @arena, when its digest is @digest and
 * every folder and entry in it is as the record says (stat, not racy):
 * 0; else -1.  The caller checks the reads' digests.
 */
int gw_cache_lookup(struct gw_cache *c, struct gw_arena *arena,
		    const char *path, const unsigned char digest[32],
		    struct gw_cache_source *out);
/* A digest of a spec file's identity and times (device, inode, mode,
 * size, mtime, ctime): 63 bits, never 0. */
uint64_t gw_cache_stat_key(const struct stat *st);
/*
 * The recorded digest of spec @path into @digest without reading it,
 * when its stat @st is the one recorded with it and not racy (its times
 * older than the cache file's, as git trusts its index): 0; else -1.
 * Writing a file moves its mtime, and touch -r, chmod or a rename its
 * ctime, which no one sets back.
 */
int gw_cache_known(struct gw_cache *c, const char *path,
		   const struct stat *st, unsigned char digest[32]);
/*
 * Rewrites OUT's cache (@out: OUT, locked): the records of this run's @n
 * spec files (their folders' stat now: of the files @written wrote, as it
 * wrote them, gw_writer_written; of the others, as OUT holds them), then
 * the records of @old whose path is not one of this run's and whose
 * folders are as recorded.  Not written when that is what the file holds.  @source(@arg, i, &s) gives
 * the i-th spec file, in order, one at a time (so that 100,000 records
 * are never held together): 1 with its record in s, 0 when it has none
 * (s.path its path, or NULL for standard input); s is the caller's until
 * the next call.
 */
struct gw_writer;
int gw_cache_write(int out, struct gw_writer *written, struct gw_cache *old,
		   size_t n,
		   int (*source)(void *arg, size_t i,
				 struct gw_cache_source *s),
		   void *arg);

/* ---- template.c: the legacy-kernel injection template ------------------ */

enum gw_scenario {
	GW_SCENARIO_NONE,	/* template kept as it is */
	GW_SCENARIO_SYSCTL,	/* 1: sysctls: [] */
	GW_SCENARIO_BIND,	/* 2: also NET_BIND_SERVICE on istio-proxy */
};

/*
 * Transforms an istiod gateway injection template for @scenario into
 * @out (malloc'ed, NUL-terminated).  On a template whose shape it does not
 * recognise it sets *@why to a static explanation and returns -1.
 */
int gw_template_transform(const char *text, size_t len,
			  enum gw_scenario scenario, char **out,
			  const char **why);

/* A legacy-kernel overlay template: its name in the Istio resource's
 * sidecarInjectorWebhook.templates, and its text (static). */
struct gw_overlay {
	const char *name;
	const char *text;
};

/* The overlay a gateway with @privileged gets on a legacy kernel. */
const struct gw_overlay *gw_template_overlay(enum gw_privileged privileged);

/* ---- fileset.c: the files of a run ------------------------------------- */

/* A file set owns its paths (copied by gw_fileset_add) and data. */
/* One output file: its path below OUT and its bytes (malloc'ed). */
struct gw_file {
	char *path;
	char *data;
	size_t len;
	unsigned mode;		/* 0644 (gw_fileset_add), 0755 for a script */
	bool control_plane;	/* of a control-plane folder (istio/<name>),
				 * not a gateway's; the writer records the
				 * kind in the folder's GW_MARKER */
	bool kept;		/* no data: "<a>/<b>/GW_MARKER" stands for a
				 * folder of the run that OUT's cache shows
				 * is already right (gen/cache.c): neither
				 * written nor compared, never pruned */
};

struct gw_fileset {
	struct gw_file *files;
	size_t n, cap;
};

void gw_fileset_add(struct gw_fileset *set, const char *path,
		    char *data, size_t len);
void gw_fileset_release(struct gw_fileset *set);
void gw_fileset_sort(struct gw_fileset *set);

/* ---- spill.c: rendered folders parked between the passes -------------- */

/* An unnamed temporary file ($TMPDIR, else /tmp) that groups of whole
 * folders are appended to by one thread and read back by any; NULL when
 * none can be made.  Closed (and so gone) by gw_spill_close(). */
struct gw_spill *gw_spill_open(void);
void gw_spill_close(struct gw_spill *s);
/* Bytes put so far: a group put next starts there. */
uint64_t gw_spill_size(const struct gw_spill *s);
/* Appends @set (whole folders) as one group, buffered; -1 once a write
 * failed: gw_spill_failed() from then on, and no range of it is whole. */
int gw_spill_put(struct gw_spill *s, const struct gw_fileset *set);
/* Writes what is buffered (before any range is read); -1 as above. */
int gw_spill_flush(struct gw_spill *s);
bool gw_spill_failed(const struct gw_spill *s);

/* Reads the groups of one range, in order. */
struct gw_spill_reader {
	const struct gw_spill *s;
	uint64_t off, end;	/* the file's bytes not yet in buf */
	char *buf;		/* malloc'ed */
	size_t cap, len, pos;
};
void gw_spill_reader_init(struct gw_spill_reader *r, const struct gw_spill *s,
			  uint64_t from, uint64_t to);
/* Appends the next group's files to @set: 1, or 0 at the range's end, or
 * -1 when it cannot be read (errno). */
int gw_spill_read(struct gw_spill_reader *r, struct gw_fileset *set);
void gw_spill_reader_release(struct gw_spill_reader *r);

/* ---- feed.c: pass 1's folders to the writer as they come --------------- */

/* A thread that stages the sets put into it with @writer, at most @limit
 * bytes waiting (a put waits for room); NULL when no thread can start. */
struct gw_feed;
struct gw_writer;
struct gw_feed *gw_feed_start(struct gw_writer *writer, size_t limit);
/* Hands @set (sorted here) to the feed; @set is empty after. */
void gw_feed_put(struct gw_feed *f, struct gw_fileset *set);
/* Stages what is waiting, ends the thread, frees @f: -1 when a stage
 * failed (the writer's commit aborts and says why). */
int gw_feed_finish(struct gw_feed *f);

/* ---- patch.c: spec.patches, kustomize's patches applied by gwc -------- */

/* One object of a gateway folder, for the patches: its tree (replaced by
 * the patched one) and the file it goes to. */
struct gw_patch_object {
	struct gw_node *tree;
	const char *file;	/* "gateway-deployment.yaml" */
};

/*
 * Applies spec.patches of @gw, in order, each to every object of @objs
 * (@n of them, in the folder's file order) that its target selects: a
 * strategic merge patch as kustomize merges one (the merge keys of the
 * Kubernetes schema kustomize embeds) or JSON 6902 operations.  Each
 * entry must select an object; no patch may change an object's
 * apiVersion, kind, metadata.name or metadata.namespace, nor the Pod
 * Security level gwc checks the pod against.  Then checks that the
 * selectors still select the pods.  Reports each error at the entry's
 * key or operation (to @diag; NULL: quietly); -1 after one.  The trees
 * are copied before they change: nothing render.c shares is touched.
 */
int gw_patch_apply(struct gw_arena *arena, struct gw_diag *diag,
		   const struct gw_gateway *gw, struct gw_patch_object *objs,
		   size_t n);
/*
 * The two kinds of patch, for the tests: a strategic merge of @patch
 * into *@obj (an object of apiVersion @api and kind @kind, which decide
 * the merge keys), and JSON 6902 operations @ops on *@doc; @path is the
 * patch's JSON path in messages.  Each returns -1 after reporting.
 */
int gw_patch_merge(struct gw_arena *arena, struct gw_diag *diag,
		   const char *path, struct gw_node **obj,
		   const struct gw_node *patch);
int gw_patch_json(struct gw_arena *arena, struct gw_diag *diag,
		  const char *path, struct gw_node **doc,
		  const struct gw_node *ops);

/* ---- render.c: Kubernetes objects -------------------------------------- */

/* Renders the folder OUT/<ns>/<name>/ of one gateway into @set, its
 * spec.patches applied (gen/patch.c: their errors go to @diag, NULL:
 * quietly); @template_sha256 (hex, or NULL) is the digest of the
 * injection template(s) gwc installs for it, for the pod template's
 * annotation. */
int gw_render_gateway(struct gw_arena *arena, struct gw_diag *diag,
		      const struct gw_gateway *gw,
		      const char *template_sha256, struct gw_fileset *set);
/* A template gwc installs in an Istio resource: "gateway" (replacing
 * istiod's own) or an overlay; its text, not owned. */
struct gw_cp_template {
	const char *name;
	const char *text;
	size_t len;
};

/* Renders OUT/istio/<istio>/: each template's text
 * (gateway-injection-template.txt, injection-template-NAME.txt), and the
 * merge patch that sets exactly those templates, as JSON (for kubectl
 * patch) and as a kustomize patch of the Istio resource. */
int gw_render_control_plane(const char *istio,
			    const struct gw_cp_template *templates, size_t n,
			    struct gw_fileset *set);

/* ---- gatewayapi.c: the Kubernetes Gateway API installation ------------ */

/*
 * A gateway with spec.installation: gatewayAPI: what the Gateway API
 * cannot say of its spec (errors naming the key), and its folder (the
 * Namespace, the parameters ConfigMap, the Gateway, HTTPRoutes,
 * ReferenceGrants, HPA and PDB of the Deployment istiod makes).
 */
unsigned gw_gatewayapi_check(struct gw_diag *diag, const struct gw_gateway *gw);
int gw_gatewayapi_render(struct gw_arena *arena, struct gw_diag *diag,
			 const struct gw_gateway *gw, struct gw_fileset *set);

/* ---- emit.c: bytes ----------------------------------------------------- */

/* True when @s may be written as a plain YAML scalar for every reader. */
bool gw_emit_plain_safe(const char *s, size_t len);
/* Emits trees as a YAML stream ("---" between documents) into @buf. */
int gw_emit_yaml(struct gw_buf *buf, struct gw_node *const *docs, size_t n);
/* Emits a tree as JSON, formatted exactly as `jq .` formats it. */
void gw_emit_json(struct gw_buf *buf, const struct gw_node *node);

/* ---- diff.c: unified diffs --------------------------------------------- */

/* Appends the unified diff (3 lines of context) of two texts to @out. */
void gw_diff_unified(struct gw_buf *out, const char *name_a,
		     const char *name_b, const char *a, size_t a_len,
		     const char *b, size_t b_len);

/* ---- write.c: the output folder, atomically ---------------------------- */

#define GW_MARKER ".gwc-output"

/*
 * Publishes @set under @outdir: each top-level-pair folder (<a>/<b>/) of the
 * set is staged complete next to its old version, then swapped in; folders
 * of @outdir that the set does not name are left alone (or, with @prune,
 * removed when gwc made them).  Reports to @diag.  The caller holds off
 * SIGINT, SIGTERM and SIGHUP for all-or-nothing under signals: one pending
 * before the swaps makes the write back out.
 */
int gw_write_tree(const char *outdir, const struct gw_fileset *set,
		  bool prune, unsigned flags, struct gw_diag *diag);

/*
 * The same in steps, for a run that renders spec by spec: open (creates
 * and locks @outdir; NULL on an error, reported to @diag), stage each
 * rendered set as it comes (safe to call from several threads at once;
 * the set can be released afterwards), then commit (publish every staged
 * folder, prune) or abort (remove everything staged and every folder the
 * run made).  Commit and abort add the writer's messages to @diag and
 * free the writer; a failed stage makes the commit abort.  @flags:
 * GW_WRITE_FSYNC flushes what the run made to the disk (each staged file
 * and folder before the swaps, each changed parent after them).
 */
#define GW_WRITE_FSYNC 1u
struct gw_writer;
struct gw_writer *gw_writer_open(const char *outdir, unsigned flags,
				 struct gw_diag *diag);
int gw_writer_stage(struct gw_writer *w, const struct gw_fileset *set);
/* Room for @n more folders, exactly, when the caller knows how many it
 * stages (100,000 folders do not leave a doubled list's slack). */
void gw_writer_expect(struct gw_writer *w, size_t n);
int gw_writer_commit(struct gw_writer *w, bool prune, struct gw_diag *diag);
/* @fn(@arg, OUT's descriptor, @w) runs in a successful commit, after the
 * swaps and while OUT is still locked (to write OUT's cache). */
void gw_writer_on_commit(struct gw_writer *w,
			 void (*fn)(void *arg, int out, struct gw_writer *w),
			 void *arg);
/* From now on, the writer records each file's stat as it writes it, for
 * gw_writer_written() (call it before the first stage). */
void gw_writer_record(struct gw_writer *w);
/* A file's stat as the writer took it, the file just written (fstat
 * before close): what OUT's cache records of a folder this run made. */
struct gw_written {
	uint64_t ino;
	int64_t size, mtime_sec, ctime_sec;
	uint32_t mode, mtime_nsec, ctime_nsec;
};
/* In @fn of gw_writer_on_commit: the files this run wrote into
 * OUT/@parent/@name, added to @files (path: the file's name; data: its
 * struct gw_written), GW_MARKER first; -1 when the run did not write that
 * folder or has no record of it. */
int gw_writer_written(struct gw_writer *w, const char *parent,
		      const char *name, struct gw_fileset *files);
void gw_writer_abort(struct gw_writer *w, struct gw_diag *diag);
/*
 * Compares @set with what @outdir holds, writing nothing: appends to
 * @report a unified diff of every differing, missing or extra file (and,
 * with @prune, of every gwc-made folder the set does not name).  Returns
 * 0 when they are the same, 1 when they differ (a missing @outdir is an
 * empty one), -1 on an I/O error (reported to @diag).
 */
int gw_write_check(const char *outdir, const struct gw_fileset *set,
		   bool prune, struct gw_buf *report, struct gw_diag *diag);

/* ---- sha256.c ------------------------------------------------------------ */

/* SHA-256 of @len bytes at @data. */
void gw_sha256(const void *data, size_t len, unsigned char digest[32]);
/* The same, of bytes given in pieces. */
struct gw_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
};
void gw_sha256_init(struct gw_sha256 *s);
void gw_sha256_update(struct gw_sha256 *s, const void *data, size_t len);
void gw_sha256_final(struct gw_sha256 *s, unsigned char digest[32]);

/* ---- depfile.c: the stamp and the Make/Ninja depfile ------------------ */

/* Appends the stamp of @set (sorted): "SHA256  PATH\n" per file, as
 * sha256sum prints it, paths relative to OUT. */
void gw_depfile_stamp_text(struct gw_buf *out, const struct gw_fileset *set);
/* Appends @path escaped for Make as gcc -MD does (blanks, '#', '$'),
 * and ':' as "\:" (GNU make's escape; raw, it splits the rule);
 * -1 for a name with a line break, which Make cannot read. */
int gw_depfile_escape(struct gw_buf *out, const char *path);
/* Appends the depfile "@target: INPUTS" (each input of @reads once, in
 * order), then an empty rule per input as gcc -MP; on -1, *@bad is the
 * name that cannot be written. */
int gw_depfile_text(struct gw_buf *out, const char *target,
		    const struct gw_fileset *reads, const char **bad);
/*
 * After a successful build: writes @depfile (if not NULL; its target is
 * @stamp), then @stamp (always rewritten, so its mtime moves), each
 * atomically (a temporary file renamed over it).  Reports to @diag.
 */
int gw_depfile_write(const char *stamp, const char *depfile, bool fsync,
		     const struct gw_fileset *set,
		     const struct gw_fileset *reads, struct gw_diag *diag);

/* ---- podsecurity.c: the Pod Security Standards ------------------------ */

/* The levels of the Kubernetes Pod Security Standards, least strict first. */
enum gw_pss_level { GW_PSS_PRIVILEGED, GW_PSS_BASELINE, GW_PSS_RESTRICTED };

/*
 * One field that breaks a level.  @level is the lowest level it breaks:
 * GW_PSS_BASELINE breaks baseline and restricted, GW_PSS_RESTRICTED only
 * restricted.  The strings live in the arena given to gw_pss_evaluate().
 */
struct gw_pss_violation {
	enum gw_pss_level level;
	const char *control;	/* as the standards' table names it, without
				 * "(v1.N+)": "Capabilities", "Seccomp" */
	const char *path;	/* JSON path from the object given:
				 * "spec.template.spec.containers[0]
				 * .securityContext.capabilities.add" */
	const char *detail;	/* what is wrong: "adds NET_ADMIN",
				 * "unset (must be RuntimeDefault or
				 * Localhost)" */
};

/* Parses a policy version as the enforce-version label holds it: "latest"
 * (*@minor = INT_MAX) or "v1.N" (*@minor = N, at most INT_MAX - 1).
 * Returns -1 (and *@minor -1) when it is neither. */
int gw_pss_version(const char *s, int *minor);
/* "privileged", "baseline", "restricted". */
const char *gw_pss_level_name(enum gw_pss_level level);
/* The reverse, exactly (lowercase); -1 for any other string. */
int gw_pss_level_parse(const char *s, enum gw_pss_level *level);
/*
 * Evaluates @obj, a Pod, a PodTemplate, a CronJob or an object with a pod
 * template (spec.template), against every control of baseline and
 * restricted at policy version v1.@minor (@minor >= 0, INT_MAX for
 * latest), as Pod Security Admission does.
 * Returns the number of violations and sets *@out to them (in @arena, NULL
 * when none), in field order: the pod's annotations, its pod-level fields,
 * then containers, initContainers and ephemeralContainers in order.  An
 * object without a pod spec has none.
 */
size_t gw_pss_evaluate(struct gw_arena *arena, const struct gw_node *obj,
		       int minor, struct gw_pss_violation **out);
/* The highest level that @n violations @v allow: one below the lowest
 * level among them, GW_PSS_RESTRICTED when there are none. */
enum gw_pss_level gw_pss_level_met(const struct gw_pss_violation *v,
				   size_t n);

/* ---- preview.c: spec.injectionPreview --------------------------------- */

struct gw_preview_cache;

/* The gateway template a preview injects with: the text gwc installs for
 * the control plane and the text it came from (the same bytes unless the
 * legacy-kernel transform adapted it), named @name in diagnostics. */
struct gw_preview_template {
	const char *name;
	const char *installed, *source;
	size_t installed_len, source_len;
	const struct gw_overlay *overlay;	/* applied after it, or NULL */
};

/* Reads and parses spec.injectionPreview's files (gwc build's pass 1),
 * reporting at the spec's keys; sets *@io_error when one cannot be read. */
int gw_preview_check(struct gw_arena *arena, struct gw_diag *diag,
		     const struct gw_gateway *gw, bool no_file_reads,
		     bool *io_error);
/*
 * Injects the Deployment of @gw in @set (the last one of that path: the
 * gateway rendered last) as istiod will, with template @t
 * and the spec's (or the built-in, or its Istio resource's) values and
 * mesh config, and holds the pod against the Pod Security level its
 * namespace enforces (spec.namespace.podSecurity): an error for each field
 * that level rejects, and a note naming the highest level the pod meets.
 * With spec.injectionPreview, adds the result to @set as
 * OUT/<ns>/<name>/gateway-deployment.injected.yaml.  Reports to @diag (an
 * error in the template at its line:col in @t's source); returns -1 after
 * an error.
 */
int gw_preview_render(struct gw_arena *arena, struct gw_diag *diag,
		      const struct gw_gateway *gw,
		      const struct gw_preview_template *t,
		      struct gw_preview_cache *cache,
		      struct gw_fileset *set);
/* The injector configs built for a thread's gateways, kept for the next
 * ones that share their template and values (@cache NULL: none kept). */
struct gw_preview_cache *gw_preview_cache_new(void);
void gw_preview_cache_free(struct gw_preview_cache *cache);

/* ---- graph.c: gwc graph ------------------------------------------------ */

/*
 * Appends the Graphviz DOT of the Kubernetes objects of @set (the files
 * gwc build writes, sorted) and of how they refer to each other: a
 * cluster per folder, edges for selectors, scaleTargetRef, roleRef and
 * subjects, serviceAccountName, spec.gateways and gateway injection.
 * Returns -1 when a file does not parse (reported to @diag).
 */
int gw_graph_dot(struct gw_buf *out, const struct gw_fileset *set,
		 struct gw_diag *diag);

/* ---- compile.c: the pipeline ------------------------------------------- */

/* A spec already in memory, named @name in diagnostics. */
struct gw_input {
	const char *name;
	const char *data;
	size_t len;
};

struct gw_options {
	const char *outdir;		/* NULL: write nothing (gwc validate) */
	const char *const *inputs;	/* spec files... */
	size_t ninputs;
	const struct gw_input *buffers;	/* ...or specs in memory */
	size_t nbuffers;
	bool prune;
	bool check;		/* compare with outdir instead of writing */
	bool dry_run;		/* ...and say per folder what a build would do */
	bool no_file_reads;	/* refuse injectionTemplate files (fuzzing) */
	bool warnings_as_errors;	/* a warning fails the run, unwritten */
	bool fsync;		/* flush what the build writes (--fsync) */
	bool no_cache;		/* neither read nor write OUT's cache */
	struct gw_fileset *result;	/* if set, receives the rendered files */
	struct gw_fileset *reads;	/* if set, receives the path of every
					 * file read (specs, templates) */
	unsigned jobs;		/* threads for checking, rendering, writing;
				 * 0: 1 */
	size_t keep_rendered;	/* rendered bytes pass 1 may keep for pass 2
				 * (the rest is parsed again); 0: 4 MiB */
	size_t keep_bytes;	/* spec files' bytes held after pass 1 (the
				 * rest is read again); 0: 16 MiB */
};

#define GW_MAX_JOBS 64

/*
 * gwc build (or, with opt->outdir NULL, gwc validate): load, validate,
 * model, check every spec of every input, then render and write.  Adds
 * every message to @diag (the specs' first, then the output's) and what
 * belongs on standard output (the `-o -` stream, the --check diff) to
 * @out; prints nothing.  Returns the exit status.  A build into a folder
 * is all-or-nothing under SIGINT, SIGTERM and SIGHUP when the caller
 * holds them off (gw_write_tree); one pending stops the run.  @diag holds
 * no error yet: the run's messages go to it as they are found (not copied
 * there at the end: 100,000 specs' notes are held once).
 */
int gw_compile(const struct gw_options *opt, struct gw_diag *diag,
	       struct gw_buf *out);

#endif
