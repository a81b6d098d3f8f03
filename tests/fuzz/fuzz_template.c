/*
 * fuzz_template.c - libFuzzer target: the legacy-kernel template transform.
 *
 * Invariants: a refusal comes with a reason; an accepted template comes
 * back with our sysctl item gone (as `sysctls: []`, or dropped from a
 * longer list), scenario 2 adds `- NET_BIND_SERVICE`, and the output is
 * the input plus what was inserted minus what was removed, in bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "gwc.h"

static size_t count(const char *s, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle);
	const char *p = s, *end = s + len;

	while ((size_t)(end - p) >= k && (p = memmem(p, (size_t)(end - p),
						     needle, k))) {
		n++;
		p += k;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum gw_scenario scenarios[] = {
		GW_SCENARIO_NONE, GW_SCENARIO_SYSCTL, GW_SCENARIO_BIND,
	};
	const char *text = (const char *)data;
	size_t i;

	for (i = 0; i < 3; i++) {
		char *out;
		const char *why;
		size_t len;

		if (gw_template_transform(text, size, scenarios[i], &out,
					  &why)) {
			if (!why || !*why || out)
				__builtin_trap();
			continue;
		}
		len = strlen(out);
		if (scenarios[i] == GW_SCENARIO_NONE &&
		    (memcmp(out, text, size) || out[size] != '\0'))
			__builtin_trap();	/* kept whole */
		if (memchr(text, '\0', size)) {
			free(out);	/* the checks below count C strings */
			continue;
		}
		if (scenarios[i] != GW_SCENARIO_NONE &&
		    count(out, len, "net.ipv4.ip_unprivileged_port_start") != 0)
			__builtin_trap();
		if (scenarios[i] == GW_SCENARIO_BIND &&
		    count(out, len, "- NET_BIND_SERVICE") !=
		    count(text, size, "- NET_BIND_SERVICE") + 1)
			__builtin_trap();
		free(out);
	}
	return 0;
}
