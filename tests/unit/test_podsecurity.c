/*
 * test_podsecurity.c - gw_pss_evaluate(): every control of the baseline
 * and restricted Pod Security Standards, a pod that meets it and one that
 * breaks it, and the policy versions that change them; expected results
 * from https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * (the control's row is cited by name) and Pod Security Admission's checks.
 */
#include <limits.h>

#include "unit.h"

#define LATEST INT_MAX

/* Every violation of @yaml at v1.@minor, one "level: control: path: detail"
 * line each, must be @want exactly; the level met must be @met. */
static void check_at(const char *yaml, int minor, const char *want,
		     enum gw_pss_level met)
{
	struct unit_load u;
	struct gw_pss_violation *v;
	struct gw_buf got = { 0 };
	size_t n, i;

	unit_load_one(&u, yaml);
	n = gw_pss_evaluate(u.arena, u.docs[0], minor, &v);
	for (i = 0; i < n; i++)
		gw_buf_printf(&got, "%s: %s: %s: %s\n",
			      gw_pss_level_name(v[i].level), v[i].control,
			      v[i].path, v[i].detail);
	if (strcmp(got.len ? got.data : "", want))
		fail_msg("at v1.%d:\n%s\ngot:\n%s\nwant:\n%s", minor, yaml,
			 got.len ? got.data : "", want);
	if (!n)
		assert_null(v);
	assert_int_equal(gw_pss_level_met(v, n), met);
	gw_buf_release(&got);
	unit_load_done(&u);
}

static void check(const char *yaml, const char *want, enum gw_pss_level met)
{
	check_at(yaml, LATEST, want, met);
}

/* A pod that meets restricted: every restricted field set as required.
 * POD(spec, pod securityContext, container, container securityContext)
 * adds to it (each starting with ", " except @spec, which ends with one). */
#define PSC_OK "runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}"
#define CSC_OK "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}"
#define POD(spec, psc, c, csc) \
	"kind: Pod\nmetadata: {name: p}\nspec: {" spec "securityContext: {" \
	PSC_OK psc "}, containers: [{name: app" c ", securityContext: {" \
	CSC_OK csc "}}]}\n"
/* The same with pod annotations. */
#define POD_ANN(ann) \
	"kind: Pod\nmetadata: {name: p, annotations: {" ann "}}\n" \
	"spec: {securityContext: {" PSC_OK "}, containers: [{name: app, " \
	"securityContext: {" CSC_OK "}}]}\n"
/* A pod spec written whole. */
#define RAW(spec) "kind: Pod\nmetadata: {name: p}\nspec: {" spec "}\n"

#define B "baseline: "
#define R "restricted: "
#define C0 "spec.containers[0]"
#define SC0 C0 ".securityContext"

static void test_restricted_pod_meets_all(void **state)
{
	(void)state;
	check(POD("", "", "", ""), "", GW_PSS_RESTRICTED);
	check_at(POD("", "", "", ""), 0, "", GW_PSS_RESTRICTED);
}

/* ---- baseline ----------------------------------------------------------- */

/* Baseline row "HostProcess": spec.securityContext.windowsOptions.hostProcess,
 * spec.containers[*]...; allowed: undefined/nil, false. */
static void test_host_process(void **state)
{
	(void)state;
	check(POD("", ", windowsOptions: {hostProcess: false}", "",
		  ", windowsOptions: {hostProcess: false}"), "",
	      GW_PSS_RESTRICTED);
	check(POD("", ", windowsOptions: {hostProcess: true}", "",
		  ", windowsOptions: {hostProcess: true}"),
	      B "HostProcess: spec.securityContext.windowsOptions.hostProcess: "
	      "must not be true\n"
	      B "HostProcess: " SC0 ".windowsOptions.hostProcess: "
	      "must not be true\n", GW_PSS_PRIVILEGED);
}

/* Baseline row "Host Namespaces": spec.hostNetwork, spec.hostPID,
 * spec.hostIPC; allowed: undefined/nil, false. */
static void test_host_namespaces(void **state)
{
	(void)state;
	check(POD("hostNetwork: false, hostPID: false, hostIPC: false, ", "",
		  "", ""), "", GW_PSS_RESTRICTED);
	check(POD("hostNetwork: true, hostPID: true, hostIPC: true, ", "",
		  "", ""),
	      B "Host Namespaces: spec.hostNetwork: must not be true\n"
	      B "Host Namespaces: spec.hostPID: must not be true\n"
	      B "Host Namespaces: spec.hostIPC: must not be true\n",
	      GW_PSS_PRIVILEGED);
}

