/*
 * podsecurity.c - the Kubernetes Pod Security Standards, as the Pod
 * Security Admission controller enforces them (k8s.io/pod-security-admission,
 * policy/check_*.go), for every policy version from v1.0 to latest.
 *
 * Consumes one object tree: a Pod, a PodTemplate (template), a CronJob
 * (spec.jobTemplate.spec.template) or any object with a pod template
 * (spec.template: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job...).
 * Produces one violation per offending field, with the lowest level it
 * breaks, in field order: the pod metadata's annotations, the pod-level
 * fields, then each container of containers, initContainers and
 * ephemeralContainers in turn.
 *
 * Where admission runs several checks on one field at one level, one
 * violation is reported: a field that breaks baseline is not reported
 * again by the restricted check that overrides the baseline one (a hostPath
 * volume is "HostPath Volumes", never also "Volume Types").  Admission runs
 * on the pod as the API server decodes and defaults it, so a null value is
 * unset (Go's nil pointer), a volume with no source is an emptyDir, and a
 * value of the wrong type (a string where a bool goes), which the API
 * server would refuse, counts as unset.
 *
 * The version rules (the first policy version each applies to):
 *   baseline    HostProcess, Host Namespaces, Privileged Containers,
 *               Capabilities, HostPath Volumes, Host Ports, AppArmor,
 *               SELinux, /proc Mount Type, Sysctls       v1.0
 *               Seccomp: the alpha annotations v1.0-v1.18, the
 *               seccompProfile fields from v1.19
 *               SELinux type container_engine_t allowed  v1.31
 *               Sysctls: ip_local_reserved_ports v1.27; tcp_keepalive_*,
 *               tcp_fin_timeout v1.29; tcp_rmem, tcp_wmem v1.32;
 *               tcp_slow_start_after_idle, tcp_notsent_lowat v1.37
 *               Host Probes / Lifecycle Hooks             v1.34
 *               /proc Mount Type: any value when hostUsers is false, at
 *               baseline only (restricted still refuses)  v1.35
 *   restricted  Volume Types, Running as Non-root         v1.0
 *               Privilege Escalation                      v1.8
 *               Seccomp (must be set)                     v1.19
 *               Capabilities (drop ALL, add only
 *               NET_BIND_SERVICE)                         v1.22
 *               Running as Non-root user                  v1.23
 *               Privilege Escalation, Seccomp and Capabilities skip
 *               pods whose spec.os.name is windows        v1.25
 *               Running as Non-root and Running as Non-root user
 *               skip pods with hostUsers: false           v1.35
 *
 * Invariants: the tree is only read; every violation and string lives in
 * the arena given.
 */
#include <limits.h>
#include <string.h>

#include "gwc.h"

/* The controls, as the Pod Security Standards page names them (without
 * the "(v1.N+)" its restricted rows carry: that is the version rule). */
static const char HOST_PROCESS[] = "HostProcess";
static const char HOST_NAMESPACES[] = "Host Namespaces";
static const char PRIVILEGED[] = "Privileged Containers";
static const char CAPABILITIES[] = "Capabilities";
static const char HOST_PATH[] = "HostPath Volumes";
static const char HOST_PORTS[] = "Host Ports";
static const char HOST_PROBES[] = "Host Probes / Lifecycle Hooks";
static const char APPARMOR[] = "AppArmor";
static const char SELINUX[] = "SELinux";
static const char PROC_MOUNT[] = "/proc Mount Type";
static const char SECCOMP[] = "Seccomp";
static const char SYSCTLS[] = "Sysctls";
static const char VOLUME_TYPES[] = "Volume Types";
static const char PRIV_ESCALATION[] = "Privilege Escalation";
static const char NON_ROOT[] = "Running as Non-root";
static const char NON_ROOT_USER[] = "Running as Non-root user";

/* A value allowed from policy version v1.@since on. */
struct since {
	const char *name;
	int since;
};

/* Capabilities baseline lets a container add (Docker's default set). */
static const char *const DEFAULT_CAPS[] = {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
	"MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
	"SYS_CHROOT", NULL,
};

