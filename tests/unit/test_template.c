/*
 * test_template.c - gw_template_transform(): the legacy-kernel scenarios on
 * the built-in template (exact lines), on CRLF text, on every upstream
 * istiod gateway template in ../shared, and the templates it must refuse.
 */
#include <dirent.h>

#include "unit.h"

#define SYSCTL_BLOCK \
	"    sysctls:\n" \
	"    - name: net.ipv4.ip_unprivileged_port_start\n" \
	"      value: \"0\"\n"
#define SYSCTL_EMPTY "    sysctls: []\n"
#define PROXY_SC \
	"    securityContext:\n" \
	"      runAsUser: {{ .ProxyUID | default \"1337\" }}\n"
#define PROXY_SC_BIND \
	"    securityContext:\n" \
	"      capabilities:\n" \
	"        add:\n" \
	"        - NET_BIND_SERVICE\n" \
	"      runAsUser: {{ .ProxyUID | default \"1337\" }}\n"

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	const char *p = text;

	while ((p = strstr(p, what))) {
		n++;
		p += strlen(what);
	}
	return n;
}

/* @text with its one occurrence of @from replaced by @to (malloc'ed). */
static char *replace_once(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	struct gw_buf out = { 0 };

	assert_non_null(at);
	assert_int_equal(count(text, from), 1);
	gw_buf_add(&out, text, (size_t)(at - text));
	gw_buf_puts(&out, to);
	gw_buf_puts(&out, at + strlen(from));
	return out.data;
}

/* @text with every LF turned into CRLF (malloc'ed). */
static char *to_crlf(const char *text)
{
	struct gw_buf out = { 0 };

	gw_buf_add(&out, "", 0);
	for (; *text; text++)
		if (*text == '\n')
			gw_buf_puts(&out, "\r\n");
		else
			gw_buf_add(&out, text, 1);
	return out.data;
}

static char *transform(const char *text, size_t len, enum gw_scenario sc)
{
	char *out = (char *)"unset";
	const char *why = "unset";

	if (gw_template_transform(text, len, sc, &out, &why))
		fail_msg("transform refused (scenario %d): %s", (int)sc, why);
	assert_null(why);
	assert_non_null(out);
	return out;
}

static char *transform_text(const char *text, enum gw_scenario sc)
{
	return transform(text, strlen(text), sc);
}

static void assert_refused(const char *text, enum gw_scenario sc,
			   const char *want_why)
{
	char *out = (char *)"unset";
	const char *why = NULL;

	assert_int_equal(gw_template_transform(text, strlen(text), sc, &out,
					       &why), -1);
	assert_null(out);
	assert_non_null(why);
	assert_string_equal(why, want_why);
}

static const struct gw_asset *builtin(void)
{
	const struct gw_asset *a = gw_asset_get("gateway-injection-template.txt");

	assert_non_null(a);
	assert_int_equal(strlen(a->data), a->len);
	return a;
}

/* ---- the built-in template ----------------------------------------------- */

static void test_builtin_scenario_none_keeps_every_byte(void **state)
{
	const struct gw_asset *a = builtin();
	char *out = transform(a->data, a->len, GW_SCENARIO_NONE);

	(void)state;
	assert_int_equal(strlen(out), a->len);
	assert_memory_equal(out, a->data, a->len);
	free(out);
}

static void test_builtin_scenario_1(void **state)
{
	const struct gw_asset *a = builtin();
	char *out = transform(a->data, a->len, GW_SCENARIO_SYSCTL);
	char *want = replace_once(a->data, SYSCTL_BLOCK, SYSCTL_EMPTY);

	(void)state;
	assert_non_null(strstr(out,
			       "spec:\n"
			       "  securityContext:\n"
			       "  {{- if .Values.gateways.securityContext }}\n"
			       "    {{- toYaml .Values.gateways.securityContext | "
			       "nindent 4 }}\n"
			       "  {{- else }}\n"
			       "    sysctls: []\n"
			       "  {{- end }}\n"
			       "  containers:\n"
			       "  - name: istio-proxy\n"));
	assert_int_equal(count(out, "ip_unprivileged_port_start"), 0);
	assert_int_equal(count(out, "NET_BIND_SERVICE"), 0);
	assert_string_equal(out, want);
	free(out);
	free(want);
}