/* Baseline row "Privileged Containers": spec.containers[*].securityContext
 * .privileged; allowed: undefined/nil, false. */
static void test_privileged(void **state)
{
	(void)state;
	check(POD("", "", "", ", privileged: false"), "", GW_PSS_RESTRICTED);
	check(POD("", "", "", ", privileged: true"),
	      B "Privileged Containers: " SC0 ".privileged: must not be true\n",
	      GW_PSS_PRIVILEGED);
}

/* Baseline row "Capabilities": spec.containers[*].securityContext
 * .capabilities.add; allowed: undefined/nil, AUDIT_WRITE, CHOWN,
 * DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP,
 * SETGID, SETPCAP, SETUID, SYS_CHROOT. */
static void test_capabilities_baseline(void **state)
{
	(void)state;
	check(RAW("containers: [{name: app, securityContext: {capabilities: "
		  "{add: [AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, "
		  "KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, "
		  "SETUID, SYS_CHROOT]}}}]"),
	      R "Capabilities: " SC0 ".capabilities.add: adds AUDIT_WRITE, "
	      "CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, SETFCAP, "
	      "SETGID, SETPCAP, SETUID, SYS_CHROOT\n"
	      R "Capabilities: " SC0 ".capabilities.drop: unset (must include "
	      "ALL)\n"
	      R "Seccomp: " SC0 ".seccompProfile.type: unset (must be "
	      "RuntimeDefault or Localhost)\n"
	      R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: unset "
	      "(must be false)\n"
	      R "Running as Non-root: " SC0 ".runAsNonRoot: unset (must be "
	      "true here or at pod level)\n", GW_PSS_BASELINE);
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {allowPrivilegeEscalation: false, "
		  "capabilities: {drop: [ALL], add: [NET_ADMIN]}}}]"),
	      B "Capabilities: " SC0 ".capabilities.add: adds NET_ADMIN\n",
	      GW_PSS_PRIVILEGED);
	/* beyond the default set: baseline; within it: restricted only */
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {allowPrivilegeEscalation: false, "
		  "capabilities: {add: [CHOWN, NET_ADMIN, SYS_TIME], "
		  "drop: [ALL]}}}]"),
	      B "Capabilities: " SC0 ".capabilities.add: adds NET_ADMIN, "
	      "SYS_TIME\n"
	      R "Capabilities: " SC0 ".capabilities.add: adds CHOWN\n",
	      GW_PSS_PRIVILEGED);
	/* admission compares names exactly: "net_admin" is not NET_ADMIN but
	 * is not in the default set either */
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {allowPrivilegeEscalation: false, "
		  "capabilities: {add: [chown], drop: [ALL]}}}]"),
	      B "Capabilities: " SC0 ".capabilities.add: adds chown\n",
	      GW_PSS_PRIVILEGED);
}

/* Baseline row "HostPath Volumes": spec.volumes[*].hostPath; allowed:
 * undefined/nil. */
static void test_host_path(void **state)
{
	(void)state;
	check(POD("volumes: [{name: v, emptyDir: {}}], ", "", "", ""), "",
	      GW_PSS_RESTRICTED);
	/* a null source is unset */
	check(POD("volumes: [{name: v, hostPath: null, emptyDir: {}}], ", "",
		  "", ""), "", GW_PSS_RESTRICTED);
	/* one violation: restricted's Volume Types does not repeat it */
	check(POD("volumes: [{name: v, hostPath: {path: /var/run}}], ", "",
		  "", ""),
	      B "HostPath Volumes: spec.volumes[0].hostPath: must not be set\n",
	      GW_PSS_PRIVILEGED);
}

/* Baseline row "Host Ports": spec.containers[*].ports[*].hostPort;
 * allowed: undefined/nil, 0. */
static void test_host_ports(void **state)
{
	(void)state;
	check(POD("", "", ", ports: [{containerPort: 80, hostPort: 0}, "
		  "{containerPort: 81}]", ""), "", GW_PSS_RESTRICTED);
	check(POD("", "", ", ports: [{containerPort: 80}, {containerPort: 443,"
		  " hostPort: 8443}]", ""),
	      B "Host Ports: " C0 ".ports[1].hostPort: 8443 (must be 0 or "
	      "unset)\n", GW_PSS_PRIVILEGED);
}

