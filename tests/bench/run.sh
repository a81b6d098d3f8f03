#!/usr/bin/env bash
# tests/bench/run.sh - `make bench`: gwc against the tools users would run
# instead, as whole processes, against cp -r of gwc's own output and against
# tests/bench/writeonly.c, a program that only writes gwc's files (the cost
# floor); the targets of issues 6 and 16.
#
# Each case runs gwc and its peers in turn (so machine drift hits all of
# them), REPS times, and prints per command the median and the spread
# (min-max), the ratio, the target and the verdict (PASS or FAIL).  A `sync`
# runs before every run, so that gwc's syncfs does not pay for the dirty
# pages of the run before it (the peers do not make their output durable;
# gwc does).  Every run writes a new folder; on the disk they are deleted
# after the case (deleting between runs would make the file system's inode
# allocation slower for all), on tmpfs after each run (memory).
#
# Where: BENCH_DIR (default build/bench, the project's own file system,
# "the disk") and a new folder under BENCH_SHM (default /dev/shm, tmpfs),
# removed at the end.  When BENCH_DIR is itself on tmpfs, the rows "on the
# disk and on tmpfs" run once.
#
# Cases (BENCH_CASES, default all, in this order):
#   one          1 gateway, on the disk and on tmpfs: against kubectl
#                kustomize + jq (>= 30x faster), cp -r of its output
#                (<= 2x) and writeonly (<= 1.3x)
#   thousand     1000 gateways on BENCH_DIR: against cp -r, -j 2, a python3
#                jinja2 loop, --check of an unchanged tree, peak memory
#   injection    in process, per Deployment (tests/bench/inject_time.c)
#   incremental  BENCH_INC_COUNT (1000) gateways on tmpfs: a rebuild and a
#                --check with nothing changed and with one spec changed,
#                each against a fresh build (<= 0.2x)
#   scale        BENCH_SCALE (10000 100000) gateways, one file per spec and
#                all specs in one file (YAML documents separated by ---):
#                time against writeonly (<= 1.3x) and cp -r, peak memory
#                (<= 64 MB), files per second, and the time of the largest
#                count against the smallest (linear within 5 %); on tmpfs,
#                and on the disk for the counts in BENCH_DISK_SCALE (10000)
#   dirty        1 gateway on the disk, quiet and right after another
#                process wrote BENCH_DIRTY_MB (1500) MB without sync
#                (dd from /dev/urandom; removed and synced after the run,
#                outside the timing), alternately: <= 1.5x quiet; also with
#                gwc build --fsync once gwc has it.  Beside the verdict: the
#                system's Dirty (/proc/meminfo) as gwc started, median
#                (min-max): if the kernel has begun writing the data back,
#                the case measured less than it says
# Runs: BENCH_REPS (11; the 1-gateway cases), BENCH_BIG_REPS (5; 1000
# gateways), BENCH_SCALE_REPS (3; fewer when the rounds so far say the
# next would end past BENCH_SCALE_BUDGET, 300 s, per count and file
# system: today gwc takes minutes for 100,000), BENCH_DIRTY_REPS (5).  BENCH_QUICK=1
# shrinks every default for a check of the harness (3 runs; 100 and 1000
# gateways for scale, 200 for incremental, 200 MB dirty).
#
# The exit status is 0 when the table was made, FAIL rows or not; 2 when
# the harness broke (an input could not be made, a peer failed).
# Peers: kubectl (kubernetes-client), jq, python3-jinja2.  Not jsonnet:
# Debian's jsonnet 0.18 (C++) took 118 s for 50 gateways here with
# std.manifestYamlStream, so a 1000-gateway run would not finish.
set -u
export LC_ALL=C
top=$(cd "$(dirname "$0")/../.." && pwd)
GWC=${GWC:-$top/build/gwc}
GWC=$(realpath "$GWC")
WALLTIME=$(realpath "${WALLTIME:-$top/build/tests/walltime}")
WRITEONLY=$(realpath "${WRITEONLY:-$top/build/tests/writeonly}")
peers=$top/tests/bench/peers
gen=$top/tests/bench/gen-specs.sh

if [ -n "${BENCH_QUICK:-}" ]; then
	q_reps=3 q_scale="100 1000" q_disk_scale=100 q_inc=200 q_mb=200
