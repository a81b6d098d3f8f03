/*
 * k8s.c - Kubernetes objects as istiod's Go types see them.
 *
 * Consumes JSON-named trees (a Deployment, a Pod, a rendered injection
 * template) and produces what Go's typed round trip would: fields in struct
 * order, omitempty applied, zero structs materialised ("resources: {}",
 * "creationTimestamp: null"), quantities canonical.  Also: the strategic
 * merge patch of k8s.io/apimachinery (merge keys per field), the Go view of
 * a tree (field names as text/template sees them, zero values filled in).
 * Go's encoding/json and sigs.k8s.io/yaml output are gen/go/'s.
 *
 * The type table covers the fields of a Deployment that injection touches;
 * a key it does not know is kept as written (Go would drop it) so that no
 * data is lost silently, and a value of an unknown type is kept whole.
 */
#include <string.h>

#include "go.h"
#include "inject.h"

enum kt_kind {
	KT_ANY, KT_STR, KT_INT, KT_BOOL, KT_QTY, KT_INTSTR, KT_TIME,
	KT_STRUCT, KT_LIST, KT_MAP,
};

#define KF_OMIT 1u	/* omitempty */
#define KF_PTR 2u	/* a pointer: absent is nil, present is kept */

struct kt_field {
	const char *json, *go;		/* go NULL: json with a capital */
	const struct gw_k8s_type *type;
	unsigned flags;
	const char *merge_key;		/* a list merged by this key */
};

struct gw_k8s_type {
	enum kt_kind kind;
	const struct kt_field *fields;	/* KT_STRUCT, ends with json NULL */
	const struct gw_k8s_type *elem;	/* KT_LIST, KT_MAP */
};

static const struct gw_k8s_type T_ANY = { KT_ANY, NULL, NULL };
static const struct gw_k8s_type T_STR = { KT_STR, NULL, NULL };
static const struct gw_k8s_type T_INT = { KT_INT, NULL, NULL };
static const struct gw_k8s_type T_BOOL = { KT_BOOL, NULL, NULL };
static const struct gw_k8s_type T_QTY = { KT_QTY, NULL, NULL };
static const struct gw_k8s_type T_INTSTR = { KT_INTSTR, NULL, NULL };
static const struct gw_k8s_type T_TIME = { KT_TIME, NULL, NULL };
static const struct gw_k8s_type T_STRS = { KT_LIST, NULL, &T_STR };
static const struct gw_k8s_type T_INTS = { KT_LIST, NULL, &T_INT };
static const struct gw_k8s_type T_ANYS = { KT_LIST, NULL, &T_ANY };
static const struct gw_k8s_type T_STRMAP = { KT_MAP, NULL, &T_STR };
static const struct gw_k8s_type T_QTYMAP = { KT_MAP, NULL, &T_QTY };