/* Baseline row "Host Probes / Lifecycle Hooks (v1.34+)": the host of
 * httpGet and tcpSocket in probes and lifecycle hooks; allowed:
 * undefined/nil, "". */
static void test_host_probes(void **state)
{
	static const char bad[] =
		POD("", "", ", livenessProbe: {httpGet: {host: 10.0.0.1, "
		    "port: 80}}, readinessProbe: {tcpSocket: {port: 80}}, "
		    "lifecycle: {preStop: {tcpSocket: {host: db, port: 5432}}}",
		    "");

	(void)state;
	check(POD("", "", ", livenessProbe: {httpGet: {host: '', port: 80}}, "
		  "lifecycle: {postStart: {httpGet: {port: 80}}}", ""), "",
	      GW_PSS_RESTRICTED);
	check(bad,
	      B "Host Probes / Lifecycle Hooks: " C0 ".livenessProbe.httpGet"
	      ".host: '10.0.0.1' (must be empty or unset)\n"
	      B "Host Probes / Lifecycle Hooks: " C0 ".lifecycle.preStop"
	      ".tcpSocket.host: 'db' (must be empty or unset)\n",
	      GW_PSS_PRIVILEGED);
	check_at(bad, 34,
		 B "Host Probes / Lifecycle Hooks: " C0 ".livenessProbe"
		 ".httpGet.host: '10.0.0.1' (must be empty or unset)\n"
		 B "Host Probes / Lifecycle Hooks: " C0 ".lifecycle.preStop"
		 ".tcpSocket.host: 'db' (must be empty or unset)\n",
		 GW_PSS_PRIVILEGED);
	/* not a control before v1.34 */
	check_at(bad, 33, "", GW_PSS_RESTRICTED);
}

/* Baseline row "AppArmor": spec.securityContext.appArmorProfile.type and
 * the containers' (allowed: undefined/nil, RuntimeDefault, Localhost);
 * metadata.annotations["container.apparmor.security.beta.kubernetes.io/
 * <container>"] (allowed: undefined/nil, runtime/default,
 * localhost/<profile>). */
static void test_apparmor(void **state)
{
	(void)state;
	check(POD_ANN("container.apparmor.security.beta.kubernetes.io/app: "
		      "runtime/default, container.apparmor.security.beta."
		      "kubernetes.io/other: localhost/custom"), "",
	      GW_PSS_RESTRICTED);
	check(POD("", ", appArmorProfile: {type: RuntimeDefault}", "",
		  ", appArmorProfile: {type: Localhost, localhostProfile: x}"),
	      "", GW_PSS_RESTRICTED);
	check(POD_ANN("container.apparmor.security.beta.kubernetes.io/app: "
		      "unconfined"),
	      B "AppArmor: metadata.annotations[\"container.apparmor.security"
	      ".beta.kubernetes.io/app\"]: 'unconfined' (must be runtime/"
	      "default, localhost/* or empty)\n", GW_PSS_PRIVILEGED);
	check(POD("", ", appArmorProfile: {type: Unconfined}", "",
		  ", appArmorProfile: {localhostProfile: x}"),
	      B "AppArmor: spec.securityContext.appArmorProfile.type: "
	      "'Unconfined' (must be RuntimeDefault or Localhost)\n"
	      B "AppArmor: " SC0 ".appArmorProfile.type: unset (must be "
	      "RuntimeDefault or Localhost)\n", GW_PSS_PRIVILEGED);
}

/* Baseline row "SELinux": seLinuxOptions.type (allowed: undefined/"",
 * container_t, container_init_t, container_kvm_t, container_engine_t),
 * seLinuxOptions.user and .role (allowed: undefined/""). */
static void test_selinux(void **state)
{
	static const char engine[] =
		POD("", "", "", ", seLinuxOptions: {type: container_engine_t}");

	(void)state;
	check(POD("", ", seLinuxOptions: {level: 's0:c123,c456'}", "",
		  ", seLinuxOptions: {type: container_init_t, user: ''}"), "",
	      GW_PSS_RESTRICTED);
	check(POD("", ", seLinuxOptions: {type: spc_t}", "",
		  ", seLinuxOptions: {user: system_u, role: sysadm_r}"),
	      B "SELinux: spec.securityContext.seLinuxOptions.type: 'spc_t' "
	      "(must be container_t, container_init_t, container_kvm_t or "
	      "container_engine_t)\n"
	      B "SELinux: " SC0 ".seLinuxOptions.user: must not be set\n"
	      B "SELinux: " SC0 ".seLinuxOptions.role: must not be set\n",
	      GW_PSS_PRIVILEGED);
	/* container_engine_t is allowed from v1.31 */
	check_at(engine, 31, "", GW_PSS_RESTRICTED);
	check_at(engine, 30,
		 B "SELinux: " SC0 ".seLinuxOptions.type: 'container_engine_t'"
		 " (must be container_t, container_init_t or "
		 "container_kvm_t)\n",
		 GW_PSS_PRIVILEGED);
}