else
	q_reps='' q_scale="10000 100000" q_disk_scale=10000 q_inc=1000 q_mb=1500
fi
reps=${BENCH_REPS:-${q_reps:-11}}
big_reps=${BENCH_BIG_REPS:-${q_reps:-5}}
scale_reps=${BENCH_SCALE_REPS:-3}
scale_budget=${BENCH_SCALE_BUDGET:-300}
dirty_reps=${BENCH_DIRTY_REPS:-${q_reps:-5}}
scale_counts=${BENCH_SCALE-$q_scale}
disk_scale=${BENCH_DISK_SCALE-$q_disk_scale}
inc_count=${BENCH_INC_COUNT:-$q_inc}
dirty_mb=${BENCH_DIRTY_MB:-$q_mb}
cases=${BENCH_CASES:-one thousand injection incremental scale dirty}

dir=${BENCH_DIR:-$top/build/bench}
rm -rf "$dir" && mkdir -p "$dir/work" || exit 2
dir=$(realpath "$dir")
shm=$(mktemp -d "${BENCH_SHM:-/dev/shm}/gwc-bench.XXXXXX") || exit 2
mkdir -p "$shm/work" || exit 2
trap 'rm -rf "$dir/work" "$dir/big" "$shm"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }
# die MESSAGE : the harness broke
die() { echo "bench: $*" >&2; exit 2; }
want() { [[ " $cases " == *" $1 "* ]]; }
fstype() { df -T "$1" | awk 'NR==2 {print $2}'; }
disk_fs=$(fstype "$dir")
shm_fs=$(fstype "$shm")
# the folders to run "on the disk and on tmpfs" in
locs=("$dir")
[ "$disk_fs" = tmpfs ] || locs+=("$shm")
label() { if [ "$1" = "$shm" ]; then echo "$shm_fs"; else echo "$disk_fs"; fi; }
broke=0

# time_us [WALLTIME OPTION]... CMD... : wall time of one run in
# microseconds (with -m: and its peak memory in KiB), from fork to exit as
# tests/bench/walltime.c measures it; -1 when CMD failed
time_us() {
	local us
	us=$("$WALLTIME" "$@") || { echo "bench: failed: $*" >&2; echo -1; return; }
	echo "$us"
}

# stats US... : "median min max runs failed" in microseconds, of the runs
# that did not fail (-1); median -1 when all failed
stats() {
	printf '%s\n' "$@" | sort -n | awk '$1 < 0 {f++; next} {v[++n] = $1}
		END {if (!n) print -1, -1, -1, 0, f + 0
		     else print v[int((n + 1) / 2)], v[1], v[n], n, f + 0}'
}
ms() { awk -v u="$1" 'BEGIN {printf "%.1f", u / 1000}'; }
# spread STATS [N] : "median (min-max)"; the number of runs too when it is
# not N
spread() {
	local m lo hi n f
	read -r m lo hi n f <<<"$1"
	[ -z "$m" ] && return
	if [ "$m" -lt 0 ]; then echo "failed ($f runs)"; return; fi
	if [ "$n" = 1 ]; then echo -n "$(ms "$m") (1 run)"
	else echo -n "$(ms "$m") ($(ms "$lo")-$(ms "$hi"))"; fi
	[ -n "${2:-}" ] && [ "$n" != 1 ] && [ "$n" != "$2" ] && echo -n " $n runs"
	[ "$f" -gt 0 ] && echo -n " $f failed"
	echo
}