static void test_builtin_scenario_2(void **state)
{
	const struct gw_asset *a = builtin();
	char *out = transform(a->data, a->len, GW_SCENARIO_BIND);
	char *step = replace_once(a->data, SYSCTL_BLOCK, SYSCTL_EMPTY);
	char *want = replace_once(step, PROXY_SC, PROXY_SC_BIND);

	(void)state;
	assert_non_null(strstr(out,
			       "  {{- end }}\n"
			       "    securityContext:\n"
			       "      capabilities:\n"
			       "        add:\n"
			       "        - NET_BIND_SERVICE\n"
			       "      runAsUser: {{ .ProxyUID | default \"1337\" "
			       "}}\n"
			       "      runAsGroup: {{ .ProxyGID | default \"1337\" "
			       "}}\n"
			       "    env:\n"));
	assert_int_equal(count(out, "sysctls: []"), 1);
	assert_int_equal(count(out, "NET_BIND_SERVICE"), 1);
	assert_string_equal(out, want);
	free(out);
	free(step);
	free(want);
}

static void test_crlf_template_keeps_crlf(void **state)
{
	const struct gw_asset *a = builtin();
	char *crlf = to_crlf(a->data);
	enum gw_scenario sc;

	(void)state;
	for (sc = GW_SCENARIO_NONE; sc <= GW_SCENARIO_BIND; sc++) {
		char *lf_out = transform(a->data, a->len, sc);
		char *want = to_crlf(lf_out);
		char *out = transform(crlf, strlen(crlf), sc);

		assert_string_equal(out, want);
		free(lf_out);
		free(want);
		free(out);
	}
	free(crlf);
}

/* ---- small templates ----------------------------------------------------- */

static const char minimal[] =
	"spec:\n"
	"  securityContext:\n"
	"    sysctls:\n"
	"    - name: net.ipv4.ip_unprivileged_port_start\n"
	"      value: \"0\"\n"
	"  containers:\n"
	"  - name: istio-proxy\n"
	"    image: auto\n"
	"    securityContext:\n"
	"      runAsUser: 1337\n"
	"    env: []\n";

static void test_minimal_template_both_scenarios(void **state)
{
	char *out;

	(void)state;
	out = transform(minimal, sizeof(minimal) - 1, GW_SCENARIO_SYSCTL);
	assert_string_equal(out,
			    "spec:\n"
			    "  securityContext:\n"
			    "    sysctls: []\n"
			    "  containers:\n"
			    "  - name: istio-proxy\n"
			    "    image: auto\n"
			    "    securityContext:\n"
			    "      runAsUser: 1337\n"
			    "    env: []\n");
	free(out);
	out = transform(minimal, sizeof(minimal) - 1, GW_SCENARIO_BIND);
	assert_string_equal(out,
			    "spec:\n"
			    "  securityContext:\n"
			    "    sysctls: []\n"
			    "  containers:\n"
			    "  - name: istio-proxy\n"
			    "    image: auto\n"
			    "    securityContext:\n"
			    "      capabilities:\n"
			    "        add:\n"
			    "        - NET_BIND_SERVICE\n"
			    "      runAsUser: 1337\n"
			    "    env: []\n");
	free(out);
}

static void test_other_indents_and_trailing_spaces(void **state)
{
	static const char text[] =
		"spec:\n"
		"    securityContext:  \n"
		"        sysctls:\n"
		"          - name: net.ipv4.ip_unprivileged_port_start\n"
		"            value: \"0\"   \n"
		"    containers:\n"
		"      - name: istio-proxy\n"
		"        securityContext:\n"
		"          runAsUser: 1337\n";
	char *out = transform(text, sizeof(text) - 1, GW_SCENARIO_BIND);

	(void)state;
	assert_string_equal(out,
			    "spec:\n"
			    "    securityContext:  \n"
			    "        sysctls: []\n"
			    "    containers:\n"
			    "      - name: istio-proxy\n"
			    "        securityContext:\n"
			    "          capabilities:\n"
			    "            add:\n"
			    "            - NET_BIND_SERVICE\n"
			    "          runAsUser: 1337\n");
	free(out);
}

static void test_scenario_none_takes_anything(void **state)
{
	static const char text[] = "not a template {{ at all\r\nno newline";
	char *out = transform(text, sizeof(text) - 1, GW_SCENARIO_NONE);

	(void)state;
	assert_string_equal(out, text);
	free(out);
	out = transform("", 0, GW_SCENARIO_NONE);
	assert_string_equal(out, "");
	free(out);
}