/* Baseline row "/proc Mount Type": securityContext.procMount; allowed:
 * undefined/nil, Default (any value for a pod with hostUsers: false from
 * v1.35, at baseline). */
static void test_proc_mount(void **state)
{
	static const char userns[] =
		POD("hostUsers: false, ", "", "", ", procMount: Unmasked");

	(void)state;
	check(POD("", "", "", ", procMount: Default"), "", GW_PSS_RESTRICTED);
	check(POD("", "", "", ", procMount: Unmasked"),
	      B "/proc Mount Type: " SC0 ".procMount: 'Unmasked' (must be "
	      "Default or unset)\n", GW_PSS_PRIVILEGED);
	check(userns,
	      R "/proc Mount Type: " SC0 ".procMount: 'Unmasked' (must be "
	      "Default or unset)\n", GW_PSS_BASELINE);
	check_at(userns, 34,
		 B "/proc Mount Type: " SC0 ".procMount: 'Unmasked' (must be "
		 "Default or unset)\n", GW_PSS_PRIVILEGED);
}

/* Baseline row "Seccomp": seccompProfile.type; allowed: undefined/nil,
 * RuntimeDefault, Localhost.  Before v1.19 (policy check_seccompProfile_
 * baseline.go) the alpha annotations instead: runtime/default,
 * docker/default, localhost/<profile>. */
static void test_seccomp_baseline(void **state)
{
	static const char annotated[] =
		"kind: Pod\nmetadata: {name: p, annotations: {"
		"seccomp.security.alpha.kubernetes.io/pod: unconfined, "
		"container.seccomp.security.alpha.kubernetes.io/app: "
		"docker/default, container.seccomp.security.alpha."
		"kubernetes.io/gone: unconfined}}\n"
		"spec: {containers: [{name: app, securityContext: {"
		"seccompProfile: {type: Unconfined}}}]}\n";

	(void)state;
	check(RAW("securityContext: {runAsNonRoot: true, seccompProfile: "
		  "{type: Localhost, localhostProfile: p.json}}, containers: "
		  "[{name: app, securityContext: {" CSC_OK "}}]"), "",
	      GW_PSS_RESTRICTED);
	/* the containers inherit the pod's: one violation */
	check(RAW("securityContext: {runAsNonRoot: true, seccompProfile: "
		  "{type: Unconfined}}, containers: [{name: app, "
		  "securityContext: {" CSC_OK "}}]"),
	      B "Seccomp: spec.securityContext.seccompProfile.type: "
	      "'Unconfined' (must be RuntimeDefault or Localhost)\n",
	      GW_PSS_PRIVILEGED);
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {" CSC_OK ", seccompProfile: {}}}]"),
	      B "Seccomp: " SC0 ".seccompProfile.type: unset (must be "
	      "RuntimeDefault or Localhost)\n", GW_PSS_PRIVILEGED);
	/* v1.18: the annotations count, the fields do not */
	check_at(annotated, 18,
		 B "Seccomp: metadata.annotations[\"seccomp.security.alpha"
		 ".kubernetes.io/pod\"]: 'unconfined' (must be runtime/default,"
		 " docker/default or localhost/*)\n"
		 R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: "
		 "unset (must be false)\n"
		 R "Running as Non-root: " SC0 ".runAsNonRoot: unset (must be "
		 "true here or at pod level)\n", GW_PSS_PRIVILEGED);
	check_at(annotated, 19,
		 B "Seccomp: " SC0 ".seccompProfile.type: 'Unconfined' (must be"
		 " RuntimeDefault or Localhost)\n"
		 R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: "
		 "unset (must be false)\n"
		 R "Running as Non-root: " SC0 ".runAsNonRoot: unset (must be "
		 "true here or at pod level)\n", GW_PSS_PRIVILEGED);
}

