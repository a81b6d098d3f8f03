/*
 * main.c - the gwc command line: argv -> options -> gw_compile() -> exit
 * status.  The only file that calls exit().
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gwc.h"
#include "inject.h"

/* One command's help: its usage lines, what it does, its options. */
struct command_help {
	const char *name, *usage, *about, *options;
};

static const struct command_help commands[] = {
	{ "build",
	  "gwc build [-o OUT] [--prune] [--check | --dry-run] [-j N] [-q] [-W]\n"
	  "          [--fsync] [--no-cache] [--stamp FILE [--depfile FILE]] SPEC...",
	  "validate every SPEC, then write OUT/<namespace>/<name>/ for each\n"
	  "gateway and OUT/istio/<istio>/ for each control plane whose\n"
	  "injection template gwc installs; atomically",
	  "  -o, --output OUT   output folder (default: out); - prints every\n"
	  "                     Kubernetes object as one YAML stream in apply\n"
	  "                     order instead\n"
	  "      --prune        also remove folders under OUT that gwc made and\n"
	  "                     that no SPEC of this run produces\n"
	  "      --check        write nothing; exit 0 when OUT is exactly what gwc\n"
	  "                     would write, else 1 with a unified diff on stdout\n"
	  "      --dry-run      write nothing; say per folder what a build would do\n"
	  "                     (create, replace, keep or, with --prune, remove)\n"
	  "      --fsync        flush what the build writes to the disk before it\n"
	  "                     ends (default: no flush; README \"Durability\")\n"
	  "      --no-cache     neither use nor write OUT/.gwc-cache, the record of\n"
	  "                     what produced each folder (README \"Rebuilding\")\n"
	  "      --stamp FILE   after a successful build, rewrite FILE (atomically):\n"
	  "                     one sha256sum line per file of this run, paths\n"
	  "                     relative to OUT; a target for Make\n"
	  "      --depfile FILE  also write a Make/Ninja depfile: the stamp FILE\n"
	  "                     depends on every SPEC and file the specs read;\n"
	  "                     needs --stamp\n"
	  "  -j, --jobs N       check, render and write in N threads (1 to 64;\n"
	  "                     default 1); the output and the messages are the\n"
	  "                     same for every N\n" },
	{ "validate", "gwc validate [-q] [-W] SPEC...",
	  "validate every SPEC (and the pods istiod will make of them) and\n"
	  "report, writing nothing; on success a one-line summary on stdout",
	  NULL },
	{ "graph", "gwc graph SPEC...",
	  "print Graphviz DOT of the objects build would write and how they\n"
	  "refer to each other (for dot -Tsvg), writing nothing", NULL },
	{ "schema", "gwc schema", "print the embedded JSON Schema of the spec",
	  NULL },
	{ "inject",
	  "gwc inject [--injector-config FILE] [--values FILE] [--mesh FILE]\n"
	  "           [--revision REV] DEPLOYMENT",
	  "print DEPLOYMENT injected as istiod injects it (the offline\n"
	  "`istioctl kube-inject`)",
	  "      --injector-config FILE  the istio-sidecar-injector ConfigMap's\n"
	  "                     data.config (default: the built-in gateway\n"
	  "                     template as templates.gateway)\n"
	  "      --values FILE  its data.values (default: the built-in ones)\n"
	  "      --mesh FILE    the istio ConfigMap's data.mesh (default: the\n"
	  "                     built-in one)\n"
	  "      --revision REV the istio.io/rev of the injecting istiod\n" },
	{ "help", "gwc help [COMMAND]",
	  "print this help, or COMMAND's", NULL },
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static const char spec_options[] =
	"  -q, --quiet        print errors only (no warnings or notes)\n"
	"  -W, --warnings-as-errors\n"
	"                     a warning fails the run (exit 1) before anything\n"
	"                     is written\n";

static const char stdin_text[] = "A SPEC of - is read from standard input.\n";

static const char exit_text[] =
	"exit status: 0 success, 1 the specs had errors (or, with --check, OUT\n"
	"differs), 2 usage, I/O or internal error\n";

static const struct command_help *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* @s with every line after the first indented by @n spaces. */
static void put_lines(FILE *fp, const char *s, int n)
{
	for (; *s; s++) {
		fputc(*s, fp);
		if (*s == '\n')
			fprintf(fp, "%*s", n, "");
	}
	fputc('\n', fp);
}

static bool takes_specs(const struct command_help *c)
{
	return !strcmp(c->name, "build") || !strcmp(c->name, "validate");
}

/* gwc --help (@only NULL), or one command's help. */
static void print_help(FILE *fp, const struct command_help *only)
{
	size_t i;

	if (only) {
		fputs("usage: ", fp);
		put_lines(fp, only->usage, 7);
		fputs("\n", fp);
		put_lines(fp, only->about, 0);
		if (only->options || takes_specs(only))
			fputs("\noptions:\n", fp);
		if (only->options)
			fputs(only->options, fp);
		if (takes_specs(only))
			fprintf(fp, "%s  -h, --help         print this help\n"
				"\n%s", spec_options, stdin_text);
		fprintf(fp, "\n%s", exit_text);
		return;
	}
	for (i = 0; i < NCOMMANDS; i++) {
		fputs(i ? "       " : "usage: ", fp);
		put_lines(fp, commands[i].usage, 7);
	}
	fputs("       gwc --help | --version\n\n"
	      "Compiles declarative gateway specs (apiVersion gwc.dev/v1alpha1, kind\n"
	      "GatewaySpec) into the Kubernetes YAML of Istio gateways installed by\n"
	      "gateway injection, offline.\n\ncommands:\n", fp);
	for (i = 0; i < NCOMMANDS; i++) {
		fprintf(fp, "  %-9s  ", commands[i].name);
		put_lines(fp, commands[i].about, 13);
	}
	fprintf(fp, "\noptions:\n%s%s"
		"  -h, --help         print this help (COMMAND --help, or gwc help\n"
		"                     COMMAND: that command's)\n"
		"  -V, --version      print the version\n\n%s\ninject options:\n%s\n%s",
		commands[0].options, spec_options, stdin_text,
		find_command("inject")->options, exit_text);
}

static int finish(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "gwc: error: cannot write to standard output\n");
		return GW_EXIT_USAGE;
	}
	return status;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "gwc: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'gwc --help'.\n");
	return GW_EXIT_USAGE;
}