static void test_scenario_1_needs_no_proxy_container(void **state)
{
	static const char text[] =
		"spec:\n"
		"  securityContext:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n";
	char *out = transform(text, sizeof(text) - 1, GW_SCENARIO_SYSCTL);

	(void)state;
	assert_string_equal(out, "spec:\n  securityContext:\n    sysctls: []\n");
	free(out);
	/* a last line without a line end keeps having none */
	out = transform(text, sizeof(text) - 2, GW_SCENARIO_SYSCTL);
	assert_string_equal(out, "spec:\n  securityContext:\n    sysctls: []");
	free(out);
	out = transform("a\r\nb", 4, GW_SCENARIO_NONE);
	assert_string_equal(out, "a\r\nb");
	free(out);
}

static void test_last_line_without_line_end_scenario_2(void **state)
{
	static const char text[] =
		"spec:\n"
		"  securityContext:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    securityContext:\n"
		"      runAsUser: 1337";
	char *out;

	(void)state;
	out = transform(text, sizeof(text) - 1, GW_SCENARIO_BIND);
	assert_string_equal(out,
			    "spec:\n"
			    "  securityContext:\n"
			    "    sysctls: []\n"
			    "  containers:\n"
			    "  - name: istio-proxy\n"
			    "    securityContext:\n"
			    "      capabilities:\n"
			    "        add:\n"
			    "        - NET_BIND_SERVICE\n"
			    "      runAsUser: 1337");
	free(out);
}

/*
 * The proxy's `securityContext:` itself is the last line, without a line
 * end: the lines inserted after it must start on lines of their own.
 * Whether the last of them ends in "\n" is a matter of taste; both are
 * accepted.  (gwc 0.1.0 writes "\n" before the line instead of after it:
 * a blank line, then "    securityContext:      capabilities:".)
 */
static void test_proxy_security_context_as_last_line(void **state)
{
	static const char sc_last[] =
		"spec:\n"
		"  securityContext:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    image: auto\n"
		"    securityContext:";
	static const char sc_last_want[] =
		"spec:\n"
		"  securityContext:\n"
		"    sysctls: []\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    image: auto\n"
		"    securityContext:\n"
		"      capabilities:\n"
		"        add:\n"
		"        - NET_BIND_SERVICE";
	char *out;
	char got[512], with_end[512];

	(void)state;
	out = transform(sc_last, sizeof(sc_last) - 1, GW_SCENARIO_BIND);
	snprintf(got, sizeof(got), "%s", out);
	free(out);
	snprintf(with_end, sizeof(with_end), "%s\n", sc_last_want);
	if (strcmp(got, sc_last_want))
		assert_string_equal(got, with_end);
}

/* ---- templates it must refuse -------------------------------------------- */

static void test_refuses_no_sysctl(void **state)
{
	static const char text[] =
		"spec:\n"
		"  securityContext:\n"
		"    runAsUser: 1337\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    securityContext:\n"
		"      runAsUser: 1337\n";

	(void)state;
	assert_refused(text, GW_SCENARIO_SYSCTL,
		       "it does not set the net.ipv4.ip_unprivileged_port_start "
		       "sysctl in the pod securityContext");
	assert_refused(text, GW_SCENARIO_BIND,
		       "it does not set the net.ipv4.ip_unprivileged_port_start "
		       "sysctl in the pod securityContext");
	assert_refused("", GW_SCENARIO_SYSCTL,
		       "it does not set the net.ipv4.ip_unprivileged_port_start "
		       "sysctl in the pod securityContext");
}

static void test_refuses_sysctl_twice(void **state)
{
	static const char text[] =
		"spec:\n"
		"  securityContext:\n"
		"  {{- if .Values.x }}\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n"
		"  {{- else }}\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n"
		"  {{- end }}\n";
	static const char in_comment[] =
		"# drops net.ipv4.ip_unprivileged_port_start on old kernels\n"
		"spec:\n"
		"  securityContext:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n";

	(void)state;
	assert_refused(text, GW_SCENARIO_SYSCTL,
		       "the net.ipv4.ip_unprivileged_port_start sysctl appears "
		       "more than once");
	assert_refused(in_comment, GW_SCENARIO_BIND,
		       "the net.ipv4.ip_unprivileged_port_start sysctl appears "
		       "more than once");
}