# ratio A B : the ratio of the medians of two stats, raw; - when either failed
ratio() {
	awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN {
		if (a < 0 || b <= 0) print "-"; else printf "%.4f", a / b }'
}
# x RATIO DIGITS : "3.1x"
x() { [ "$1" = - ] && echo - || awk -v r="$1" -v d="$2" 'BEGIN {printf "%.*fx", d, r}'; }
# verdict VALUE OP LIMIT GWC_STATS [PEER_STATS] : PASS or FAIL; a failed gwc
# run is a FAIL, a failed peer run is the harness's (exit status 2)
verdict() {
	local gf=${4##* } pf=${5:-0}
	pf=${pf##* }
	if [ "$pf" != 0 ]; then broke=1; echo "ERROR: a peer run failed"; return; fi
	if [ "$gf" != 0 ]; then echo "FAIL: $gf gwc runs failed"; return; fi
	awk -v a="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (a == "-") { print "FAIL"; exit }
		ok = op == "<=" ? a + 0 <= l + 0 : a + 0 >= l + 0
		print ok ? "PASS" : "FAIL" }'
}

# info GWC_STATS [PEER_STATS] : the verdict of a row without a target
info() {
	local v
	v=$(verdict 0 ">=" 0 "$@")
	[ "$v" = PASS ] && echo - || echo "$v"
}
# failed STATS... : the number of failed runs in all of them, as stats
failed() {
	local f=0 s
	for s in "$@"; do f=$((f + ${s##* })); done
	echo "0 0 0 0 $f"
}

# row CASE GWC PEER PEER_VALUE RATIO TARGET VERDICT, printed at once
fmt='%-50s %-26s %-26s %-26s %-8s %-22s %s\n'
row() { printf "$fmt" "$@"; }

# cycle N FN... : runs the FNs in turn, N rounds, each after a sync, with
# the round's number; leaves S[k], the stats of the k-th FN; then empties
# the work folders.  With cycle_budget (seconds) set, no round starts that
# would end past it, by the rounds so far (one round at least).
cycle_budget=
cycle() {
	local n=$1 i k v t0=$SECONDS
	shift
	local acc=()
	for ((i = 0; i < n; i++)); do
		if [ -n "$cycle_budget" ] && ((i > 0 &&
			(SECONDS - t0) * (i + 1) / i > cycle_budget)); then
			break
		fi
		for ((k = 1; k <= $#; k++)); do
			sync
			v=$("${!k}" "$i")
			acc[k]+=" $v"
		done
	done
	S=()
	for ((k = 1; k <= $#; k++)); do
		# shellcheck disable=SC2086
		S[k]=$(stats ${acc[k]})
	done
	rm -rf "${dir:?}/work" "${shm:?}/work" && mkdir -p "$dir/work" "$shm/work" && sync
}
# pair NAME N GWC_FN PEER_FN : cycle of the two, leaves G and P
pair() {
	if [ -n "$4" ]; then cycle "$2" "$3" "$4"; else cycle "$2" "$3"; fi
	G=${S[1]} P=${S[2]:-}
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r); disk: $disk_fs under $dir; tmpfs: $shm_fs under $shm"
echo "times in ms: median (min-max) of $reps runs (1000 gateways: $big_reps, scale: $scale_reps or what fits in ${scale_budget} s, dirty: $dirty_reps)"
row case gwc peer peer ratio target verdict

# ---- inputs -------------------------------------------------------------
"$gen" "$dir/one" 1 legacy
"$GWC" build -o "$dir/one-out" "$dir/one/gw-0001.yaml" 2>/dev/null || die "gwc failed on $dir/one"
# the legacy-kernel overlay gwc installs (issue 11), which the peer puts
# into the Istio patch as gwc does
template=$dir/one-out/istio/default/injection-template-gwc-legacy-kernel.txt
[ -f "$template" ] || die "gwc wrote no $template"

# ---- one gateway, on the disk and on tmpfs ------------------------------
g_one() { time_us "$GWC" build -o "$loc/work/g-$1" "$loc/one/gw-0001.yaml"; }
p_kustomize() {
	mkdir -p "$loc/work/k-$1"
	time_us sh -c 'kubectl kustomize "$1" >"$2/objects.yaml" &&
		jq -n --rawfile t "$3" "{spec: {values: {sidecarInjectorWebhook: {templates: {\"gwc-legacy-kernel\": \$t}}}}}" >"$2/istio-patch.json"' \
		sh "$peers/kustomize/overlay" "$loc/work/k-$1" "$template"
}
p_cp() { time_us cp -r "$loc/one-out" "$loc/work/c-$1"; }
p_write() { time_us "$WRITEONLY" write "$loc/one.pack" "$loc/work/w-$1"; }

one_gateway() {
	local t r
	t=$(label "$loc")
	if [ "$loc" != "$dir" ]; then
		"$gen" "$loc/one" 1 legacy
		"$GWC" build -o "$loc/one-out" "$loc/one/gw-0001.yaml" 2>/dev/null || die "gwc failed on $loc/one"
	fi
	"$WRITEONLY" pack "$loc/one-out" "$loc/one.pack" >/dev/null || die "writeonly pack failed"
	template=$loc/one-out/istio/default/injection-template-gwc-legacy-kernel.txt
	if have kubectl && have jq; then
		pair one "$reps" g_one p_kustomize
		r=$(ratio "$P" "$G")
		row "1 gateway, legacy kernel ($t)" "$(spread "$G")" "kubectl kustomize + jq" "$(spread "$P")" \
			"$(x "$r" 0)" ">= 30x faster" "$(verdict "$r" ">=" 30 "$G" "$P")"
	else
		row "1 gateway, legacy kernel ($t)" "-" "kubectl kustomize + jq" "-" "-" ">= 30x faster" "skipped: no kubectl/jq"
	fi
	pair one "$reps" g_one p_cp
	r=$(ratio "$G" "$P")
	row "1 gateway, legacy kernel ($t)" "$(spread "$G")" "cp -r of gwc's output" "$(spread "$P")" \
		"$(x "$r" 2)" "gwc <= 2x cp -r" "$(verdict "$r" "<=" 2 "$G" "$P")"
	pair one "$reps" g_one p_write
	r=$(ratio "$G" "$P")
	row "1 gateway, legacy kernel ($t)" "$(spread "$G")" "write-only program" "$(spread "$P")" \
		"$(x "$r" 2)" "gwc <= 1.3x write-only" "$(verdict "$r" "<=" 1.3 "$G" "$P")"
}
if want one; then
	for loc in "${locs[@]}"; do one_gateway; done
fi

# ---- 1000 gateways on BENCH_DIR -----------------------------------------
g_big() { time_us "$GWC" build -o "$dir/work/g-$1" "${specs[@]}"; }
g_big2() { time_us "$GWC" build -j 2 -o "$dir/work/g2-$1" "${specs[@]}"; }
p_jinja() { time_us /usr/bin/python3 "$peers/jinja2-loop.py" "$dir/specs" "$dir/work/j-$1"; }
p_bigcp() { time_us cp -r "$dir/big-out" "$dir/work/c-$1"; }
g_same() { time_us "$GWC" build -o "$dir/work/u" "${specs[@]}"; }
g_check() { time_us "$GWC" build --check -o "$dir/work/u" "${specs[@]}"; }
# kb KIB : "7.5 MB"
mb() { awk -v k="$1" 'BEGIN {printf "%.1f MB", k / 1024}'; }

thousand() {
	local t files r kb kb2 one_kb
	t=$(label "$dir")
	"$gen" "$dir/specs" 1000 legacy
	specs=("$dir"/specs/*.yaml)
	"$GWC" build -o "$dir/big-out" "${specs[@]}" 2>/dev/null || die "gwc failed on $dir/specs"
	files=$(find "$dir/big-out" -type f | wc -l)

	pair big "$big_reps" g_big p_bigcp
	r=$(ratio "$G" "$P")
	row "1000 gateways ($files files), -j 1 ($t)" "$(spread "$G")" "cp -r of gwc's output" "$(spread "$P")" \
		"$(x "$r" 2)" "<= 300 ms" "$(verdict "${G%% *}" "<=" 300000 "$G" "$P")"
	pair big "$big_reps" g_big2 ""
	row "1000 gateways, -j 2 ($t)" "$(spread "$G")" "" "" "" "<= 300 ms" "$(verdict "${G%% *}" "<=" 300000 "$G")"
	if /usr/bin/python3 -c 'import jinja2, yaml' 2>/dev/null; then
		pair big "$big_reps" g_big p_jinja
		r=$(ratio "$P" "$G")
		row "1000 gateways, -j 1 ($t)" "$(spread "$G")" "python3 jinja2 loop" "$(spread "$P")" \
			"$(x "$r" 1)" ">= 10x faster" "$(verdict "$r" ">=" 10 "$G" "$P")"
		# the loop is one process on one core; gwc may use both (issue 6)
		pair big "$big_reps" g_big2 p_jinja
		r=$(ratio "$P" "$G")
		row "1000 gateways, -j 2 ($t)" "$(spread "$G")" "python3 jinja2 loop" "$(spread "$P")" \
			"$(x "$r" 1)" ">= 10x faster" "$(verdict "$r" ">=" 10 "$G" "$P")"
	else
		row "1000 gateways, -j 1 ($t)" "-" "python3 jinja2 loop" "-" "-" ">= 10x faster" "skipped: no python3-jinja2"
	fi
	# unchanged tree: rebuild and --check
	"$GWC" build -o "$dir/work/u" "${specs[@]}" 2>/dev/null
	pair same "$reps" g_same g_check
	r=$(ratio "$P" "$G")
	row "1000 gateways, unchanged tree ($t)" "$(spread "$G")" "gwc --check (same tree)" "$(spread "$P")" \
		"$(x "$r" 2)" "--check <= build" "$(verdict "$r" "<=" 1 "$G" "$P")"

	# peak memory (walltime -m: the child's ru_maxrss)
	kb=$("$WALLTIME" -m "$GWC" build -o "$dir/work/m" "${specs[@]}") || kb="0 -1"
	kb2=$("$WALLTIME" -m "$GWC" build -j 2 -o "$dir/work/m2" "${specs[@]}") || kb2="0 -1"
	one_kb=$("$WALLTIME" -m "$GWC" build -o "$dir/work/m1" "$dir/one/gw-0001.yaml") || one_kb="0 -1"
	kb=${kb#* } kb2=${kb2#* } one_kb=${one_kb#* }
	rm -rf "$dir/work/m" "$dir/work/m2" "$dir/work/m1"
	row "peak memory, 1000 gateways ($t)" "$(mb "$kb") (-j 2: $(mb "$kb2"))" "gwc, 1 gateway" "$(mb "$one_kb")" "" "<= 10 MB" \
		"$([ "$kb" -ge 0 ] && [ "$kb" -le 10240 ] && [ "$kb2" -ge 0 ] && [ "$kb2" -le 10240 ] && echo PASS || echo FAIL)"
}
want thousand && thousand

# ---- injection, in process (tests/bench/inject_time.c): CPU time --------
injection() {
	local conf line per
	conf=${SHARED:-$top/../shared}/upstream/istio/injection-conformance/1.24.0
	if [ -x "${INJECT_TIME:-}" ] && [ -f "$conf/gateway.yaml" ]; then
		line=$("$INJECT_TIME" "$conf/default.template.gen.yaml" "$conf/default.values.gen.yaml" \
			"$conf/default.mesh.gen.yaml" "$conf/gateway.yaml" 1000)
		per=$(sed -n 's/.*injection \([0-9.]*\) ms per Deployment.*/\1/p' <<<"$line")
		[ -n "$per" ] || { broke=1; row "injection (1.24 case), per Deployment" "-" "" "" "" "<= 1 ms" "ERROR: inject_time failed"; return; }
		row "injection (1.24 case), per Deployment" "$per ms (CPU, 1000 runs)" "" "" "" "<= 1 ms" \
			"$(verdict "$per" "<=" 1 "0 0 0 0 0")"
	else
		row "injection, per Deployment" "-" "" "" "" "<= 1 ms" "skipped: no ../shared/upstream or INJECT_TIME"
	fi
}
want injection && injection

# ---- incremental: nothing or one spec changed, on tmpfs -----------------
# specs a/ and its output out-a (never changed); b/, whose first spec
# flips between v1 and v2 before every timed rebuild of out-b, and to the
# other version for a timed --check of out-b
i_fresh() { time_us "$GWC" build -o "$shm/work/f-$1" "${inc_a[@]}"; }
i_same() { time_us "$GWC" build -o "$inc/out-a" "${inc_a[@]}"; }
i_check() { time_us "$GWC" build --check -o "$inc/out-a" "${inc_a[@]}"; }
i_one() {
	cp "$inc/v$((2 - $1 % 2)).yaml" "$inc/b/$inc_first" || { echo -1; return; }
	time_us "$GWC" build -o "$inc/out-b" "${inc_b[@]}"
}
# b/'s first spec flipped to the version out-b was not built from, as a
# user's edit before the check, then flipped back (OUT's cache is keyed by
# the spec files' names: the same files, one edited)
i_check1() {
	cp "$inc/v$((1 + $1 % 2)).yaml" "$inc/b/$inc_first" || { echo -1; return; }
	time_us -x 1 "$GWC" build --check -o "$inc/out-b" "${inc_b[@]}"
	cp "$inc/v$((2 - $1 % 2)).yaml" "$inc/b/$inc_first"
}

incremental() {
	local n=$inc_count k r t=$shm_fs what
	inc=$shm/inc
	"$gen" "$inc/a" "$n" legacy
	inc_a=("$inc"/a/*.yaml)
	inc_first=${inc_a[0]##*/}
	cp -r "$inc/a" "$inc/b" &&
		cp "$inc/a/$inc_first" "$inc/v1.yaml" &&
		sed 's/maxReplicas: 10$/maxReplicas: 11/' "$inc/v1.yaml" >"$inc/v2.yaml" ||
		die "cannot make $inc"
	cmp -s "$inc/v1.yaml" "$inc/v2.yaml" && die "$inc/v2.yaml is v1.yaml"
	inc_b=("$inc"/b/*.yaml)
	"$GWC" build -o "$inc/out-a" "${inc_a[@]}" 2>/dev/null &&
		"$GWC" build -o "$inc/out-b" "${inc_b[@]}" 2>/dev/null || die "gwc failed on $inc"

	cycle "$big_reps" i_fresh i_same i_check i_one i_check1
	for k in 2 3 4 5; do
		case $k in
		2) what="nothing changed, build" ;;
		3) what="nothing changed, --check" ;;
		4) what="one spec changed, build" ;;
		5) what="one spec changed, --check" ;;
		esac
		r=$(ratio "${S[k]}" "${S[1]}")
		row "$n gateways, $what ($t)" "$(spread "${S[k]}")" "fresh build" "$(spread "${S[1]}")" \
			"$(x "$r" 2)" "<= 0.2x fresh build" "$(verdict "$r" "<=" 0.2 "$(failed "${S[k]}" "${S[1]}")")"
	done
	rm -rf "$inc"
}
want incremental && incremental

# ---- scale: BENCH_SCALE gateways, two layouts ---------------------------
# In sc/: files/ (one spec per file), one/gateways.yaml (all of them), ref/
# (gwc's output: its first successful run, kept), pack (writeonly's record
# of ref/, made before the first write-only run, outside its timing).  gwc
# gets the spec files by relative name from inside files/, with room for
# 100,000 names in its arguments (ulimit -s: they may take a quarter of
# the stack limit).
# sc_run OUT RSSFILE ERRFILE CMD... : time_us -m, the peak memory appended
# to RSSFILE; OUT deleted after the run on tmpfs, unless it is the first
# success (then it becomes ref/); on failure, ERRFILE.why says how it ended
# and its first error
sc_run() {
	local out=$1 rssf=$2 errf=$3 v
	shift 3
	if v=$("$WALLTIME" -m -e "$errf" "$@" 2>"$errf.wt"); then
		echo "${v#* }" >>"$rssf"
		if [ ! -d "$sc/ref" ]; then
			mv "$out" "$sc/ref" || v=-1
		elif [ "$loc" = "$shm" ]; then
			rm -rf "$out"
		fi
	else
		why "$errf" >"$errf.why"
		echo "bench: failed: $(cat "$errf.why")" >&2
		rm -rf "$out"
		v=-1
	fi
	echo "${v%% *}"
}
# why ERRFILE : "exit status N: FIRST LINE" of a failed run (its first
# error, else the first line of its stderr)
why() {
	local line
	line=$(grep -m1 ': error: ' "$1" || head -n1 "$1")
	echo "$(sed -n 's/^walltime: [^:]*: //p' "$1.wt" | head -n1): $line"
}
s_files() {
	(cd "$sc/files" && ulimit -s 65536 2>/dev/null
	 sc_run "$loc/work/gf-$1" "$sc/rss-files" "$sc/err-files" "$GWC" build -o "$loc/work/gf-$1" "${sc_names[@]}")
}
s_one() {
	# failed once (gwc refuses the file): not again
	if [ -s "$sc/err-one.why" ]; then echo -1; return; fi
	sc_run "$loc/work/go-$1" "$sc/rss-one" "$sc/err-one" "$GWC" build -o "$loc/work/go-$1" "$sc/one/gateways.yaml"
}
s_write() {
	local v
	[ -d "$sc/ref" ] || { echo -1; return; }
	if [ ! -s "$sc/pack" ]; then
		"$WRITEONLY" pack "$sc/ref" "$sc/pack" >"$sc/pack.count" ||
			{ rm -f "$sc/pack"; echo -1; return; }
	fi
	v=$(time_us "$WRITEONLY" write "$sc/pack" "$loc/work/w-$1")
	[ "$loc" = "$shm" ] && rm -rf "$loc/work/w-$1"
	echo "$v"
}
s_cp() {
	local v
	[ -d "$sc/ref" ] || { echo -1; return; }
	v=$(time_us cp -r "$sc/ref" "$loc/work/c-$1")
	[ "$loc" = "$shm" ] && rm -rf "$loc/work/c-$1"
	echo "$v"
}

declare -A sc_med	# "LAYOUT FS COUNT" -> median time of gwc, us
# scale_case N : the case for N gateways in $loc
scale_case() {
	local n=$1 t files k layout name r rss fps wfps
	t=$(label "$loc")
	sc=$loc/scale-$n
	"$gen" "$sc/files" "$n" legacy && "$gen" "$sc/one" "$n" legacy one || die "cannot make $sc"
	sc_names=("$sc"/files/*.yaml)
	sc_names=("${sc_names[@]##*/}")
	: >"$sc/rss-files"
	: >"$sc/rss-one"

	cycle_budget=$scale_budget
	cycle "$scale_reps" s_files s_one s_write s_cp
	cycle_budget=
	files=$(awk '{print $1}' "$sc/pack.count" 2>/dev/null)
	for k in 1 2; do
		if [ "$k" = 1 ]; then layout=files name="file per spec"
		else layout=one name="all in one file"; fi
		if [ -s "$sc/err-$layout.why" ]; then
			row "$n gateways, $name ($t)" "$(spread "${S[k]}")" "" "" "" "" "FAIL: $(cat "$sc/err-$layout.why")"
			[ "${S[k]%% *}" -ge 0 ] || continue
		fi
		[ -d "$sc/ref" ] || continue
		sc_med["$layout $t $n"]=${S[k]%% *}
		r=$(ratio "${S[k]}" "${S[3]}")
		row "$n gateways, $name ($t)" "$(spread "${S[k]}" "$scale_reps")" "write-only program" "$(spread "${S[3]}" "$scale_reps")" \
			"$(x "$r" 2)" "<= 1.3x write-only" "$(verdict "$r" "<=" 1.3 "${S[k]}" "${S[3]}")"
		r=$(ratio "${S[k]}" "${S[4]}")
		row "$n gateways, $name ($t)" "$(spread "${S[k]}" "$scale_reps")" "cp -r of gwc's output" "$(spread "${S[4]}" "$scale_reps")" \
			"$(x "$r" 2)" "none" "$(info "${S[k]}" "${S[4]}")"
		rss=$(sort -n "$sc/rss-$layout" | tail -n1)
		rss=${rss:--}
		fps=$(awk -v f="$files" -v u="${S[k]%% *}" 'BEGIN {printf "%.0f", (u > 0 ? f / u * 1e6 : 0)}')
		wfps=$(awk -v f="$files" -v u="${S[3]%% *}" 'BEGIN {printf "%.0f", (u > 0 ? f / u * 1e6 : 0)}')
		row "$n gateways, $name ($t): memory" "$([ "$rss" = - ] && echo - || mb "$rss"), $fps files/s" \
			"write-only, $files files" "$wfps files/s" "" "peak memory <= 64 MB" \
			"$(verdict "$rss" "<=" 65536 "${S[k]}")"
	done
	rm -rf "$sc"
}

scale() {
	local n lo hi layout t r tf
	for n in $scale_counts; do
		loc=$shm
		scale_case "$n"
	done
	if [ "$disk_fs" != tmpfs ]; then
		for n in $scale_counts; do
			[[ " $disk_scale " == *" $n "* ]] || continue
			loc=$dir
			scale_case "$n"
		done
	fi
	# linear in the count: the largest count's time against the smallest's
	# (tmpfs, where both ran)
	lo=$(printf '%s\n' $scale_counts | sort -n | head -n1)
	hi=$(printf '%s\n' $scale_counts | sort -n | tail -n1)
	[ -n "$lo" ] && [ "$hi" -gt "$lo" ] || return
	tf=$(awk -v a="$hi" -v b="$lo" 'BEGIN {printf "%.4g", a / b * 1.05}')
	for layout in files one; do
		t=$shm_fs
		r=$(awk -v a="${sc_med["$layout $t $hi"]:--1}" -v b="${sc_med["$layout $t $lo"]:--1}" \
			'BEGIN {if (a < 0 || b <= 0) print "-"; else printf "%.4f", a / b}')
		row "time $hi / $lo gateways, $([ $layout = files ] && echo file per spec || echo all in one file) ($t)" \
			"$(x "$r" 2)" "linear: $(x "$(awk -v a="$hi" -v b="$lo" 'BEGIN {print a / b}')" 2)" "" "" "<= ${tf}x (linear +5 %)" "$(verdict "$r" "<=" "$tf" "0 0 0 0 0")"
	done
}
want scale && scale

# ---- dirty data of another process on the disk --------------------------
d_quiet() { time_us "$GWC" build "${d_opt[@]}" -o "$dir/work/q-$1" "$dir/one/gw-0001.yaml"; }
d_dirty() {
	local v
	# another process's dirty pages: dd ends when its data is in the page
	# cache, not on the disk (no sync, no conv=fsync)
	if ! dd if=/dev/urandom of="$dir/big" bs=1M count="$dirty_mb" status=none; then
		echo "bench: dd of $dirty_mb MB failed" >&2
		rm -f "$dir/big"
		echo dd >"$dir/dd-failed"
		echo -1
		return
	fi
	# how much of it is still dirty as gwc starts (the kernel may have
	# begun writing it back): printed beside the verdict
	awk '/^Dirty:/ {print int($2 / 1024)}' /proc/meminfo >>"$dir/dirty-mb"
	v=$(time_us "$GWC" build "${d_opt[@]}" -o "$dir/work/d-$1" "$dir/one/gw-0001.yaml")
	rm -f "$dir/big"
	sync
	echo "$v"
}

cycle_dirty() {
	local f=$dir/dd-failed
	rm -f "$f" "$dir/dirty-mb"
	cycle "$dirty_reps" d_quiet d_dirty
	[ -e "$f" ] && dd_failed=1
	dirty_at=$(sort -n "$dir/dirty-mb" 2>/dev/null | awk '{v[NR] = $1}
		END {if (NR) printf "%d MB (%d-%d)", v[int((NR + 1) / 2)], v[1], v[NR]}')
	rm -f "$f" "$dir/dirty-mb"
}

dirty() {
	local t r name opt v
	t=$(label "$dir")
	if [ "$disk_fs" = tmpfs ]; then
		row "1 gateway, $dirty_mb MB dirty data" "-" "" "" "" "<= 1.5x quiet" "skipped: BENCH_DIR is on tmpfs"
		return
	fi
	for opt in "" --fsync; do
		name="1 gateway, $dirty_mb MB dirty${opt:+, $opt} ($t)"
		if [ -n "$opt" ] && ! "$GWC" build --help 2>&1 | grep -q -e "$opt"; then
			row "$name" "-" "gwc $opt, quiet" "-" "-" "<= 1.5x quiet" "n/a: no $opt"
			continue
		fi
		d_opt=(${opt:+"$opt"})
		dd_failed=
		cycle_dirty
		r=$(ratio "${S[2]}" "${S[1]}")
		if [ -n "$dd_failed" ]; then
			broke=1
			v="ERROR: dd failed"
		else
			v=$(verdict "$r" "<=" 1.5 "$(failed "${S[2]}" "${S[1]}")")
		fi
		v="$v; system Dirty at gwc start: ${dirty_at:--}"
		row "$name" "$(spread "${S[2]}")" "gwc${opt:+ $opt}, quiet" "$(spread "${S[1]}")" \
			"$(x "$r" 2)" "<= 1.5x quiet" "$v"
	done
}
want dirty && dirty

exit $((broke ? 2 : 0))