static const struct since SAFE_SYSCTLS[] = {
	{ "kernel.shm_rmid_forced", 0 },
	{ "net.ipv4.ip_local_port_range", 0 },
	{ "net.ipv4.tcp_syncookies", 0 },
	{ "net.ipv4.ping_group_range", 0 },
	{ "net.ipv4.ip_unprivileged_port_start", 0 },
	{ "net.ipv4.ip_local_reserved_ports", 27 },
	{ "net.ipv4.tcp_keepalive_time", 29 },
	{ "net.ipv4.tcp_fin_timeout", 29 },
	{ "net.ipv4.tcp_keepalive_intvl", 29 },
	{ "net.ipv4.tcp_keepalive_probes", 29 },
	{ "net.ipv4.tcp_rmem", 32 },
	{ "net.ipv4.tcp_wmem", 32 },
	{ "net.ipv4.tcp_slow_start_after_idle", 37 },
	{ "net.ipv4.tcp_notsent_lowat", 37 },
	{ NULL, 0 },
};

/* seLinuxOptions.type values ("" is unset). */
static const struct since SELINUX_TYPES[] = {
	{ "", 0 },
	{ "container_t", 0 },
	{ "container_init_t", 0 },
	{ "container_kvm_t", 0 },
	{ "container_engine_t", 31 },
	{ NULL, 0 },
};

/* The inline volume sources the restricted level allows. */
static const char *const RESTRICTED_VOLUMES[] = {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret", NULL,
};

static const char *const CONTAINER_LISTS[] = {
	"containers", "initContainers", "ephemeralContainers", NULL,
};

static const char *const PROBES[] = {
	"livenessProbe", "readinessProbe", "startupProbe", NULL,
};

static const char *const HOOKS[] = { "postStart", "preStop", NULL };
static const char *const HANDLERS[] = { "httpGet", "tcpSocket", NULL };

#define APPARMOR_PREFIX "container.apparmor.security.beta.kubernetes.io/"
#define SECCOMP_POD_KEY "seccomp.security.alpha.kubernetes.io/pod"
#define SECCOMP_PREFIX "container.seccomp.security.alpha.kubernetes.io/"
#define MUST_SECCOMP "must be RuntimeDefault or Localhost"

/* One evaluation. */
struct pss {
	struct gw_arena *arena;
	int minor;			/* the policy version v1.minor */
	bool windows;			/* spec.os.name: windows */
	bool userns;			/* spec.hostUsers: false */
	const struct gw_node *spec;	/* the PodSpec */
	struct gw_pss_violation *items;
	size_t n, cap;
};

static void add(struct pss *p, enum gw_pss_level level, const char *control,
		const char *path, const char *detail)
{
	struct gw_pss_violation *v;

	p->items = gw_arena_grow(p->arena, p->items, p->n, &p->cap,
				 sizeof(*p->items));
	v = &p->items[p->n++];
	v->level = level;
	v->control = control;
	v->path = path;
	v->detail = detail;
}

/* ---- reading the tree as the API server decodes it ---------------------- */

/* @key of @map, or NULL when absent or null (Go's nil pointer). */
static const struct gw_node *get(const struct gw_node *map, const char *key)
{
	const struct gw_node *v = gw_map_get(map, key);

	return v && v->kind != GW_NULL ? v : NULL;
}

/* A *bool field: 1 true, 0 false, -1 unset (or not a bool). */
static int get_bool(const struct gw_node *map, const char *key)
{
	const struct gw_node *v = get(map, key);

	if (!v || v->kind != GW_BOOL)
		return -1;
	return v->u.b;
}

/* A string field's value, "" when unset (Go's zero string). */
static const char *text(const struct gw_node *n)
{
	if (!n)
		return "";
	if (n->kind == GW_STR)
		return n->u.str.s;
	return n->src ? n->src : "";
}

static const char *get_text(const struct gw_node *map, const char *key)
{
	return text(get(map, key));
}

static size_t seq_len(const struct gw_node *n)
{
	return n && n->kind == GW_SEQ ? n->u.seq.n : 0;
}