static void test_refuses_sysctl_outside_pod_security_context(void **state)
{
	static const char in_container[] =
		"spec:\n"
		"  containers:\n"
		"  - name: istio-proxy\n"
		"    securityContext:\n"
		"      sysctls:\n"
		"      - name: net.ipv4.ip_unprivileged_port_start\n"
		"        value: \"0\"\n";
	static const char in_metadata[] =
		"metadata:\n"
		"  securityContext:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n";
	static const char under_other_key[] =
		"spec:\n"
		"  podSecurity:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n";
	static const char flow_list[] =
		"spec:\n"
		"  securityContext:\n"
		"    sysctls: [{name: net.ipv4.ip_unprivileged_port_start, "
		"value: \"0\"}]\n";
	static const char other_value[] =
		"spec:\n"
		"  securityContext:\n"
		"    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"1024\"\n";

	(void)state;
	assert_refused(in_container, GW_SCENARIO_SYSCTL,
		       "its sysctl is not in the pod securityContext "
		       "(spec.securityContext)");
	assert_refused(in_metadata, GW_SCENARIO_SYSCTL,
		       "its sysctl is not in the pod securityContext "
		       "(spec.securityContext)");
	assert_refused(under_other_key, GW_SCENARIO_SYSCTL,
		       "its sysctl is not in the pod securityContext "
		       "(spec.securityContext)");
	assert_refused(flow_list, GW_SCENARIO_SYSCTL,
		       "its net.ipv4.ip_unprivileged_port_start sysctl is not "
		       "the list item `- name: ...` / `value: \"0\"` under "
		       "`sysctls:`");
	assert_refused(other_value, GW_SCENARIO_SYSCTL,
		       "its net.ipv4.ip_unprivileged_port_start sysctl is not "
		       "the list item `- name: ...` / `value: \"0\"` under "
		       "`sysctls:`");
	/* ours after another sysctl: not the shape gwc knows */
	assert_refused("spec:\n"
		       "  securityContext:\n"
		       "    sysctls:\n"
		       "    - name: net.core.somaxconn\n"
		       "      value: \"1024\"\n"
		       "    - name: net.ipv4.ip_unprivileged_port_start\n"
		       "      value: \"0\"\n", GW_SCENARIO_SYSCTL,
		       "its net.ipv4.ip_unprivileged_port_start sysctl is not "
		       "the list item `- name: ...` / `value: \"0\"` under "
		       "`sysctls:`");
}

static void test_other_sysctls_are_kept(void **state)
{
	char *out;

	(void)state;
	/* another sysctl after ours: only our item goes */
	out = transform_text("spec:\n"
			     "  securityContext:\n"
			     "    sysctls:\n"
			     "    - name: net.ipv4.ip_unprivileged_port_start\n"
			     "      value: \"0\"\n"
			     "    - name: net.core.somaxconn\n"
			     "      value: \"1024\"\n"
			     "  containers: []\n", GW_SCENARIO_SYSCTL);
	assert_string_equal(out,
			    "spec:\n"
			    "  securityContext:\n"
			    "    sysctls:\n"
			    "    - name: net.core.somaxconn\n"
			    "      value: \"1024\"\n"
			    "  containers: []\n");
	free(out);
	/* the same behind a template action, with CRLF line ends */
	out = transform_text("spec:\r\n"
			     "  securityContext:\r\n"
			     "    sysctls:\r\n"
			     "    - name: net.ipv4.ip_unprivileged_port_start\r\n"
			     "      value: \"0\"\r\n"
			     "    {{- if .Values.somaxconn }}\r\n"
			     "    - name: net.core.somaxconn\r\n"
			     "      value: \"1024\"\r\n"
			     "    {{- end }}\r\n", GW_SCENARIO_SYSCTL);
	assert_string_equal(out,
			    "spec:\r\n"
			    "  securityContext:\r\n"
			    "    sysctls:\r\n"
			    "    {{- if .Values.somaxconn }}\r\n"
			    "    - name: net.core.somaxconn\r\n"
			    "      value: \"1024\"\r\n"
			    "    {{- end }}\r\n");
	free(out);
	/* a key after the list at its indent is not another sysctl */
	out = transform_text("spec:\n"
			     "  securityContext:\n"
			     "    sysctls:\n"
			     "    - name: net.ipv4.ip_unprivileged_port_start\n"
			     "      value: \"0\"\n"
			     "    runAsNonRoot: true\n", GW_SCENARIO_SYSCTL);
	assert_string_equal(out,
			    "spec:\n"
			    "  securityContext:\n"
			    "    sysctls: []\n"
			    "    runAsNonRoot: true\n");
	free(out);
}