/* gwc help [COMMAND] */
static int run_help(int argc, char **argv)
{
	const struct command_help *c = NULL;

	if (argc > 2)
		return usage_error("%s", "help takes one command at most");
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		c = find_command("help");
	else if (argc == 2 && !(c = find_command(argv[1])))
		return usage_error("no command '%s'; gwc help lists them",
				   argv[1]);
	print_help(stdout, c);
	return finish(GW_EXIT_OK);
}

/* True when a command's arguments ask for its help (before any "--"). */
static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* The messages to stderr, then @out to stdout; the status they make. */
static int report(struct gw_diag *diag, const struct gw_buf *out, int status)
{
	if (gw_diag_print(diag, stderr))
		status = GW_EXIT_USAGE;
	gw_diag_release(diag);
	if (status != GW_EXIT_USAGE && out && out->len)
		fwrite(out->data, 1, out->len, stdout);
	return status;
}

/*
 * A build into a folder holds off SIGINT, SIGTERM and SIGHUP until it has
 * reported: the library backs out (OUT stays as it was) when one is
 * pending before it swaps the folders in, and the signal then acts, after
 * the messages, with its own exit status.
 */
static void hold_signals(sigset_t *old)
{
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, old);
}

static int run_schema(int argc)
{
	const struct gw_asset *a = gw_asset_get("gatewayspec.schema.json");

	if (argc > 2)
		return usage_error("%s", "schema takes no arguments");
	fwrite(a->data, 1, a->len, stdout);
	return finish(GW_EXIT_OK);
}

/* gwc graph SPEC...: the objects build would write, as Graphviz DOT. */
static int run_graph(int argc, char **argv)
{
	struct gw_options opt = { 0 };
	struct gw_fileset set = { 0 };
	struct gw_buf dot = { 0 };
	struct gw_arena *arena;
	struct gw_diag diag;
	int i, first = 1, status;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			memmove(argv + i, argv + i + 1,
				(size_t)(argc - i - 1) * sizeof(*argv));
			argc--;
			break;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("unknown option '%s'", argv[i]);
	}
	if (first >= argc)
		return usage_error("%s: no spec file given", argv[0]);
	opt.inputs = (const char *const *)argv + first;
	opt.ninputs = (size_t)(argc - first);
	opt.result = &set;
	arena = gw_arena_new();
	gw_diag_init(&diag, arena);
	status = gw_compile(&opt, &diag, NULL);
	gw_fileset_sort(&set);
	if (status == GW_EXIT_OK && gw_graph_dot(&dot, &set, &diag))
		status = GW_EXIT_USAGE;
	status = report(&diag, status == GW_EXIT_OK ? &dot : NULL, status);
	gw_buf_release(&dot);
	gw_fileset_release(&set);
	gw_arena_free(arena);
	return finish(status);
}