static size_t map_len(const struct gw_node *n)
{
	return n && n->kind == GW_MAP ? n->u.map.n : 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* The version from which @s is allowed by @table, or -1 when never. */
static int allowed_since(const struct since *table, const char *s)
{
	for (; table->name; table++)
		if (!strcmp(table->name, s))
			return table->since;
	return -1;
}

static bool allowed_at(const struct pss *p, const struct since *table,
		       const char *s)
{
	int since = allowed_since(table, s);

	return since >= 0 && since <= p->minor;
}

static const char *show(struct pss *p, const char *s)
{
	return gw_diag_show(p->arena, s, strlen(s));
}

static const char *join(struct pss *p, const char *path, const char *key)
{
	return gw_arena_printf(p->arena, "%s.%s", path, key);
}

/* Windows pods skip some restricted controls from v1.25 on: the API server
 * refuses the Linux-only fields they require on such pods. */
static bool windows_exempt(const struct pss *p)
{
	return p->windows && p->minor >= 25;
}

/* ---- controls of one securityContext (pod's or container's) ------------- */

static void check_host_process(struct pss *p, const struct gw_node *sc,
			       const char *sc_path)
{
	if (get_bool(get(sc, "windowsOptions"), "hostProcess") == 1)
		add(p, GW_PSS_BASELINE, HOST_PROCESS,
		    join(p, sc_path, "windowsOptions.hostProcess"),
		    "must not be true");
}

static void check_apparmor(struct pss *p, const struct gw_node *sc,
			   const char *sc_path)
{
	const struct gw_node *profile = get(sc, "appArmorProfile");
	const char *type = get_text(profile, "type");

	/* a profile without a type is refused too (Go: Type == "") */
	if (!profile || !strcmp(type, "RuntimeDefault") ||
	    !strcmp(type, "Localhost"))
		return;
	add(p, GW_PSS_BASELINE, APPARMOR,
	    join(p, sc_path, "appArmorProfile.type"),
	    *type ? gw_arena_printf(p->arena, "%s (must be RuntimeDefault or "
				    "Localhost)", show(p, type))
		  : "unset (must be RuntimeDefault or Localhost)");
}

static void check_selinux(struct pss *p, const struct gw_node *sc,
			  const char *sc_path)
{
	const struct gw_node *opts = get(sc, "seLinuxOptions");
	const char *type = get_text(opts, "type");
	const char *path = join(p, sc_path, "seLinuxOptions");
	static const char *const fields[] = { "user", "role", NULL };
	size_t i;

	if (!opts)
		return;
	if (!allowed_at(p, SELINUX_TYPES, type))
		add(p, GW_PSS_BASELINE, SELINUX, join(p, path, "type"),
		    gw_arena_printf(p->arena, "%s (must be container_t, "
				    "container_init_t%s or %s)",
				    show(p, type), p->minor >= 31 ?
				    ", container_kvm_t" : "",
				    p->minor >= 31 ? "container_engine_t" :
				    "container_kvm_t"));
	for (i = 0; fields[i]; i++)
		if (*get_text(opts, fields[i]))
			add(p, GW_PSS_BASELINE, SELINUX,
			    join(p, path, fields[i]), "must not be set");
}

/*
 * The seccompProfile of @sc (v1.19+): 1 when set to an allowed type, 0
 * when unset, -1 when set to another (reported, baseline).
 */
static int check_seccomp(struct pss *p, const struct gw_node *sc,
			 const char *sc_path)
{
	const struct gw_node *profile = get(sc, "seccompProfile");
	const char *type = get_text(profile, "type");

	if (p->minor < 19 || !profile)
		return 0;
	if (!strcmp(type, "RuntimeDefault") || !strcmp(type, "Localhost"))
		return 1;
	add(p, GW_PSS_BASELINE, SECCOMP,
	    join(p, sc_path, "seccompProfile.type"),
	    *type ? gw_arena_printf(p->arena, "%s (" MUST_SECCOMP ")",
				    show(p, type))
		  : "unset (" MUST_SECCOMP ")");
	return -1;
}

/* runAsUser: 0 (v1.23+; not for pods in a user namespace from v1.35). */
static void check_run_as_user(struct pss *p, const struct gw_node *sc,
			      const char *sc_path)
{
	const struct gw_node *uid = get(sc, "runAsUser");

	if (p->minor < 23 || (p->minor >= 35 && p->userns))
		return;
	if (uid && uid->kind == GW_INT && uid->u.i == 0)
		add(p, GW_PSS_RESTRICTED, NON_ROOT_USER,
		    join(p, sc_path, "runAsUser"), "must not be 0");
}

static bool nonroot_relaxed(const struct pss *p)
{
	return p->minor >= 35 && p->userns;
}

/* ---- the pod ------------------------------------------------------------ */

/* metadata.annotations: AppArmor's, and seccomp's before v1.19. */
static bool is_container_name(const struct pss *p, const char *name)
{
	size_t l, i;

	for (l = 0; CONTAINER_LISTS[l]; l++) {
		const struct gw_node *list = get(p->spec, CONTAINER_LISTS[l]);

		for (i = 0; i < seq_len(list); i++)
			if (!strcmp(get_text(list->u.seq.items[i], "name"),
				    name))
				return true;
	}
	return false;
}

static const char *annotation_path(struct pss *p, const char *meta_path,
				   const struct gw_node *key)
{
	struct gw_buf path = { 0 };
	const char *s;

	gw_buf_puts(&path, meta_path);
	gw_buf_puts(&path, ".annotations");
	gw_path_key(&path, key->u.str.s, key->u.str.len);
	s = gw_arena_strndup(p->arena, path.data, path.len);
	gw_buf_release(&path);
	return s;
}

static void check_annotations(struct pss *p, const struct gw_node *meta,
			      const char *meta_path)
{
	const struct gw_node *annotations = get(meta, "annotations");
	size_t i;

	for (i = 0; i < map_len(annotations); i++) {
		const struct gw_node *key = annotations->u.map.pairs[i].key;
		const char *k = key->u.str.s;
		const char *v = text(annotations->u.map.pairs[i].value);

		if (has_prefix(k, APPARMOR_PREFIX) && *v &&
		    strcmp(v, "runtime/default") &&
		    !has_prefix(v, "localhost/"))
			add(p, GW_PSS_BASELINE, APPARMOR,
			    annotation_path(p, meta_path, key),
			    gw_arena_printf(p->arena, "%s (must be runtime/"
					    "default, localhost/* or empty)",
					    show(p, v)));
		if (p->minor < 19 &&
		    (!strcmp(k, SECCOMP_POD_KEY) ||
		     (has_prefix(k, SECCOMP_PREFIX) &&
		      is_container_name(p, k + strlen(SECCOMP_PREFIX)))) &&
		    strcmp(v, "runtime/default") &&
		    strcmp(v, "docker/default") && !has_prefix(v, "localhost/"))
			add(p, GW_PSS_BASELINE, SECCOMP,
			    annotation_path(p, meta_path, key),
			    gw_arena_printf(p->arena, "%s (must be runtime/"
					    "default, docker/default or "
					    "localhost/*)", show(p, v)));
	}
}

static void check_volumes(struct pss *p, const char *spec_path)
{
	const struct gw_node *volumes = get(p->spec, "volumes");
	size_t i, j;

	for (i = 0; i < seq_len(volumes); i++) {
		const struct gw_node *vol = volumes->u.seq.items[i];
		const char *path = gw_arena_printf(p->arena, "%s.volumes[%zu]",
						   spec_path, i);
		bool allowed = false;

		if (get(vol, "hostPath"))
			add(p, GW_PSS_BASELINE, HOST_PATH,
			    join(p, path, "hostPath"), "must not be set");
		for (j = 0; j < map_len(vol); j++) {
			const struct gw_pair *pair = &vol->u.map.pairs[j];

			if (pair->value->kind != GW_NULL &&
			    in_list(RESTRICTED_VOLUMES, pair->key->u.str.s))
				allowed = true;
		}
		for (j = 0; !allowed && j < map_len(vol); j++) {
			const struct gw_pair *pair = &vol->u.map.pairs[j];
			const char *type = pair->key->u.str.s;
			struct gw_buf at = { 0 };

			if (pair->value->kind == GW_NULL ||
			    !strcmp(type, "name") || !strcmp(type, "hostPath"))
				continue;
			gw_buf_puts(&at, path);
			gw_path_key(&at, type, pair->key->u.str.len);
			add(p, GW_PSS_RESTRICTED, VOLUME_TYPES,
			    gw_arena_strndup(p->arena, at.data, at.len),
			    gw_arena_printf(p->arena, "volume type %s is not "
					    "allowed", show(p, type)));
			gw_buf_release(&at);
		}
	}
}

static void check_sysctls(struct pss *p, const struct gw_node *sc,
			  const char *sc_path)
{
	const struct gw_node *sysctls = get(sc, "sysctls");
	size_t i;

	for (i = 0; i < seq_len(sysctls); i++) {
		const char *name = get_text(sysctls->u.seq.items[i], "name");
		int since = allowed_since(SAFE_SYSCTLS, name);
		const char *path = gw_arena_printf(p->arena,
						   "%s.sysctls[%zu].name",
						   sc_path, i);

		if (since < 0)
			add(p, GW_PSS_BASELINE, SYSCTLS, path,
			    gw_arena_printf(p->arena, "%s is not a safe "
					    "sysctl", show(p, name)));
		else if (since > p->minor)
			add(p, GW_PSS_BASELINE, SYSCTLS, path,
			    gw_arena_printf(p->arena, "%s is safe only from "
					    "v1.%d", show(p, name), since));
	}
}

/* Returns the pod's seccompProfile state (check_seccomp) and whether it
 * sets runAsNonRoot: true. */
static void check_pod(struct pss *p, const char *spec_path, int *seccomp,
		      bool *nonroot)
{
	static const char *const namespaces[] = {
		"hostNetwork", "hostPID", "hostIPC", NULL,
	};
	const struct gw_node *sc = get(p->spec, "securityContext");
	const char *sc_path = join(p, spec_path, "securityContext");
	size_t i;
	int v;

	for (i = 0; namespaces[i]; i++)
		if (get_bool(p->spec, namespaces[i]) == 1)
			add(p, GW_PSS_BASELINE, HOST_NAMESPACES,
			    join(p, spec_path, namespaces[i]),
			    "must not be true");
	check_volumes(p, spec_path);
	check_host_process(p, sc, sc_path);
	check_apparmor(p, sc, sc_path);
	check_selinux(p, sc, sc_path);
	*seccomp = check_seccomp(p, sc, sc_path);
	check_sysctls(p, sc, sc_path);
	v = get_bool(sc, "runAsNonRoot");
	*nonroot = v == 1;
	if (v == 0 && !nonroot_relaxed(p))
		add(p, GW_PSS_RESTRICTED, NON_ROOT,
		    join(p, sc_path, "runAsNonRoot"), "must be true");
	check_run_as_user(p, sc, sc_path);
}

/* ---- one container ------------------------------------------------------ */

static void check_capabilities(struct pss *p, const struct gw_node *sc,
			       const char *sc_path)
{
	const struct gw_node *caps = get(sc, "capabilities");
	const struct gw_node *added = get(caps, "add");
	const struct gw_node *drop = get(caps, "drop");
	const char *path = join(p, sc_path, "capabilities");
	bool restricted = p->minor >= 22 && !windows_exempt(p);
	struct gw_buf beyond_default = { 0 }, beyond_bind = { 0 };
	bool drops_all = false;
	size_t i;

	for (i = 0; i < seq_len(added); i++) {
		const char *cap = text(added->u.seq.items[i]);
		struct gw_buf *b = NULL;

		if (!in_list(DEFAULT_CAPS, cap))
			b = &beyond_default;
		else if (restricted && strcmp(cap, "NET_BIND_SERVICE"))
			b = &beyond_bind;
		if (b)
			gw_buf_printf(b, "%s%s", b->len ? ", " : "adds ", cap);
	}
	if (beyond_default.len)
		add(p, GW_PSS_BASELINE, CAPABILITIES, join(p, path, "add"),
		    gw_arena_strdup(p->arena, beyond_default.data));
	if (beyond_bind.len)
		add(p, GW_PSS_RESTRICTED, CAPABILITIES, join(p, path, "add"),
		    gw_arena_strdup(p->arena, beyond_bind.data));
	gw_buf_release(&beyond_default);
	gw_buf_release(&beyond_bind);
	if (!restricted)
		return;
	for (i = 0; i < seq_len(drop); i++)
		if (!strcmp(text(drop->u.seq.items[i]), "ALL"))
			drops_all = true;
	if (!drops_all)
		add(p, GW_PSS_RESTRICTED, CAPABILITIES, join(p, path, "drop"),
		    drop ? "does not include ALL" : "unset (must include ALL)");
}

static void check_host_ports(struct pss *p, const struct gw_node *c,
			     const char *c_path)
{
	const struct gw_node *ports = get(c, "ports");
	size_t i;

	for (i = 0; i < seq_len(ports); i++) {
		const struct gw_node *port = get(ports->u.seq.items[i],
						 "hostPort");

		if (port && port->kind == GW_INT && port->u.i != 0)
			add(p, GW_PSS_BASELINE, HOST_PORTS,
			    gw_arena_printf(p->arena, "%s.ports[%zu].hostPort",
					    c_path, i),
			    gw_arena_printf(p->arena, "%lld (must be 0 or "
					    "unset)", port->u.i));
	}
}

/* httpGet.host and tcpSocket.host of one probe or lifecycle handler. */
static void check_handler(struct pss *p, const struct gw_node *handler,
			  const char *path)
{
	size_t i;

	for (i = 0; HANDLERS[i]; i++) {
		const char *host = get_text(get(handler, HANDLERS[i]), "host");

		if (*host)
			add(p, GW_PSS_BASELINE, HOST_PROBES,
			    gw_arena_printf(p->arena, "%s.%s.host", path,
					    HANDLERS[i]),
			    gw_arena_printf(p->arena, "%s (must be empty or "
					    "unset)", show(p, host)));
	}
}

static void check_probes(struct pss *p, const struct gw_node *c,
			 const char *c_path)
{
	const struct gw_node *lifecycle = get(c, "lifecycle");
	size_t i;

	if (p->minor < 34)
		return;
	for (i = 0; PROBES[i]; i++)
		check_handler(p, get(c, PROBES[i]), join(p, c_path, PROBES[i]));
	for (i = 0; HOOKS[i]; i++)
		check_handler(p, get(lifecycle, HOOKS[i]),
			      gw_arena_printf(p->arena, "%s.lifecycle.%s",
					      c_path, HOOKS[i]));
}

static void check_container(struct pss *p, const struct gw_node *c,
			    const char *c_path, int pod_seccomp,
			    bool pod_nonroot)
{
	const struct gw_node *sc = get(c, "securityContext");
	const char *sc_path = join(p, c_path, "securityContext");
	const struct gw_node *proc = get(sc, "procMount");
	int v;

	check_host_process(p, sc, sc_path);
	if (get_bool(sc, "privileged") == 1)
		add(p, GW_PSS_BASELINE, PRIVILEGED,
		    join(p, sc_path, "privileged"), "must not be true");
	check_capabilities(p, sc, sc_path);
	check_host_ports(p, c, c_path);
	check_probes(p, c, c_path);
	check_apparmor(p, sc, sc_path);
	check_selinux(p, sc, sc_path);
	/* from v1.35, baseline lets a pod in a user namespace unmask /proc;
	 * restricted still does not */
	if (proc && strcmp(text(proc), "Default"))
		add(p, p->minor >= 35 && p->userns ? GW_PSS_RESTRICTED :
		    GW_PSS_BASELINE, PROC_MOUNT, join(p, sc_path, "procMount"),
		    gw_arena_printf(p->arena, "%s (must be Default or unset)",
				    show(p, text(proc))));
	/* unset here is refused only when the pod sets no profile either
	 * (a pod setting a refused one is already a baseline violation) */
	if (!check_seccomp(p, sc, sc_path) && !pod_seccomp &&
	    p->minor >= 19 && !windows_exempt(p))
		add(p, GW_PSS_RESTRICTED, SECCOMP,
		    join(p, sc_path, "seccompProfile.type"),
		    "unset (" MUST_SECCOMP ")");
	v = get_bool(sc, "allowPrivilegeEscalation");
	if (v != 0 && p->minor >= 8 && !windows_exempt(p))
		add(p, GW_PSS_RESTRICTED, PRIV_ESCALATION,
		    join(p, sc_path, "allowPrivilegeEscalation"),
		    v == 1 ? "must be false" : "unset (must be false)");
	v = get_bool(sc, "runAsNonRoot");
	if (!nonroot_relaxed(p) && (v == 0 || (v < 0 && !pod_nonroot)))
		add(p, GW_PSS_RESTRICTED, NON_ROOT,
		    join(p, sc_path, "runAsNonRoot"),
		    v == 0 ? "must be true" :
		    "unset (must be true here or at pod level)");
	check_run_as_user(p, sc, sc_path);
}

/* ---- the object --------------------------------------------------------- */

size_t gw_pss_evaluate(struct gw_arena *arena, const struct gw_node *obj,
		       int minor, struct gw_pss_violation **out)
{
	struct pss p = { .arena = arena, .minor = minor };
	const char *kind = get_text(obj, "kind");
	const struct gw_node *meta, *tmpl = NULL;
	const char *base;
	int pod_seccomp;
	bool pod_nonroot;
	size_t l, i;

	if (!strcmp(kind, "Pod")) {
		tmpl = obj;
		base = "";
	} else if (!strcmp(kind, "PodTemplate")) {
		tmpl = get(obj, "template");
		base = "template.";
	} else if (!strcmp(kind, "CronJob")) {
		tmpl = get(get(get(get(obj, "spec"), "jobTemplate"), "spec"),
			   "template");
		base = "spec.jobTemplate.spec.template.";
	} else {
		tmpl = get(get(obj, "spec"), "template");
		base = "spec.template.";
	}
	*out = NULL;
	p.spec = get(tmpl, "spec");
	if (!p.spec || p.spec->kind != GW_MAP)
		return 0;
	meta = get(tmpl, "metadata");
	p.windows = !strcmp(get_text(get(p.spec, "os"), "name"), "windows");
	p.userns = get_bool(p.spec, "hostUsers") == 0;

	check_annotations(&p, meta, gw_arena_printf(arena, "%smetadata", base));
	base = gw_arena_printf(arena, "%sspec", base);
	check_pod(&p, base, &pod_seccomp, &pod_nonroot);
	for (l = 0; CONTAINER_LISTS[l]; l++) {
		const struct gw_node *list = get(p.spec, CONTAINER_LISTS[l]);

		for (i = 0; i < seq_len(list); i++)
			check_container(&p, list->u.seq.items[i],
					gw_arena_printf(arena, "%s.%s[%zu]",
							base,
							CONTAINER_LISTS[l], i),
					pod_seccomp, pod_nonroot);
	}
	*out = p.items;
	return p.n;
}

enum gw_pss_level gw_pss_level_met(const struct gw_pss_violation *v,
				   size_t n)
{
	enum gw_pss_level lowest = GW_PSS_RESTRICTED + 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].level < lowest)
			lowest = v[i].level;
	return lowest == GW_PSS_PRIVILEGED ? GW_PSS_PRIVILEGED : lowest - 1;
}