static const char sysctl_ok[] =
	"spec:\n"
	"  securityContext:\n"
	"    sysctls:\n"
	"    - name: net.ipv4.ip_unprivileged_port_start\n"
	"      value: \"0\"\n"
	"  containers:\n";

static void test_refuses_no_proxy_container(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(asprintf(&text, "%s  - name: other\n"
				  "    securityContext: {}\n", sysctl_ok) > 0, 1);
	assert_refused(text, GW_SCENARIO_BIND,
		       "it has no `- name: istio-proxy` container");
	free(text);
	/* a proxy named in a comment or a value is not the container */
	assert_int_equal(asprintf(&text, "%s  - name: app\n"
				  "    args: [\"- name: istio-proxy\"]\n",
				  sysctl_ok) > 0, 1);
	assert_refused(text, GW_SCENARIO_BIND,
		       "it has no `- name: istio-proxy` container");
	free(text);
}

static void test_refuses_two_proxy_containers(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(asprintf(&text, "%s  - name: istio-proxy\n"
				  "    securityContext:\n"
				  "      runAsUser: 1\n"
				  "  - name: istio-proxy\n", sysctl_ok) > 0, 1);
	assert_refused(text, GW_SCENARIO_BIND,
		       "it has more than one istio-proxy container");
	free(text);
}

static void test_refuses_proxy_without_security_context(void **state)
{
	char *text;

	(void)state;
	/* the next container's securityContext is not the proxy's */
	assert_int_equal(asprintf(&text, "%s  - name: istio-proxy\n"
				  "    image: auto\n"
				  "  - name: other\n"
				  "    securityContext:\n"
				  "      runAsUser: 1\n", sysctl_ok) > 0, 1);
	assert_refused(text, GW_SCENARIO_BIND,
		       "its istio-proxy container has no securityContext");
	free(text);
	/* nor is one nested deeper in the container */
	assert_int_equal(asprintf(&text, "%s  - name: istio-proxy\n"
				  "    lifecycle:\n"
				  "      securityContext:\n"
				  "        runAsUser: 1\n", sysctl_ok) > 0, 1);
	assert_refused(text, GW_SCENARIO_BIND,
		       "its istio-proxy container has no securityContext");
	free(text);
}

static void test_refuses_proxy_with_capabilities(void **state)
{
	char *text;

	(void)state;
	assert_int_equal(asprintf(&text, "%s  - name: istio-proxy\n"
				  "    securityContext:\n"
				  "      runAsUser: 1337\n"
				  "      {{- if .Values.caps }}\n"
				  "      capabilities:\n"
				  "        drop: [ALL]\n"
				  "      {{- end }}\n"
				  "    env: []\n", sysctl_ok) > 0, 1);
	assert_refused(text, GW_SCENARIO_BIND,
		       "the istio-proxy container already sets capabilities");
	/* scenario 1 leaves the container alone */
	free(transform(text, strlen(text), GW_SCENARIO_SYSCTL));
	free(text);
	/* capabilities of another container do not count */
	assert_int_equal(asprintf(&text, "%s  - name: istio-proxy\n"
				  "    securityContext:\n"
				  "      runAsUser: 1337\n"
				  "  - name: other\n"
				  "    securityContext:\n"
				  "      capabilities: {}\n", sysctl_ok) > 0, 1);
	free(transform(text, strlen(text), GW_SCENARIO_BIND));
	free(text);
}

/* ---- upstream istiod templates ------------------------------------------- */