/* Drops every message but the errors (--quiet). */
static void errors_only(struct gw_diag *diag)
{
	size_t i, n = 0;

	for (i = 0; i < diag->n; i++)
		if (diag->entries[i].severity == GW_SEV_ERROR ||
		    diag->entries[i].severity == GW_SEV_INTERNAL)
			diag->entries[n++] = diag->entries[i];
	diag->n = n;
}

/*
 * A SPEC of "-" is standard input: removed from @inputs (*@n of them) and
 * read into @in (in->data malloc'ed; NULL after a reported failure).
 * Returns whether there was one.
 */
static bool take_stdin(char **inputs, size_t *n, struct gw_input *in)
{
	struct gw_buf buf = { 0 };
	size_t i, k = 0, got;
	bool found = false;
	char chunk[65536];

	for (i = 0; i < *n; i++) {
		if (strcmp(inputs[i], "-")) {
			inputs[k++] = inputs[i];
			continue;
		}
		if (found) {
			usage_error("%s", "standard input (-) given twice");
			return true;
		}
		found = true;
	}
	*n = k;
	if (!found)
		return false;
	while ((got = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		gw_buf_add(&buf, chunk, got);
		if (buf.len > GW_INPUT_MAX)
			break;	/* the input gate says why */
	}
	if (ferror(stdin)) {
		fprintf(stderr, "gwc: error: cannot read standard input: %s\n",
			strerror(errno));
		gw_buf_release(&buf);
		return true;
	}
	gw_buf_add(&buf, "", 0);
	in->data = buf.data ? buf.data : calloc(1, 1);
	in->len = buf.len;
	return true;
}

static int run_compile(int argc, char **argv, bool build)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "prune", no_argument, NULL, 'P' },
		{ "check", no_argument, NULL, 'C' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "stamp", required_argument, NULL, 'S' },
		{ "depfile", required_argument, NULL, 'D' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "warnings-as-errors", no_argument, NULL, 'W' },
		{ "fsync", no_argument, NULL, 'F' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	struct gw_options opt = { .outdir = build ? "out" : NULL };
	struct gw_input in = { "<stdin>", NULL, 0 };
	bool quiet = false;
	struct gw_fileset written = { 0 }, reads = { 0 };
	const char *stamp = NULL, *depfile = NULL;
	struct gw_buf out = { 0 };
	struct gw_arena *arena;
	struct gw_diag diag;
	sigset_t old_mask;
	bool writes;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, build ? ":o:j:qW" : ":qW",
				longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'W':
			opt.warnings_as_errors = true;
			break;
		case 'o':
			if (!build)
				return usage_error("%s", "validate writes no "
						   "output");
			opt.outdir = optarg;
			break;
		case 'P':
			if (!build)
				return usage_error("%s", "validate writes no "
						   "output");
			opt.prune = true;
			break;
		case 'j': {
			char *end;
			long jobs;

			if (!build)
				return usage_error("%s", "validate writes no "
						   "output");
			errno = 0;
			jobs = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || jobs < 1 ||
			    jobs > GW_MAX_JOBS)
				return usage_error("-j needs a number of jobs "
						   "from 1 to 64, not '%s'", optarg);
			opt.jobs = (unsigned)jobs;
			break;
		}
		case 'F':
		case 'N':
			if (!build)
				return usage_error("%s", "validate writes no "
						   "output");
			*(c == 'F' ? &opt.fsync : &opt.no_cache) = true;
			break;
		case 'C':
		case 'n':
			if (!build)
				return usage_error("%s", "validate writes no "
						   "output");
			opt.check = true;
			opt.dry_run |= c == 'n';
			break;
		case 'S':
		case 'D':
			if (!build)
				return usage_error("%s", "validate writes no "
						   "output");
			if (!*optarg)
				return usage_error("%s", c == 'S' ?
						   "the --stamp file name is empty" :
						   "the --depfile file name is empty");
			*(c == 'S' ? &stamp : &depfile) = optarg;
			break;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			if (optopt) {
				char opt_text[3] = { '-', (char)optopt, 0 };

				return usage_error("unknown option '%s'",
						   opt_text);
			}
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("%s: no spec file given", argv[0]);
	if (opt.outdir && !*opt.outdir)
		return usage_error("%s", "the output folder name is empty");
	if (opt.outdir && !strcmp(opt.outdir, "-") && (opt.check || opt.prune))
		return usage_error("%s", "--check and --prune need an output "
				   "folder, not -");
	if (depfile && !stamp)
		return usage_error("%s", "--depfile needs --stamp (the stamp is "
				   "the depfile's target)");
	if ((stamp || depfile) && (opt.check || !strcmp(opt.outdir, "-")))
		return usage_error("%s", "--stamp and --depfile need a build "
				   "that writes an output folder");
	if (opt.fsync && (opt.check || !strcmp(opt.outdir, "-")))
		return usage_error("%s", "--fsync needs a build that writes an "
				   "output folder");
	writes = opt.outdir && strcmp(opt.outdir, "-") && !opt.check;
	opt.inputs = (const char *const *)argv + optind;
	opt.ninputs = (size_t)(argc - optind);
	if (take_stdin(argv + optind, &opt.ninputs, &in)) {
		if (!in.data)
			return GW_EXIT_USAGE;
		opt.buffers = &in;
		opt.nbuffers = 1;
	}
	if (stamp) {
		opt.result = &written;
		opt.reads = &reads;
	}
	arena = gw_arena_new();
	gw_diag_init(&diag, arena);
	if (writes)
		hold_signals(&old_mask);
	status = gw_compile(&opt, &diag, &out);
	if (status == GW_EXIT_OK && stamp &&
	    gw_depfile_write(stamp, depfile, opt.fsync, &written, &reads,
			     &diag))
		status = GW_EXIT_USAGE;
	if (quiet)
		errors_only(&diag);
	if (!build && status == GW_EXIT_OK)
		gw_buf_printf(&out, "gwc: %zu spec file%s valid\n",
			      opt.ninputs + opt.nbuffers,
			      opt.ninputs + opt.nbuffers == 1 ? "" : "s");
	status = report(&diag, &out, status);
	free((char *)in.data);
	if (writes)		/* a held signal acts now */
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	gw_buf_release(&out);
	gw_fileset_release(&written);
	gw_fileset_release(&reads);
	gw_arena_free(arena);
	return finish(status);
}