/* ---- names -------------------------------------------------------------- */

static const char *const LEVEL_NAMES[] = {
	[GW_PSS_PRIVILEGED] = "privileged",
	[GW_PSS_BASELINE] = "baseline",
	[GW_PSS_RESTRICTED] = "restricted",
};

const char *gw_pss_level_name(enum gw_pss_level level)
{
	return LEVEL_NAMES[level];
}

int gw_pss_level_parse(const char *s, enum gw_pss_level *level)
{
	size_t i;

	for (i = 0; i < sizeof(LEVEL_NAMES) / sizeof(*LEVEL_NAMES); i++)
		if (!strcmp(s, LEVEL_NAMES[i])) {
			*level = (enum gw_pss_level)i;
			return 0;
		}
	return -1;
}

/* As k8s.io/pod-security-admission/api.ParseVersion: "latest", or "v1."
 * then 0 or a number without a leading zero that Go's strconv.Atoi takes
 * (at most INT64_MAX).  A minor beyond every check's behaves as latest,
 * so one above INT_MAX - 1 is kept as INT_MAX - 1. */
int gw_pss_version(const char *s, int *minor)
{
	unsigned long long n = 0;
	const char *d;

	*minor = -1;
	if (!strcmp(s, "latest")) {
		*minor = INT_MAX;
		return 0;
	}
	if (strncmp(s, "v1.", 3))
		return -1;
	d = s + 3;
	if (*d < '0' || *d > '9' || (*d == '0' && d[1]))
		return -1;
	for (; *d >= '0' && *d <= '9'; d++) {
		unsigned digit = (unsigned)(*d - '0');

		if (n > ((unsigned long long)INT64_MAX - digit) / 10)
			return -1;
		n = n * 10 + digit;
	}
	if (*d)
		return -1;
	*minor = n < INT_MAX ? (int)n : INT_MAX - 1;
	return 0;
}