#define STRUCT(name, ...) \
	static const struct kt_field name##_fields[] = { __VA_ARGS__, \
							  { NULL, NULL, NULL, 0, NULL } }; \
	static const struct gw_k8s_type name = { KT_STRUCT, name##_fields, NULL }
#define PUBLIC_STRUCT(name, ...) \
	static const struct kt_field name##_fields[] = { __VA_ARGS__, \
							  { NULL, NULL, NULL, 0, NULL } }; \
	const struct gw_k8s_type name = { KT_STRUCT, name##_fields, NULL }
#define LIST(name, elem) \
	static const struct gw_k8s_type name = { KT_LIST, NULL, &elem }
#define F(json, type, flags) { json, NULL, &type, flags, NULL }
#define G(json, go, type, flags) { json, go, &type, flags, NULL }
#define M(json, type, key) { json, NULL, &type, KF_OMIT, key }

STRUCT(T_LABEL_SELECTOR,
       F("matchLabels", T_STRMAP, KF_OMIT),
       F("matchExpressions", T_ANYS, KF_OMIT));

PUBLIC_STRUCT(gw_k8s_object_meta,
       F("name", T_STR, KF_OMIT), F("generateName", T_STR, KF_OMIT),
       F("namespace", T_STR, KF_OMIT), F("selfLink", T_STR, KF_OMIT),
       G("uid", "UID", T_STR, KF_OMIT),
       F("resourceVersion", T_STR, KF_OMIT), F("generation", T_INT, KF_OMIT),
       F("creationTimestamp", T_TIME, KF_OMIT),
       F("deletionTimestamp", T_TIME, KF_PTR),
       F("deletionGracePeriodSeconds", T_INT, KF_PTR),
       F("labels", T_STRMAP, KF_OMIT), F("annotations", T_STRMAP, KF_OMIT),
       F("ownerReferences", T_ANYS, KF_OMIT),
       F("finalizers", T_STRS, KF_OMIT),
       F("managedFields", T_ANYS, KF_OMIT));

STRUCT(T_CONTAINER_PORT,
       F("name", T_STR, KF_OMIT), F("hostPort", T_INT, KF_OMIT),
       F("containerPort", T_INT, 0), F("protocol", T_STR, KF_OMIT),
       G("hostIP", "HostIP", T_STR, KF_OMIT));
LIST(T_CONTAINER_PORTS, T_CONTAINER_PORT);

STRUCT(T_OBJECT_FIELD_SELECTOR,
       G("apiVersion", "APIVersion", T_STR, KF_OMIT),
       F("fieldPath", T_STR, 0));
STRUCT(T_RESOURCE_FIELD_SELECTOR,
       F("containerName", T_STR, KF_OMIT), F("resource", T_STR, 0),
       F("divisor", T_QTY, KF_OMIT));
STRUCT(T_ENV_VAR_SOURCE,
       F("fieldRef", T_OBJECT_FIELD_SELECTOR, KF_PTR),
       F("resourceFieldRef", T_RESOURCE_FIELD_SELECTOR, KF_PTR),
       F("configMapKeyRef", T_ANY, KF_PTR),
       F("secretKeyRef", T_ANY, KF_PTR));
STRUCT(T_ENV_VAR,
       F("name", T_STR, 0), F("value", T_STR, KF_OMIT),
       F("valueFrom", T_ENV_VAR_SOURCE, KF_PTR));
LIST(T_ENV_VARS, T_ENV_VAR);

STRUCT(T_RESOURCES,
       F("limits", T_QTYMAP, KF_OMIT), F("requests", T_QTYMAP, KF_OMIT),
       F("claims", T_ANYS, KF_OMIT));

STRUCT(T_VOLUME_MOUNT,
       F("name", T_STR, 0), F("readOnly", T_BOOL, KF_OMIT),
       F("recursiveReadOnly", T_STR, KF_PTR), F("mountPath", T_STR, 0),
       F("subPath", T_STR, KF_OMIT), F("mountPropagation", T_STR, KF_PTR),
       F("subPathExpr", T_STR, KF_OMIT));
LIST(T_VOLUME_MOUNTS, T_VOLUME_MOUNT);

STRUCT(T_HTTP_GET,
       F("path", T_STR, KF_OMIT), F("port", T_INTSTR, 0),
       F("host", T_STR, KF_OMIT), F("scheme", T_STR, KF_OMIT),
       G("httpHeaders", "HTTPHeaders", T_ANYS, KF_OMIT));
STRUCT(T_PROBE,
       F("exec", T_ANY, KF_PTR), G("httpGet", "HTTPGet", T_HTTP_GET, KF_PTR),
       G("tcpSocket", "TCPSocket", T_ANY, KF_PTR),
       G("grpc", "GRPC", T_ANY, KF_PTR),
       F("initialDelaySeconds", T_INT, KF_OMIT),
       F("timeoutSeconds", T_INT, KF_OMIT),
       F("periodSeconds", T_INT, KF_OMIT),
       F("successThreshold", T_INT, KF_OMIT),
       F("failureThreshold", T_INT, KF_OMIT),
       F("terminationGracePeriodSeconds", T_INT, KF_PTR));

STRUCT(T_CAPABILITIES,
       F("add", T_STRS, KF_OMIT), F("drop", T_STRS, KF_OMIT));
STRUCT(T_SECURITY_CONTEXT,
       F("capabilities", T_CAPABILITIES, KF_PTR),
       F("privileged", T_BOOL, KF_PTR),
       G("seLinuxOptions", "SELinuxOptions", T_ANY, KF_PTR),
       F("windowsOptions", T_ANY, KF_PTR),
       F("runAsUser", T_INT, KF_PTR), F("runAsGroup", T_INT, KF_PTR),
       F("runAsNonRoot", T_BOOL, KF_PTR),
       F("readOnlyRootFilesystem", T_BOOL, KF_PTR),
       F("allowPrivilegeEscalation", T_BOOL, KF_PTR),
       F("procMount", T_STR, KF_PTR), F("seccompProfile", T_ANY, KF_PTR),
       F("appArmorProfile", T_ANY, KF_PTR));

PUBLIC_STRUCT(gw_k8s_container,
       F("name", T_STR, 0), F("image", T_STR, KF_OMIT),
       F("command", T_STRS, KF_OMIT), F("args", T_STRS, KF_OMIT),
       F("workingDir", T_STR, KF_OMIT),
       M("ports", T_CONTAINER_PORTS, "containerPort"),
       F("envFrom", T_ANYS, KF_OMIT), M("env", T_ENV_VARS, "name"),
       F("resources", T_RESOURCES, KF_OMIT),
       F("resizePolicy", T_ANYS, KF_OMIT),
       F("restartPolicy", T_STR, KF_PTR),
       M("volumeMounts", T_VOLUME_MOUNTS, "mountPath"),
       M("volumeDevices", T_ANYS, "devicePath"),
       F("livenessProbe", T_PROBE, KF_PTR),
       F("readinessProbe", T_PROBE, KF_PTR),
       F("startupProbe", T_PROBE, KF_PTR), F("lifecycle", T_ANY, KF_PTR),
       F("terminationMessagePath", T_STR, KF_OMIT),
       F("terminationMessagePolicy", T_STR, KF_OMIT),
       F("imagePullPolicy", T_STR, KF_OMIT),
       F("securityContext", T_SECURITY_CONTEXT, KF_PTR),
       F("stdin", T_BOOL, KF_OMIT), F("stdinOnce", T_BOOL, KF_OMIT),
       G("tty", "TTY", T_BOOL, KF_OMIT));
LIST(T_CONTAINERS, gw_k8s_container);

STRUCT(T_POD_SECURITY_CONTEXT,
       G("seLinuxOptions", "SELinuxOptions", T_ANY, KF_PTR),
       F("windowsOptions", T_ANY, KF_PTR),
       F("runAsUser", T_INT, KF_PTR), F("runAsGroup", T_INT, KF_PTR),
       F("runAsNonRoot", T_BOOL, KF_PTR),
       F("supplementalGroups", T_INTS, KF_OMIT),
       F("supplementalGroupsPolicy", T_STR, KF_PTR),
       G("fsGroup", "FSGroup", T_INT, KF_PTR),
       F("sysctls", T_ANYS, KF_OMIT),
       F("fsGroupChangePolicy", T_STR, KF_PTR),
       F("seccompProfile", T_ANY, KF_PTR),
       F("appArmorProfile", T_ANY, KF_PTR),
       G("seLinuxChangePolicy", "SELinuxChangePolicy", T_STR, KF_PTR));

STRUCT(T_EMPTY_DIR,
       F("medium", T_STR, KF_OMIT), F("sizeLimit", T_QTY, KF_PTR));
STRUCT(T_VOLUME,
       F("name", T_STR, 0), F("hostPath", T_ANY, KF_PTR),
       F("emptyDir", T_EMPTY_DIR, KF_PTR),
       F("gcePersistentDisk", T_ANY, KF_PTR),
       F("awsElasticBlockStore", T_ANY, KF_PTR),
       F("gitRepo", T_ANY, KF_PTR), F("secret", T_ANY, KF_PTR),
       G("nfs", "NFS", T_ANY, KF_PTR), G("iscsi", "ISCSI", T_ANY, KF_PTR),
       F("glusterfs", T_ANY, KF_PTR),
       F("persistentVolumeClaim", T_ANY, KF_PTR),
       G("rbd", "RBD", T_ANY, KF_PTR), F("flexVolume", T_ANY, KF_PTR),
       F("cinder", T_ANY, KF_PTR), G("cephfs", "CephFS", T_ANY, KF_PTR),
       F("flocker", T_ANY, KF_PTR), F("downwardAPI", T_ANY, KF_PTR),
       G("fc", "FC", T_ANY, KF_PTR), F("azureFile", T_ANY, KF_PTR),
       F("configMap", T_ANY, KF_PTR), F("vsphereVolume", T_ANY, KF_PTR),
       F("quobyte", T_ANY, KF_PTR), F("azureDisk", T_ANY, KF_PTR),
       F("photonPersistentDisk", T_ANY, KF_PTR),
       F("projected", T_ANY, KF_PTR), F("portworxVolume", T_ANY, KF_PTR),
       F("scaleIO", T_ANY, KF_PTR), F("storageos", T_ANY, KF_PTR),
       G("csi", "CSI", T_ANY, KF_PTR), F("ephemeral", T_ANY, KF_PTR),
       F("image", T_ANY, KF_PTR));
LIST(T_VOLUMES, T_VOLUME);

STRUCT(T_LOCAL_OBJECT_REFERENCE, F("name", T_STR, KF_OMIT));
LIST(T_LOCAL_OBJECT_REFERENCES, T_LOCAL_OBJECT_REFERENCE);

PUBLIC_STRUCT(gw_k8s_pod_spec,
       M("volumes", T_VOLUMES, "name"),
       M("initContainers", T_CONTAINERS, "name"),
       { "containers", NULL, &T_CONTAINERS, 0, "name" },
       M("ephemeralContainers", T_ANYS, "name"),
       F("restartPolicy", T_STR, KF_OMIT),
       F("terminationGracePeriodSeconds", T_INT, KF_PTR),
       F("activeDeadlineSeconds", T_INT, KF_PTR),
       G("dnsPolicy", "DNSPolicy", T_STR, KF_OMIT),
       F("nodeSelector", T_STRMAP, KF_OMIT),
       F("serviceAccountName", T_STR, KF_OMIT),
       G("serviceAccount", "DeprecatedServiceAccount", T_STR, KF_OMIT),
       F("automountServiceAccountToken", T_BOOL, KF_PTR),
       F("nodeName", T_STR, KF_OMIT), F("hostNetwork", T_BOOL, KF_OMIT),
       G("hostPID", "HostPID", T_BOOL, KF_OMIT),
       G("hostIPC", "HostIPC", T_BOOL, KF_OMIT),
       F("shareProcessNamespace", T_BOOL, KF_PTR),
       F("securityContext", T_POD_SECURITY_CONTEXT, KF_PTR),
       M("imagePullSecrets", T_LOCAL_OBJECT_REFERENCES, "name"),
       F("hostname", T_STR, KF_OMIT), F("subdomain", T_STR, KF_OMIT),
       F("affinity", T_ANY, KF_PTR), F("schedulerName", T_STR, KF_OMIT),
       F("tolerations", T_ANYS, KF_OMIT),
       M("hostAliases", T_ANYS, "ip"),
       F("priorityClassName", T_STR, KF_OMIT),
       F("priority", T_INT, KF_PTR),
       G("dnsConfig", "DNSConfig", T_ANY, KF_PTR),
       F("readinessGates", T_ANYS, KF_OMIT),
       F("runtimeClassName", T_STR, KF_PTR),
       F("enableServiceLinks", T_BOOL, KF_PTR),
       F("preemptionPolicy", T_STR, KF_PTR),
       F("overhead", T_QTYMAP, KF_OMIT),
       M("topologySpreadConstraints", T_ANYS, "topologyKey"),
       G("setHostnameAsFQDN", "SetHostnameAsFQDN", T_BOOL, KF_PTR),
       G("os", "OS", T_ANY, KF_PTR), F("hostUsers", T_BOOL, KF_PTR),
       M("schedulingGates", T_ANYS, "name"),
       M("resourceClaims", T_ANYS, "name"),
       F("resources", T_RESOURCES, KF_PTR));

STRUCT(T_POD_TEMPLATE,
       F("metadata", gw_k8s_object_meta, KF_OMIT),
       F("spec", gw_k8s_pod_spec, KF_OMIT));

PUBLIC_STRUCT(gw_k8s_pod,
       F("kind", T_STR, KF_OMIT), G("apiVersion", "APIVersion", T_STR, KF_OMIT),
       F("metadata", gw_k8s_object_meta, KF_OMIT),
       F("spec", gw_k8s_pod_spec, KF_OMIT),
       F("status", T_ANY, KF_OMIT));

STRUCT(T_DEPLOYMENT_STRATEGY,
       F("type", T_STR, KF_OMIT), F("rollingUpdate", T_ANY, KF_PTR));
STRUCT(T_DEPLOYMENT_STATUS,
       F("observedGeneration", T_INT, KF_OMIT),
       F("replicas", T_INT, KF_OMIT), F("updatedReplicas", T_INT, KF_OMIT),
       F("readyReplicas", T_INT, KF_OMIT),
       F("availableReplicas", T_INT, KF_OMIT),
       F("unavailableReplicas", T_INT, KF_OMIT),
       F("terminatingReplicas", T_INT, KF_PTR),
       F("conditions", T_ANYS, KF_OMIT),
       F("collisionCount", T_INT, KF_PTR));
STRUCT(T_DEPLOYMENT_SPEC,
       F("replicas", T_INT, KF_PTR),
       F("selector", T_LABEL_SELECTOR, KF_PTR),
       F("template", T_POD_TEMPLATE, 0),
       F("strategy", T_DEPLOYMENT_STRATEGY, KF_OMIT),
       F("minReadySeconds", T_INT, KF_OMIT),
       F("revisionHistoryLimit", T_INT, KF_PTR),
       F("paused", T_BOOL, KF_OMIT),
       F("progressDeadlineSeconds", T_INT, KF_PTR));
PUBLIC_STRUCT(gw_k8s_deployment,
       F("kind", T_STR, KF_OMIT), G("apiVersion", "APIVersion", T_STR, KF_OMIT),
       F("metadata", gw_k8s_object_meta, KF_OMIT),
       F("spec", T_DEPLOYMENT_SPEC, KF_OMIT),
       F("status", T_DEPLOYMENT_STATUS, KF_OMIT));

/* ---- the typed round trip --------------------------------------------- */

static const struct kt_field *field_of(const struct gw_k8s_type *t,
				       const char *json)
{
	const struct kt_field *f;

	if (!t || t->kind != KT_STRUCT)
		return NULL;
	for (f = t->fields; f->json; f++)
		if (!strcmp(f->json, json))
			return f;
	return NULL;
}

static bool is_empty(const struct gw_node *n)
{
	switch (n->kind) {
	case GW_NULL: return true;
	case GW_BOOL: return !n->u.b;
	case GW_INT: return !n->u.i;
	case GW_NUM: return n->u.num == 0;
	case GW_STR: return !n->u.str.len;
	case GW_SEQ: return !n->u.seq.n;
	case GW_MAP: return !n->u.map.n;
	}
	return false;
}

/* The zero value Go's encoding/json writes for an absent field. */
static struct gw_node *zero_json(struct gw_arena *arena,
				 const struct gw_k8s_type *t)
{
	switch (t->kind) {
	case KT_STR: return gw_node_str(arena, "");
	case KT_INT: return gw_node_int(arena, 0);
	case KT_BOOL: return gw_node_bool(arena, false);
	case KT_QTY: return gw_node_str(arena, "0");
	case KT_STRUCT: return gw_k8s_normalize(arena, NULL, t);
	default: return gw_node_new(arena, GW_NULL);
	}
}

struct gw_node *gw_k8s_normalize(struct gw_arena *arena,
				 const struct gw_node *n,
				 const struct gw_k8s_type *t)
{
	struct gw_node *out;
	size_t i;

	if (t->kind == KT_STRUCT) {
		const struct kt_field *f;

		if (n && n->kind != GW_MAP)
			return gw_node_copy(arena, n);
		out = gw_node_map(arena);
		for (f = t->fields; f->json; f++) {
			const struct gw_node *v = n ? gw_map_get(n, f->json)
						    : NULL;
			bool absent = !v || v->kind == GW_NULL;

			if (f->type->kind == KT_STRUCT && !(f->flags & KF_PTR)) {
				gw_map_put(arena, out, f->json,
					   gw_k8s_normalize(arena, absent ? NULL
							    : v, f->type));
			} else if (f->type->kind == KT_QTY &&
				   !(f->flags & KF_PTR) && absent) {
				gw_map_put(arena, out, f->json,
					   gw_node_str(arena, "0"));
			} else if (f->type->kind == KT_TIME &&
				   !(f->flags & KF_PTR) && absent) {
				gw_map_put(arena, out, f->json,
					   gw_node_new(arena, GW_NULL));
			} else if (absent) {
				if (!(f->flags & (KF_OMIT | KF_PTR)))
					gw_map_put(arena, out, f->json,
						   zero_json(arena, f->type));
			} else if ((f->flags & KF_OMIT) && is_empty(v)) {
				continue;
			} else {
				gw_map_put(arena, out, f->json,
					   gw_k8s_normalize(arena, v, f->type));
			}
		}
		if (n)
			for (i = 0; i < n->u.map.n; i++) {
				const struct gw_pair *p = &n->u.map.pairs[i];

				if (!field_of(t, p->key->u.str.s))
					gw_map_put(arena, out, p->key->u.str.s,
						   gw_node_copy(arena, p->value));
			}
		return out;
	}
	if (!n)
		return gw_node_new(arena, GW_NULL);
	if (t->kind == KT_LIST && n->kind == GW_SEQ) {
		out = gw_node_seq(arena);
		for (i = 0; i < n->u.seq.n; i++)
			gw_seq_push(arena, out, gw_k8s_normalize(arena,
					n->u.seq.items[i], t->elem));
		return out;
	}
	if (t->kind == KT_MAP && n->kind == GW_MAP) {
		out = gw_node_map(arena);
		for (i = 0; i < n->u.map.n; i++)
			gw_map_put(arena, out, n->u.map.pairs[i].key->u.str.s,
				   gw_k8s_normalize(arena,
						    n->u.map.pairs[i].value,
						    t->elem));
		return out;
	}
	if (t->kind == KT_QTY && (n->kind == GW_STR || n->kind == GW_INT ||
				  n->kind == GW_NUM)) {
		const char *s = n->kind == GW_STR ? n->u.str.s : n->src;
		char *c = NULL;
		char num[32];

		if (!s) {
			gw_format_number(num, n->kind == GW_INT ?
					 (double)n->u.i : n->u.num);
			s = num;
		}
		c = gw_quantity_canonical(arena, s);
		if (c)
			return gw_node_str(arena, c);
	}
	return gw_node_copy(arena, n);
}

/* ---- the Go view: field names as text/template sees them -------------- */

static const char *go_name(struct gw_arena *arena, const struct kt_field *f,
			   const char *json)
{
	char *s;

	if (f && f->go)
		return f->go;
	s = gw_arena_strdup(arena, json);
	if (*s >= 'a' && *s <= 'z')
		*s = (char)(*s - 'a' + 'A');
	return s;
}

static struct gw_node *go_view(struct gw_arena *arena, const struct gw_node *n,
			       const struct gw_k8s_type *t);

static struct gw_node *zero_go(struct gw_arena *arena,
			       const struct kt_field *f)
{
	if (f->flags & KF_PTR)
		return gw_node_new(arena, GW_NULL);
	switch (f->type->kind) {
	case KT_STR: return gw_node_str(arena, "");
	case KT_INT: return gw_node_int(arena, 0);
	case KT_BOOL: return gw_node_bool(arena, false);
	case KT_QTY: return gw_node_str(arena, "0");
	case KT_LIST: return gw_node_seq(arena);
	case KT_MAP: return gw_node_map(arena);
	case KT_STRUCT: return go_view(arena, NULL, f->type);
	default: return gw_node_new(arena, GW_NULL);
	}
}

/* @n is normalized: a struct's JSON is its tree, written as it is. */
static struct gw_node *go_view(struct gw_arena *arena, const struct gw_node *n,
			       const struct gw_k8s_type *t)
{
	struct gw_node *out;
	size_t i;

	if (t->kind == KT_STRUCT && (!n || n->kind == GW_MAP)) {
		const struct kt_field *f;
		struct gw_buf json = { 0 };

		out = gw_node_map(arena);
		for (f = t->fields; f->json; f++) {
			const struct gw_node *v = n ? gw_map_get(n, f->json)
						    : NULL;

			gw_map_put(arena, out, go_name(arena, f, f->json),
				   v && v->kind != GW_NULL ?
				   go_view(arena, v, f->type) :
				   zero_go(arena, f));
		}
		if (n)
			for (i = 0; i < n->u.map.n; i++) {
				const struct gw_pair *p = &n->u.map.pairs[i];

				if (!field_of(t, p->key->u.str.s))
					gw_map_put(arena, out,
						   go_name(arena, NULL,
							   p->key->u.str.s),
						   gw_node_copy(arena, p->value));
			}
		/* a Go struct: structToJSON prints its encoding/json bytes */
		gw_go_json_write(&json, n ? n : gw_k8s_normalize(arena, NULL, t),
				 GW_GO_JSON_HTML);
		out->src = gw_arena_strndup(arena, json.data, json.len);
		gw_buf_release(&json);
		return out;
	}
	if (!n)
		return gw_node_new(arena, GW_NULL);
	if (t->kind == KT_LIST && n->kind == GW_SEQ) {
		out = gw_node_seq(arena);
		for (i = 0; i < n->u.seq.n; i++)
			gw_seq_push(arena, out, go_view(arena,
					n->u.seq.items[i], t->elem));
		return out;
	}
	if (t->kind == KT_MAP && n->kind == GW_MAP) {
		out = gw_node_map(arena);
		for (i = 0; i < n->u.map.n; i++)
			gw_map_put(arena, out, n->u.map.pairs[i].key->u.str.s,
				   go_view(arena, n->u.map.pairs[i].value,
					   t->elem));
		return out;
	}
	return gw_node_copy(arena, n);
}

struct gw_node *gw_k8s_go_view(struct gw_arena *arena,
			       const struct gw_node *n,
			       const struct gw_k8s_type *t)
{
	return go_view(arena, n ? gw_k8s_normalize(arena, n, t) : NULL, t);
}

/* ---- strategic merge patch -------------------------------------------- */

/* A patch value that is new to the original, its nulls dropped
 * (IgnoreUnmatchedNulls). */
static struct gw_node *drop_nulls(struct gw_arena *arena,
				  const struct gw_node *n)
{
	struct gw_node *out;
	size_t i;

	if (n->kind != GW_MAP)
		return gw_node_copy(arena, n);
	out = gw_node_map(arena);
	out->mark = n->mark;
	for (i = 0; i < n->u.map.n; i++)
		if (n->u.map.pairs[i].value->kind != GW_NULL)
			gw_map_put(arena, out, n->u.map.pairs[i].key->u.str.s,
				   drop_nulls(arena, n->u.map.pairs[i].value));
	return out;
}

static struct gw_node *merge_map(struct gw_arena *arena, struct gw_node *orig,
				 const struct gw_node *patch,
				 const struct gw_k8s_type *t);

/* A new map with the pairs of @m: the merge changes it, never @m. */
static struct gw_node *shallow_map(struct gw_arena *arena,
				   const struct gw_node *m)
{
	struct gw_node *out = gw_node_map(arena);
	size_t i;

	out->mark = m->mark;
	for (i = 0; i < m->u.map.n; i++)
		gw_map_put(arena, out, m->u.map.pairs[i].key->u.str.s,
			   m->u.map.pairs[i].value);
	return out;
}

/* The merge key's value in @item, or NULL (not a map, or without it). */
static const struct gw_node *key_of(const struct gw_node *item,
				    const char *key)
{
	return item->kind == GW_MAP ? gw_map_get(item, key) : NULL;
}

/* Indexes the items of @list by their merge key's value (the first item
 * of each value), so that each lookup takes constant time. */
static void index_list(struct gw_index *ix, const struct gw_node *list,
		       const char *key)
{
	size_t i;

	for (i = 0; i < list->u.seq.n; i++) {
		const struct gw_node *v = key_of(list->u.seq.items[i], key);

		if (v)
			gw_index_add(ix, v, i);
	}
}

/* The position in the list @ix indexes of the first item whose merge key
 * equals @item's, or -1. */
static long index_by_key(const struct gw_index *ix, const char *key,
			 const struct gw_node *item)
{
	const struct gw_node *want = key_of(item, key);
	size_t at;

	return want && gw_index_find(ix, want, &at) ? (long)at : -1;
}

/* mergeSlice of strategicpatch for a list of maps with a merge key, with
 * its element order: patch items in patch order, server-only items
 * interleaved where the original order places them.  Each list is
 * indexed by merge key once: linear time, however long the lists. */
static struct gw_node *merge_list(struct gw_arena *arena,
				  const struct gw_node *orig,
				  const struct gw_node *patch, const char *key,
				  const struct gw_k8s_type *elem)
{
	struct gw_node *merged = gw_node_seq(arena), *out;
	struct gw_node **left, **right;
	struct gw_index in_orig = { 0 }, in_merged = { 0 }, in_patch = { 0 };
	size_t i, nl = 0, nr = 0, a = 0, b = 0;

	for (i = 0; i < orig->u.seq.n; i++)
		gw_seq_push(arena, merged, orig->u.seq.items[i]);
	index_list(&in_orig, orig, key);
	index_list(&in_merged, merged, key);
	index_list(&in_patch, patch, key);
	for (i = 0; i < patch->u.seq.n; i++) {
		const struct gw_node *p = patch->u.seq.items[i];
		long at = index_by_key(&in_merged, key, p);

		if (at >= 0) {
			merged->u.seq.items[at] = merge_map(arena,
				merged->u.seq.items[at], p, elem);
		} else {
			struct gw_node *item = drop_nulls(arena, p);
			const struct gw_node *v = key_of(item, key);

			if (v)
				gw_index_add(&in_merged, v, merged->u.seq.n);
			gw_seq_push(arena, merged, item);
		}
	}
	left = gw_arena_alloc(arena, (merged->u.seq.n + 1) * sizeof(*left));
	right = gw_arena_alloc(arena, (patch->u.seq.n + 1) * sizeof(*right));
	for (i = 0; i < merged->u.seq.n; i++)
		if (index_by_key(&in_patch, key, merged->u.seq.items[i]) < 0)
			left[nl++] = merged->u.seq.items[i];
	for (i = 0; i < patch->u.seq.n; i++) {
		long at = index_by_key(&in_merged, key, patch->u.seq.items[i]);

		if (at >= 0 && index_by_key(&in_patch, key,
					    merged->u.seq.items[at]) == (long)i)
			right[nr++] = merged->u.seq.items[at];
	}
	out = gw_node_seq(arena);
	while (a < nl || b < nr) {
		if (a < nl && b < nr) {
			long li = index_by_key(&in_orig, key, left[a]);
			long ri = index_by_key(&in_orig, key, right[b]);

			if (li >= 0 && ri >= 0 && li < ri)
				gw_seq_push(arena, out, left[a++]);
			else
				gw_seq_push(arena, out, right[b++]);
		} else if (a < nl) {
			gw_seq_push(arena, out, left[a++]);
		} else {
			gw_seq_push(arena, out, right[b++]);
		}
	}
	gw_index_release(&in_orig);
	gw_index_release(&in_merged);
	gw_index_release(&in_patch);
	return out;
}

/* Deleted pairs (a null in the patch) are marked with a NULL value and
 * squeezed out at the end: one pass, not one per deletion. */
static struct gw_node *merge_map(struct gw_arena *arena, struct gw_node *orig,
				 const struct gw_node *patch,
				 const struct gw_k8s_type *t)
{
	struct gw_index ix = { 0 };
	size_t i, kept;

	if (!orig || orig->kind != GW_MAP || patch->kind != GW_MAP)
		return drop_nulls(arena, patch);
	orig = shallow_map(arena, orig);
	gw_index_map(&ix, orig);
	for (i = 0; i < patch->u.map.n; i++) {
		struct gw_node *k = patch->u.map.pairs[i].key;
		const struct gw_node *pv = patch->u.map.pairs[i].value;
		const struct kt_field *f = field_of(t, k->u.str.s);
		const struct gw_k8s_type *ft = f ? f->type :
			t && t->kind == KT_MAP ? t->elem : &T_ANY;
		struct gw_pair *op;
		size_t at;

		if (!gw_index_find(&ix, k, &at) ||
		    !orig->u.map.pairs[at].value) {
			if (pv->kind != GW_NULL)
				gw_index_put(arena, &ix, orig, k,
					     drop_nulls(arena, pv));
			continue;
		}
		op = &orig->u.map.pairs[at];
		if (pv->kind == GW_NULL)
			op->value = NULL;
		else if (op->value->kind == GW_MAP && pv->kind == GW_MAP)
			op->value = merge_map(arena, op->value, pv, ft);
		else if (op->value->kind == GW_SEQ && pv->kind == GW_SEQ &&
			 f && f->merge_key)
			op->value = merge_list(arena, op->value, pv,
					       f->merge_key, ft->elem);
		else
			op->value = drop_nulls(arena, pv);
	}
	gw_index_release(&ix);
	for (i = kept = 0; i < orig->u.map.n; i++)
		if (orig->u.map.pairs[i].value)
			orig->u.map.pairs[kept++] = orig->u.map.pairs[i];
	orig->u.map.n = kept;
	return orig;
}

struct gw_node *gw_k8s_merge(struct gw_arena *arena,
			     const struct gw_node *original,
			     const struct gw_node *patch,
			     const struct gw_k8s_type *t)
{
	if (!original || original->kind != GW_MAP)
		original = gw_node_map(arena);
	if (!patch || patch->kind != GW_MAP)
		return gw_node_copy(arena, original);
	return merge_map(arena, (struct gw_node *)original, patch, t);
}