/* Baseline row "Sysctls": spec.securityContext.sysctls[*].name; allowed:
 * the safe set (policy check_sysctls.go: v1.0, grown in v1.27, v1.29,
 * v1.32, v1.37). */
static void test_sysctls(void **state)
{
	static const char reserved[] =
		POD("", ", sysctls: [{name: net.ipv4.ip_local_reserved_ports, "
		    "value: '30000-30100'}]", "", "");
	static const char keepalive[] =
		POD("", ", sysctls: [{name: net.ipv4.tcp_keepalive_time, "
		    "value: '600'}]", "", "");

	(void)state;
	check(POD("", ", sysctls: [{name: kernel.shm_rmid_forced, value: '1'},"
		  " {name: net.ipv4.ip_unprivileged_port_start, value: '0'}, "
		  "{name: net.ipv4.tcp_wmem, value: '4096 87380 16777216'}]",
		  "", ""), "", GW_PSS_RESTRICTED);
	check(POD("", ", sysctls: [{name: net.ipv4.tcp_syncookies, value: '1'},"
		  " {name: kernel.msgmax, value: '65536'}]", "", ""),
	      B "Sysctls: spec.securityContext.sysctls[1].name: "
	      "'kernel.msgmax' is not a safe sysctl\n", GW_PSS_PRIVILEGED);
	check(reserved, "", GW_PSS_RESTRICTED);
	check_at(reserved, 27, "", GW_PSS_RESTRICTED);
	check_at(reserved, 26,
		 B "Sysctls: spec.securityContext.sysctls[0].name: "
		 "'net.ipv4.ip_local_reserved_ports' is safe only from v1.27\n",
		 GW_PSS_PRIVILEGED);
	check_at(keepalive, 29, "", GW_PSS_RESTRICTED);
	check_at(keepalive, 28,
		 B "Sysctls: spec.securityContext.sysctls[0].name: "
		 "'net.ipv4.tcp_keepalive_time' is safe only from v1.29\n",
		 GW_PSS_PRIVILEGED);
}

/* ---- restricted --------------------------------------------------------- */

/* Restricted row "Volume Types": spec.volumes[*] only configMap, csi,
 * downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim,
 * projected, secret. */
static void test_volume_types(void **state)
{
	(void)state;
	check(POD("volumes: [{name: a, configMap: {name: c}}, "
		  "{name: b, csi: {driver: d}}, {name: c, downwardAPI: {}}, "
		  "{name: d, emptyDir: {}}, {name: e, ephemeral: {}}, "
		  "{name: f, image: {reference: r}}, "
		  "{name: g, persistentVolumeClaim: {claimName: c}}, "
		  "{name: h, projected: {sources: []}}, "
		  "{name: i, secret: {secretName: s}}, "
		  "{name: defaulted-to-emptydir}], ", "", "", ""), "",
	      GW_PSS_RESTRICTED);
	check(POD("volumes: [{name: a, secret: {secretName: s}}, {name: b, "
		  "nfs: {server: n, path: /}}], ", "", "", ""),
	      R "Volume Types: spec.volumes[1].nfs: volume type 'nfs' is not "
	      "allowed\n", GW_PSS_BASELINE);
}

/* Restricted row "Privilege Escalation (v1.8+)": securityContext
 * .allowPrivilegeEscalation; allowed: false.  Windows pods skip it from
 * v1.25 (policy check_allowPrivilegeEscalation.go). */
static void test_privilege_escalation(void **state)
{
	static const char unset[] =
		RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		    "securityContext: {capabilities: {drop: [ALL]}}}]");
	static const char windows[] =
		RAW("os: {name: windows}, securityContext: {runAsNonRoot: "
		    "true}, containers: [{name: app}]");

	(void)state;
	check(POD("", "", "", ""), "", GW_PSS_RESTRICTED);
	check(unset,
	      R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: unset "
	      "(must be false)\n", GW_PSS_BASELINE);
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {allowPrivilegeEscalation: true, "
		  "capabilities: {drop: [ALL]}}}]"),
	      R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: must "
	      "be false\n", GW_PSS_BASELINE);
	check_at(unset, 8,
		 R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: "
		 "unset (must be false)\n", GW_PSS_BASELINE);
	check_at(unset, 7, "", GW_PSS_RESTRICTED);
	/* windows: no seccomp, capabilities or allowPrivilegeEscalation */
	check_at(windows, 25, "", GW_PSS_RESTRICTED);
	check(windows, "", GW_PSS_RESTRICTED);
	check_at(windows, 24,
		 R "Capabilities: " SC0 ".capabilities.drop: unset (must "
		 "include ALL)\n"
		 R "Seccomp: " SC0 ".seccompProfile.type: unset (must be "
		 "RuntimeDefault or Localhost)\n"
		 R "Privilege Escalation: " SC0 ".allowPrivilegeEscalation: "
		 "unset (must be false)\n", GW_PSS_BASELINE);
}