/* Shapes the fuzzer found transformed wrongly; each is refused now. */
static void test_refuses_sysctl_item_with_more(void **state)
{
	static const char *const texts[] = {
		/* a third key in the item */
		"spec:\n  securityContext:\n    sysctls:\n"
		"    - name: net.ipv4.ip_unprivileged_port_start\n"
		"      value: \"0\"\n      extra: x\n",
		/* something else in an indented list after the item */
		"spec:\n  securityContext:\n    sysctls:\n"
		"      - name: net.ipv4.ip_unprivileged_port_start\n"
		"        value: \"0\"\n      -250\n",
	};
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++)
		assert_refused(texts[i], GW_SCENARIO_SYSCTL,
			       "its net.ipv4.ip_unprivileged_port_start "
			       "sysctl item holds more than `name` and "
			       "`value`");
	/* a sibling key of an indentless list is no part of it */
	out = transform_text("spec:\n  securityContext:\n    sysctls:\n"
			     "    - name: net.ipv4.ip_unprivileged_port_start\n"
			     "      value: \"0\"\n    runAsUser: 1\n",
			     GW_SCENARIO_SYSCTL);
	assert_string_equal(out, "spec:\n  securityContext:\n    sysctls: []\n"
			    "    runAsUser: 1\n");
	free(out);
}

static void test_refuses_proxy_security_context_of_other_shape(void **state)
{
	static const char *const bodies[] = {
		"      {runAsUser: 1337}\n",		/* flow */
		"        runAsUser: 1337\n",		/* four deeper */
		"       runAsUser: 1337\n",		/* three deeper */
		"      a\n",				/* a scalar */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		char *text;

		assert_int_equal(asprintf(&text, "%s  - name: istio-proxy\n"
					  "    securityContext:\n%s", sysctl_ok,
					  bodies[i]) > 0, 1);
		assert_refused(text, GW_SCENARIO_BIND,
			       "its istio-proxy securityContext is not a "
			       "block mapping indented by two spaces");
		free(text);
	}
}

static void test_every_upstream_template(void **state)
{
	char dir[4096];
	DIR *d;
	struct dirent *e;
	size_t seen = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/upstream/istio/injection-templates",
		 unit_shared_dir());
	d = opendir(dir);
	if (!d) {
		print_message("skipped: ../shared/upstream absent\n");
		skip();
	}
	while ((e = readdir(d))) {
		char path[8192], *text, *one, *two, *want1, *want2;
		size_t len = 0;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		text = unit_read_file(path, &len);
		if (!text)
			fail_msg("cannot read %s", path);
		if (count(text, SYSCTL_BLOCK) != 1 || count(text, PROXY_SC) != 1)
			fail_msg("%s: the upstream template changed shape; "
				 "update this test", e->d_name);
		one = transform(text, len, GW_SCENARIO_SYSCTL);
		two = transform(text, len, GW_SCENARIO_BIND);
		want1 = replace_once(text, SYSCTL_BLOCK, SYSCTL_EMPTY);
		want2 = replace_once(want1, PROXY_SC, PROXY_SC_BIND);
		if (strcmp(one, want1) || strcmp(two, want2))
			fail_msg("%s: unexpected transform", e->d_name);
		free(one);
		one = transform(text, len, GW_SCENARIO_NONE);
		assert_string_equal(one, text);
		free(one);
		free(two);
		free(want1);
		free(want2);
		free(text);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_scenario_none_keeps_every_byte),
		cmocka_unit_test(test_builtin_scenario_1),
		cmocka_unit_test(test_builtin_scenario_2),
		cmocka_unit_test(test_crlf_template_keeps_crlf),
		cmocka_unit_test(test_minimal_template_both_scenarios),
		cmocka_unit_test(test_other_indents_and_trailing_spaces),
		cmocka_unit_test(test_scenario_none_takes_anything),
		cmocka_unit_test(test_scenario_1_needs_no_proxy_container),
		cmocka_unit_test(test_last_line_without_line_end_scenario_2),
		cmocka_unit_test(test_proxy_security_context_as_last_line),
		cmocka_unit_test(test_refuses_no_sysctl),
		cmocka_unit_test(test_refuses_sysctl_twice),
		cmocka_unit_test(test_refuses_sysctl_outside_pod_security_context),
		cmocka_unit_test(test_other_sysctls_are_kept),
		cmocka_unit_test(test_refuses_no_proxy_container),
		cmocka_unit_test(test_refuses_two_proxy_containers),
		cmocka_unit_test(test_refuses_proxy_without_security_context),
		cmocka_unit_test(test_refuses_proxy_with_capabilities),
		cmocka_unit_test(test_refuses_sysctl_item_with_more),
		cmocka_unit_test(test_refuses_proxy_security_context_of_other_shape),
		cmocka_unit_test(test_every_upstream_template),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