static int run_inject(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "injector-config", required_argument, NULL, 'c' },
		{ "values", required_argument, NULL, 'v' },
		{ "mesh", required_argument, NULL, 'm' },
		{ "revision", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct gw_inject_options opt = { 0 };
	struct gw_arena *arena;
	struct gw_diag diag;
	struct gw_buf out = { 0 };
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': opt.config = optarg; break;
		case 'v': opt.values = optarg; break;
		case 'm': opt.mesh = optarg; break;
		case 'r': opt.revision = optarg; break;
		case ':':
			return usage_error("option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_error("%s", "inject takes one Deployment file");
	opt.deployment = argv[optind];
	arena = gw_arena_new();
	gw_diag_init(&diag, arena);
	status = gw_inject_run(&opt, &diag, &out);
	status = report(&diag, status == GW_EXIT_OK ? &out : NULL, status);
	gw_buf_release(&out);
	gw_arena_free(arena);
	return finish(status);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	/* Arenas come and go per spec and per injection: glibc would hand
	 * their chunks back to the kernel each time and fault them in again
	 * (an injection: 2.4 ms that way, 0.3 ms without).  Peak memory is
	 * the same. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	if (!cmd) {
		print_help(stderr, NULL);
		return GW_EXIT_USAGE;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h"))
		return run_help(argc - 1, argv + 1);
	if (!strcmp(cmd, "help"))
		return run_help(argc - 1, argv + 1);
	if (find_command(cmd) && wants_help(argc - 1, argv + 1)) {
		print_help(stdout, find_command(cmd));
		return finish(GW_EXIT_OK);
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("gwc %s\n", GWC_VERSION);
		return finish(GW_EXIT_OK);
	}
	if (!strcmp(cmd, "build"))
		return run_compile(argc - 1, argv + 1, true);
	if (!strcmp(cmd, "validate"))
		return run_compile(argc - 1, argv + 1, false);
	if (!strcmp(cmd, "schema"))
		return run_schema(argc);
	if (!strcmp(cmd, "graph"))
		return run_graph(argc - 1, argv + 1);
	if (!strcmp(cmd, "inject"))
		return run_inject(argc - 1, argv + 1);
	return usage_error("unknown command '%s'", cmd);
}