/* Restricted row "Running as Non-root": spec.securityContext.runAsNonRoot
 * and the containers'; allowed: true, or undefined/nil at container level
 * when the pod's is true.  From v1.35 a pod with hostUsers: false is
 * exempt (policy check_runAsNonRoot.go). */
static void test_run_as_non_root(void **state)
{
	static const char userns[] =
		RAW("hostUsers: false, securityContext: {seccompProfile: "
		    "{type: RuntimeDefault}, runAsUser: 0}, containers: "
		    "[{name: app, securityContext: {" CSC_OK "}}]");

	(void)state;
	check(RAW("securityContext: {seccompProfile: {type: RuntimeDefault}},"
		  " containers: [{name: app, securityContext: {" CSC_OK
		  ", runAsNonRoot: true}}]"), "", GW_PSS_RESTRICTED);
	check(RAW("securityContext: {runAsNonRoot: false, seccompProfile: "
		  "{type: RuntimeDefault}}, containers: [{name: app, "
		  "securityContext: {" CSC_OK ", runAsNonRoot: true}}]"),
	      R "Running as Non-root: spec.securityContext.runAsNonRoot: must "
	      "be true\n", GW_PSS_BASELINE);
	check(POD("", "", "", ", runAsNonRoot: false"),
	      R "Running as Non-root: " SC0 ".runAsNonRoot: must be true\n",
	      GW_PSS_BASELINE);
	check(RAW("securityContext: {seccompProfile: {type: RuntimeDefault}},"
		  " containers: [{name: app, securityContext: {" CSC_OK "}}]"),
	      R "Running as Non-root: " SC0 ".runAsNonRoot: unset (must be "
	      "true here or at pod level)\n", GW_PSS_BASELINE);
	check(userns, "", GW_PSS_RESTRICTED);
	check_at(userns, 35, "", GW_PSS_RESTRICTED);
	check_at(userns, 34,
		 R "Running as Non-root user: spec.securityContext.runAsUser: "
		 "must not be 0\n"
		 R "Running as Non-root: " SC0 ".runAsNonRoot: unset (must be "
		 "true here or at pod level)\n", GW_PSS_BASELINE);
}

/* Restricted row "Running as Non-root user (v1.23+)": runAsUser; allowed:
 * any non-zero value, undefined/nil. */
static void test_run_as_user(void **state)
{
	static const char root[] =
		POD("", ", runAsUser: 0", "", ", runAsUser: 0");

	(void)state;
	check(POD("", ", runAsUser: 1000", "", ", runAsUser: 1337"), "",
	      GW_PSS_RESTRICTED);
	check(root,
	      R "Running as Non-root user: spec.securityContext.runAsUser: "
	      "must not be 0\n"
	      R "Running as Non-root user: " SC0 ".runAsUser: must not be 0\n",
	      GW_PSS_BASELINE);
	check_at(root, 23,
		 R "Running as Non-root user: spec.securityContext.runAsUser: "
		 "must not be 0\n"
		 R "Running as Non-root user: " SC0 ".runAsUser: must not be "
		 "0\n", GW_PSS_BASELINE);
	check_at(root, 22, "", GW_PSS_RESTRICTED);
}

/* Restricted row "Seccomp (v1.19+)": seccompProfile.type; allowed:
 * RuntimeDefault, Localhost; the containers' may be undefined/nil when the
 * pod's is set. */
static void test_seccomp_restricted(void **state)
{
	static const char unset[] =
		RAW("securityContext: {runAsNonRoot: true}, containers: "
		    "[{name: app, securityContext: {" CSC_OK "}}, {name: side, "
		    "securityContext: {" CSC_OK ", seccompProfile: {type: "
		    "RuntimeDefault}}}]");

	(void)state;
	check(POD("", "", "", ""), "", GW_PSS_RESTRICTED);
	check(unset,
	      R "Seccomp: " SC0 ".seccompProfile.type: unset (must be "
	      "RuntimeDefault or Localhost)\n", GW_PSS_BASELINE);
	check_at(unset, 19,
		 R "Seccomp: " SC0 ".seccompProfile.type: unset (must be "
		 "RuntimeDefault or Localhost)\n", GW_PSS_BASELINE);
	check_at(unset, 18, "", GW_PSS_RESTRICTED);
}

/* Restricted row "Capabilities (v1.22+)": capabilities.drop must include
 * ALL; capabilities.add only undefined/nil or NET_BIND_SERVICE. */
static void test_capabilities_restricted(void **state)
{
	static const char chown[] =
		RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		    "securityContext: {allowPrivilegeEscalation: false, "
		    "capabilities: {drop: [NET_RAW], add: [CHOWN]}}}]");

	(void)state;
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {allowPrivilegeEscalation: false, "
		  "capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}}]"),
	      "", GW_PSS_RESTRICTED);
	check(chown,
	      R "Capabilities: " SC0 ".capabilities.add: adds CHOWN\n"
	      R "Capabilities: " SC0 ".capabilities.drop: does not include "
	      "ALL\n", GW_PSS_BASELINE);
	check_at(chown, 22,
		 R "Capabilities: " SC0 ".capabilities.add: adds CHOWN\n"
		 R "Capabilities: " SC0 ".capabilities.drop: does not include "
		 "ALL\n", GW_PSS_BASELINE);
	check_at(chown, 21, "", GW_PSS_RESTRICTED);
	check(RAW("securityContext: {" PSC_OK "}, containers: [{name: app, "
		  "securityContext: {allowPrivilegeEscalation: false}}]"),
	      R "Capabilities: " SC0 ".capabilities.drop: unset (must include "
	      "ALL)\n", GW_PSS_BASELINE);
}

/* ---- objects, order, versions ------------------------------------------- */

/* The shape gwc gives the gateway's proxy: baseline, and restricted but
 * for the seccomp profile it leaves unset. */
static void test_istio_gateway_pod(void **state)
{
	(void)state;
	check(RAW("securityContext: {sysctls: [{name: net.ipv4."
		  "ip_unprivileged_port_start, value: '0'}]}, containers: "
		  "[{name: istio-proxy, securityContext: {"
		  "allowPrivilegeEscalation: false, capabilities: "
		  "{drop: [ALL]}, privileged: false, "
		  "readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1337, runAsGroup: 1337}}]"),
	      R "Seccomp: " SC0 ".seccompProfile.type: unset (must be "
	      "RuntimeDefault or Localhost)\n", GW_PSS_BASELINE);
}

/* A Deployment's template: paths from the object, the template's
 * annotations; every container list in order. */
static void test_deployment_template(void **state)
{
	(void)state;
	check("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
	      "spec:\n"
	      "  template:\n"
	      "    metadata:\n"
	      "      annotations:\n"
	      "        container.apparmor.security.beta.kubernetes.io/b: x\n"
	      "    spec:\n"
	      "      hostPID: true\n"
	      "      securityContext: {" PSC_OK "}\n"
	      "      initContainers:\n"
	      "      - {name: i, securityContext: {" CSC_OK ", privileged: "
	      "true}}\n"
	      "      containers:\n"
	      "      - {name: a, securityContext: {" CSC_OK "}}\n"
	      "      - {name: b, securityContext: {" CSC_OK
	      ", runAsUser: 0}}\n",
	      B "AppArmor: spec.template.metadata.annotations[\"container."
	      "apparmor.security.beta.kubernetes.io/b\"]: 'x' (must be "
	      "runtime/default, localhost/* or empty)\n"
	      B "Host Namespaces: spec.template.spec.hostPID: must not be "
	      "true\n"
	      R "Running as Non-root user: spec.template.spec.containers[1]"
	      ".securityContext.runAsUser: must not be 0\n"
	      B "Privileged Containers: spec.template.spec.initContainers[0]"
	      ".securityContext.privileged: must not be true\n",
	      GW_PSS_PRIVILEGED);
}

static void test_other_objects(void **state)
{
	(void)state;
	check("kind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: "
	      "{hostIPC: true, containers: []}}}}}\n",
	      B "Host Namespaces: spec.jobTemplate.spec.template.spec.hostIPC: "
	      "must not be true\n", GW_PSS_PRIVILEGED);
	check("kind: PodTemplate\ntemplate: {spec: {hostIPC: true}}\n",
	      B "Host Namespaces: template.spec.hostIPC: must not be true\n",
	      GW_PSS_PRIVILEGED);
	check("kind: Pod\nspec: {ephemeralContainers: [{name: debug, "
	      "securityContext: {privileged: true, allowPrivilegeEscalation: "
	      "false, capabilities: {drop: [ALL]}, runAsNonRoot: true, "
	      "seccompProfile: {type: RuntimeDefault}}}]}\n",
	      B "Privileged Containers: spec.ephemeralContainers[0]"
	      ".securityContext.privileged: must not be true\n",
	      GW_PSS_PRIVILEGED);
	check("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
	      "spec: {ports: [{port: 80}]}\n", "", GW_PSS_RESTRICTED);
}

static void test_version_parse(void **state)
{
	static const char *const bad[] = {
		"", "Latest", "v1", "v1.", "1.27", "v2.0", "v1.01", "v1.-1",
		"v1.27.0", "v1.27 ", "v1.x", "v1.9223372036854775808",
	};
	int minor;
	size_t i;

	(void)state;
	assert_int_equal(gw_pss_version("latest", &minor), 0);
	assert_int_equal(minor, INT_MAX);
	assert_int_equal(gw_pss_version("v1.0", &minor), 0);
	assert_int_equal(minor, 0);
	assert_int_equal(gw_pss_version("v1.27", &minor), 0);
	assert_int_equal(minor, 27);
	assert_int_equal(gw_pss_version("v1.100", &minor), 0);
	assert_int_equal(minor, 100);
	/* Go's Atoi takes it; newer than every check, as latest */
	assert_int_equal(gw_pss_version("v1.9223372036854775807", &minor), 0);
	assert_int_equal(minor, INT_MAX - 1);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		minor = 5;
		if (gw_pss_version(bad[i], &minor) != -1 || minor != -1)
			fail_msg("'%s' parsed", bad[i]);
	}
}

static void test_level_names(void **state)
{
	enum gw_pss_level level = GW_PSS_PRIVILEGED;
	struct gw_pss_violation v[2] = {
		{ GW_PSS_RESTRICTED, "c", "p", "d" },
		{ GW_PSS_BASELINE, "c", "p", "d" },
	};

	(void)state;
	assert_string_equal(gw_pss_level_name(GW_PSS_PRIVILEGED), "privileged");
	assert_string_equal(gw_pss_level_name(GW_PSS_BASELINE), "baseline");
	assert_string_equal(gw_pss_level_name(GW_PSS_RESTRICTED), "restricted");
	assert_int_equal(gw_pss_level_parse("restricted", &level), 0);
	assert_int_equal(level, GW_PSS_RESTRICTED);
	assert_int_equal(gw_pss_level_parse("baseline", &level), 0);
	assert_int_equal(level, GW_PSS_BASELINE);
	assert_int_equal(gw_pss_level_parse("privileged", &level), 0);
	assert_int_equal(level, GW_PSS_PRIVILEGED);
	assert_int_equal(gw_pss_level_parse("Baseline", &level), -1);
	assert_int_equal(gw_pss_level_parse("", &level), -1);
	assert_int_equal(gw_pss_level_met(v, 0), GW_PSS_RESTRICTED);
	assert_int_equal(gw_pss_level_met(v, 1), GW_PSS_BASELINE);
	assert_int_equal(gw_pss_level_met(v, 2), GW_PSS_PRIVILEGED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restricted_pod_meets_all),
		cmocka_unit_test(test_host_process),
		cmocka_unit_test(test_host_namespaces),
		cmocka_unit_test(test_privileged),
		cmocka_unit_test(test_capabilities_baseline),
		cmocka_unit_test(test_host_path),
		cmocka_unit_test(test_host_ports),
		cmocka_unit_test(test_host_probes),
		cmocka_unit_test(test_apparmor),
		cmocka_unit_test(test_selinux),
		cmocka_unit_test(test_proc_mount),
		cmocka_unit_test(test_seccomp_baseline),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_volume_types),
		cmocka_unit_test(test_privilege_escalation),
		cmocka_unit_test(test_run_as_non_root),
		cmocka_unit_test(test_run_as_user),
		cmocka_unit_test(test_seccomp_restricted),
		cmocka_unit_test(test_capabilities_restricted),
		cmocka_unit_test(test_istio_gateway_pod),
		cmocka_unit_test(test_deployment_template),
		cmocka_unit_test(test_other_objects),
		cmocka_unit_test(test_version_parse),
		cmocka_unit_test(test_level_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
