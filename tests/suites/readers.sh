#!/usr/bin/env bash
# tests/suites/readers.sh - gwc's output read by independent, real readers.
#
# Prints one line per check: "ok NAME", "FAIL NAME: why" or "skip NAME: why"
# (tests/run.sh counts them); exits 0 whatever the checks found.
#
#   files      every .yaml that gwc writes for examples/ and for every
#              tests/golden/*/ case: PyYAML (yaml.safe_load_all) and kubectl
#              (`kubectl label --local -o json`, go-yaml v2 as in Kubernetes)
#              read the same data
#   kustomize  `kubectl kustomize` renders every gateway folder without
#              error, into the same objects as its files
#   patch      every istio/<name>/istio-patch.json equals, as a JSON value
#              and byte for byte, what the seed procedure's jq command gives
#   sail       the patch merged into sail-operator's sample Istio resource by
#              `kubectl patch --local --type=merge` carries the template text
#   emission   specs that put several hundred hostile strings into
#              annotations and env values: PyYAML, kubectl and kustomize read
#              back exactly those strings at those places
#
# Environment (from tests/run.sh): GWC, top, SHARED, TMPDIR.
set -u
export LC_ALL=C.UTF-8
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
GWC=${GWC:-$top/build/gwc}
SHARED=${SHARED:-$top/../shared}
work=$(mktemp -d "${TMPDIR:-/tmp}/readers.XXXXXX") || {
	echo "FAIL readers: cannot make a temporary folder"; exit 0; }
trap 'rm -rf "$work"' EXIT

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }
# The first lines of a file, folded into one line, for a FAIL reason.
brief() { head -c 600 "$1" | tr '\n' ' '; }
# The last characters of a file (kustomize puts the cause last).
brief_tail() { tail -c 300 "$1" | tr '\n' ' '; }

have_jq=false have_py=false have_kubectl=false
command -v jq >/dev/null 2>&1 && have_jq=true
# the interpreter itself, not a version manager's shim (which costs a
# fraction of a second per call)
PY=$(python3 -c 'import sys, yaml; print(sys.executable)' 2>/dev/null) &&
	[ -x "$PY" ] && have_py=true
python3() { "$PY" "$@"; }
command -v kubectl >/dev/null 2>&1 && have_kubectl=true
$have_jq || skip "readers/jq" "jq is not installed (apt-get install jq)"
$have_py || skip "readers/pyyaml" "python3 with PyYAML is not installed (apt-get install python3-yaml)"
$have_kubectl || skip "readers/kubectl" "kubectl is not installed"

if [ ! -x "$GWC" ]; then
	fail readers "no gwc binary at $GWC (make build/gwc)"
	exit 0
fi

# ---- the readers' glue (Python compares JSON; it reads YAML only through
# PyYAML's yaml.safe_load_all) ---------------------------------------------

# pyyaml FILE...: every document of the files, in order, as one JSON array.
# Values JSON cannot hold (dates, binary, sets) become {"__not_json__": ...}
# so that they differ visibly from the strings they should have been.
PY_LOAD='
import json, sys, yaml
docs = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        docs.extend(yaml.safe_load_all(f))
def odd(v):
    return {"__not_json__": type(v).__name__ + " " + repr(v)}
json.dump(docs, sys.stdout, default=odd, ensure_ascii=False, allow_nan=True)
'
pyyaml() { python3 -c "$PY_LOAD" "$@"; }

# kubectl_read FILE...: the documents as kubectl reads them (go-yaml v2
# through sigs.k8s.io/yaml, as Kubernetes does), as one JSON array; kubectl
# prints one object per document, or a List.  Every object gets the label
# gwc-check=1 (`kubectl label` needs a change to print).
kubectl_read() {
	local args=() f
	for f; do args+=(-f "$f"); done
	kubectl label --local "${args[@]}" gwc-check=1 -o json >"$work/kc.raw" || return 1
	jq -s '[.[] | if .kind == "List" and has("items") then .items[] else . end]' "$work/kc.raw"
}

# Compares two JSON arrays of documents: A (PyYAML's) and B (kubectl's,
# with the gwc-check label it added); then checks that the string maps of
# Kubernetes (labels, annotations, selectors, env values) hold strings.
# Prints nothing when all is well, else the first problem.
PY_SAME='
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
label = len(sys.argv) > 3 and sys.argv[3] == "label"

def unlabel(orig, doc):
    if not isinstance(doc, dict) or not isinstance(doc.get("metadata"), dict):
        return doc
    meta = doc["metadata"]
    labels = meta.get("labels")
    if isinstance(labels, dict):
        labels.pop("gwc-check", None)
        had = isinstance(orig, dict) and isinstance(orig.get("metadata"), dict) \
            and "labels" in orig["metadata"]
        if not labels and not had:
            del meta["labels"]
    if not meta and not (isinstance(orig, dict) and "metadata" in orig):
        del doc["metadata"]
    return doc

def kinds(v):
    if isinstance(v, bool): return "bool"
    if isinstance(v, (int, float)): return "number"
    return type(v).__name__

def diff(x, y, path):
    if isinstance(x, dict) and isinstance(y, dict):
        for k in sorted(set(x) | set(y)):
            if k not in x: return "%s.%s: only in kubectl\x27s reading" % (path, k)
            if k not in y: return "%s.%s: only in PyYAML\x27s reading" % (path, k)
            d = diff(x[k], y[k], "%s.%s" % (path, k))
            if d: return d
        return None
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return "%s: %d items vs %d" % (path, len(x), len(y))
        for i, (p, q) in enumerate(zip(x, y)):
            d = diff(p, q, "%s[%d]" % (path, i))
            if d: return d
        return None
    if kinds(x) != kinds(y) or x != y:
        return "%s: PyYAML reads %s %.80r, kubectl %s %.80r" % (path, kinds(x), x, kinds(y), y)
    return None

if label:
    if len(a) != len(b):
        print("PyYAML reads %d documents, kubectl %d" % (len(a), len(b))); sys.exit()
    b = [unlabel(o, d) for o, d in zip(a, b)]
d = diff(a, b, "")
if d:
    print("PyYAML and kubectl differ: " + d); sys.exit()

# Both readers agree; the string maps of Kubernetes must also hold strings
# (a plain true, 1 or null there would have been read as another type).
def strings(where, m):
    if isinstance(m, dict):
        for k, v in m.items():
            if not isinstance(v, str):
                return "%s.%s is a %s, Kubernetes wants a string" % (where, k, kinds(v))
    return None
def get(o, *path):
    for p in path:
        o = o.get(p) if isinstance(o, dict) else None
    return o
for i, doc in enumerate(a):
    if not isinstance(doc, dict):
        continue
    where = "doc%d" % i
    for path in (("metadata", "labels"), ("metadata", "annotations"),
                 ("spec", "selector"), ("spec", "selector", "matchLabels"),
                 ("spec", "template", "metadata", "labels"),
                 ("spec", "template", "metadata", "annotations"),
                 ("spec", "template", "spec", "nodeSelector")):
        if doc.get("kind") != "Service" and path == ("spec", "selector"):
            continue
        d = strings(where + "." + ".".join(path), get(doc, *path))
        if d:
            print(d); sys.exit()
    for c in get(doc, "spec", "template", "spec", "containers") or []:
        for e in c.get("env") or []:
            if "value" in e and not isinstance(e["value"], str):
                print("%s env %s is a %s, Kubernetes wants a string" % (where, e.get("name"), kinds(e["value"])))
                sys.exit()
'

# ---- (a) build the outputs --------------------------------------------------

outputs=()	# "name<TAB>folder"
if (cd "$top" && "$GWC" build -o "$work/out-examples" examples/*.yaml) \
	>"$work/build.log" 2>&1; then
	outputs+=("examples	$work/out-examples")
else
	fail "readers/build/examples" "gwc build failed: $(brief "$work/build.log")"
fi
for dir in "$top"/tests/golden/*/; do
	[ -d "$dir" ] || continue
	case=$(basename "$dir")
	if [ -f "$dir/args" ]; then
		read -r -a args <"$dir/args"
	else
		args=()
		for f in "$dir"/*.yaml; do args+=("$(basename "$f")"); done
	fi
	if (cd "$dir" && "$GWC" build -o "$work/out-golden-$case" "${args[@]}") \
		>"$work/build.log" 2>&1; then
		outputs+=("golden/$case	$work/out-golden-$case")
	else
		fail "readers/build/golden/$case" "gwc build failed: $(brief "$work/build.log")"
	fi
done

# ---- (a) every file: PyYAML and kubectl read the same data ------------------

if $have_py && $have_jq && $have_kubectl; then
	for entry in "${outputs[@]}"; do
		name=${entry%%	*} dir=${entry#*	}
		while IFS= read -r -d '' file <&3; do
			rel=${file#"$dir"/}
			check="readers/files/$name/$rel"
			if ! pyyaml "$file" >"$work/py.json" 2>"$work/py.err"; then
				fail "$check" "PyYAML cannot read it: $(tail -n 3 "$work/py.err" | tr '\n' ' ')"
				continue
			fi
			if ! kubectl_read "$file" >"$work/kc.json" 2>"$work/kc.err"; then
				fail "$check" "kubectl cannot read it: $(brief "$work/kc.err")"
				continue
			fi
			why=$(python3 -c "$PY_SAME" "$work/py.json" "$work/kc.json" label 2>&1)
			if [ -n "$why" ]; then
				fail "$check" "$why"
			else
				ok "$check"
			fi
		done 3< <(find "$dir" -name '*.yaml' -type f -print0 | sort -z)
	done
else
	skip "readers/files" "needs python3-yaml, jq and kubectl"
fi

# ---- (b) kubectl kustomize renders every gateway folder ---------------------

# kustomize_same FOLDER CHECK: the rendered objects equal the files' objects
# (compared as a set, by apiVersion, kind, namespace and name).  Both are
# read by kubectl, as `kubectl apply -k` and `kubectl apply -f` would.
PY_OBJECTS='
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
def key(o):
    m = o.get("metadata") or {}
    return (o.get("apiVersion", ""), o.get("kind", ""),
            m.get("namespace", ""), m.get("name", ""))
a.sort(key=key); b.sort(key=key)
if [key(o) for o in a] != [key(o) for o in b]:
    print("objects differ: %s vs %s" % ([key(o) for o in a], [key(o) for o in b]))
else:
    def diff(x, y, path):
        if isinstance(x, dict) and isinstance(y, dict):
            for k in sorted(set(x) | set(y)):
                if k not in x or k not in y:
                    return "%s.%s only in %s" % (path, k, "the files" if k in x else "kustomize\x27s output")
                d = diff(x[k], y[k], "%s.%s" % (path, k))
                if d: return d
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y)):
                d = diff(p, q, "%s[%d]" % (path, i))
                if d: return d
        elif type(x) != type(y) or x != y:
            return "%s: %.60r in the files, %.60r from kustomize" % (path, x, y)
        return None
    for x, y in zip(a, b):
        d = diff(x, y, "%s/%s" % (key(x)[1], key(x)[3]))
        if d:
            print("kustomize renders another object: " + d)
            break
'
kustomize_same() {
	local folder=$1 check=$2 resources=() r
	if ! kubectl kustomize "$folder" >"$work/kz.yaml" 2>"$work/kz.err"; then
		fail "$check" "kubectl kustomize failed: ...$(brief_tail "$work/kz.err")"
		return
	fi
	mapfile -t resources < <(python3 -c '
import sys, yaml
for r in yaml.safe_load(open(sys.argv[1]))["resources"]: print(r)' \
		"$folder/kustomization.yaml")
	for r in "${!resources[@]}"; do resources[r]=$folder/${resources[r]}; done
	if ! kubectl_read "${resources[@]}" >"$work/files.json" 2>"$work/kc.err"; then
		fail "$check" "kubectl cannot read the files: $(brief "$work/kc.err")"
	elif ! kubectl_read "$work/kz.yaml" >"$work/kz.json" 2>"$work/kc.err"; then
		fail "$check" "kubectl cannot read kustomize's output: $(brief "$work/kc.err")"
	else
		why=$(python3 -c "$PY_OBJECTS" "$work/files.json" "$work/kz.json" 2>&1)
		if [ -n "$why" ]; then
			fail "$check" "$why"
		else
			ok "$check"
		fi
	fi
}

if $have_py && $have_kubectl && $have_jq; then
	for entry in "${outputs[@]}"; do
		name=${entry%%	*} dir=${entry#*	}
		while IFS= read -r -d '' k <&3; do
			folder=$(dirname "$k")
			kustomize_same "$folder" "readers/kustomize/$name/${folder#"$dir"/}"
		done 3< <(find "$dir" -name kustomization.yaml -type f -print0 | sort -z)
	done
else
	skip "readers/kustomize" "needs python3-yaml, jq and kubectl"
fi

# ---- (c) istio-patch.json is the seed's jq output ---------------------------

sample=$SHARED/upstream/sail-operator/samples/istio-sample.yaml
npatch=0
for entry in "${outputs[@]}"; do
	name=${entry%%	*} dir=${entry#*	}
	for patch in "$dir"/istio/*/istio-patch.json; do
		[ -f "$patch" ] || continue
		npatch=$((npatch + 1))
		cp=$(dirname "$patch")
		check="readers/patch/$name/${cp#"$dir"/}"
		if ! $have_jq; then
			skip "$check" "needs jq"
			continue
		fi
		# the seed procedure's command, as written there, with one
		# --arg per template the folder holds (gateway-injection-
		# template.txt is "gateway", injection-template-NAME.txt NAME)
		names=$(cd "$cp" && for f in gateway-injection-template.txt injection-template-*.txt; do
			[ -f "$f" ] || continue
			case $f in
			gateway-injection-template.txt) echo gateway ;;
			*) f=${f#injection-template-}; echo "${f%.txt}" ;;
			esac
		done | LC_ALL=C sort)
		jq_args=() jq_obj=
		k=0
		for t in $names; do
			f=injection-template-$t.txt
			[ "$t" = gateway ] && f=gateway-injection-template.txt
			jq_args+=(--arg "t$k" "$(cat "$cp/$f")")
			jq_obj+="${jq_obj:+,}\"$t\":\$t$k"
			k=$((k + 1))
		done
		jq -n "${jq_args[@]}" "{spec:{values:{sidecarInjectorWebhook:{templates:{$jq_obj}}}}}" \
			>"$work/seed.json" 2>"$work/seed.err"
		if ! jq -S . "$patch" >"$work/patch.sorted" 2>"$work/jq.err"; then
			fail "$check" "jq cannot read istio-patch.json: $(brief "$work/jq.err")"
		elif ! jq -S . "$work/seed.json" | cmp -s - "$work/patch.sorted"; then
			fail "$check" "not the same JSON value as the seed's jq output"
		elif ! cmp -s "$work/seed.json" "$patch"; then
			fail "$check" "the same value, but not the bytes jq prints: $(cmp "$work/seed.json" "$patch" 2>&1)"
		else
			ok "$check"
		fi

		# ---- (d) merged into sail-operator's sample Istio ------------
		check="readers/sail/$name/${cp#"$dir"/}"
		if [ ! -f "$sample" ]; then
			skip "$check" "$sample is absent (no ../shared/upstream)"
		elif ! $have_kubectl; then
			skip "$check" "needs kubectl"
		elif ! kubectl patch --local -f "$sample" --type=merge \
				-p "$(cat "$patch")" -o json >"$work/istio.json" 2>"$work/kc.err"; then
			fail "$check" "kubectl patch failed: $(brief "$work/kc.err")"
		else
			bad=
			for t in $names; do
				f=injection-template-$t.txt
				[ "$t" = gateway ] && f=gateway-injection-template.txt
				jq -r --arg t "$t" '.spec.values.sidecarInjectorWebhook.templates[$t]' \
					"$work/istio.json" >"$work/merged.txt"
				printf '%s\n' "$(cat "$cp/$f")" >"$work/want.txt"
				cmp -s "$work/want.txt" "$work/merged.txt" ||
					bad="the merged template $t differs from $f: $(diff "$work/want.txt" "$work/merged.txt" | head -n 4 | tr '\n' ' ')"
			done
			if [ -z "$names" ]; then
				fail "$check" "no template file beside istio-patch.json"
			elif [ -n "$bad" ]; then
				fail "$check" "$bad"
			else
				ok "$check"
			fi
		fi
	done
done
[ "$npatch" -gt 0 ] || fail "readers/patch" "no istio/*/istio-patch.json in any output"

# ---- (e) the emission proof -------------------------------------------------

# Writes, per category, spec-<cat>.yaml and strings-<cat>.json.  The specs
# are written by PyYAML with every scalar double-quoted and every non-ASCII
# or control character escaped, so gwc's input gate sees plain ASCII and
# libyaml decodes each string exactly.
PY_GENERATE='
import json, sys, yaml
out = sys.argv[1]

def cases(words):
    seen = []
    for w in words:
        for v in (w, w.upper(), w.title(), w.capitalize()):
            if v not in seen:
                seen.append(v)
    return seen

cats = {}
cats["words"] = cases([
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~",
    ".inf", "-.inf", "+.inf", ".nan", "inf", "nan", "infinity", "-inf",
    "<<", "=", "none", "nil", "undefined",
]) + ["yEs", "nO", "tRUE", "fAlSe", "NuLl", "oN", "oFf", "Yes ", " no"]
cats["numbers"] = cases([
    "0", "1", "-1", "+1", "-0", "00", "012", "0755", "08", "09", "0o12",
    "0x1f", "0x_1f", "0b101", "1e3", "1e+3", "1e-3", "1.5e3", "1_000",
    "1__0", "1:20", "190:20:30", "190:20:30.15", "-1:20", ".5", "-.5",
    "+.5", "1.", "1.0", "0.", ".", "6.8523015e+5", "685.230_15e+03",
    "685_230.15", "123456789012345678901234567890", "9223372036854775808",
    "1e999", "0x", "1e", "3.14159", "80", "65535", "100m", "128mi",
    "1gi", "2e3", "0.0.0.0", "::1", "10.0.0.1:8080",
])
cats["dates"] = cases([
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2001-12-15 2:59:43.10", "2002-12-14", "2001-1-1", "2001-12-14t21:59:43.10z",
    "2001-12-14 21:59:43.10 +05:30", "12:30", "12:30:45", "20:03:20", "1:2",
    "2001-12", "14/12/2001", "p1d", "2001-12-14t21:59:43",
])
ind = "-?:,[]{}#&*!|>\x27\"%@`"
cats["indicators"] = [c for c in ind] + [c + "a" for c in ind] + \
    [c + " a" for c in ind] + ["---", "--- a", "...", "... a", "- a: b",
    "? a", "!!str", "!!int 1", "&a b", "*a", "|-", ">-", "%YAML 1.2",
    "%TAG ! !", "``", "@a", "\\a", "~a", "<<: *a"]
cats["colon-hash"] = ["a: b", "a:b", "a:", ":a", "a :b", "a: ", "key: value",
    "a #b", "a#b", "a #", "# a", "a # b: c", "a: #b", "k: v # c", "a:\tb",
    "a\t#b", "http://example.com:8080/a#frag", "{a: b}", "[a, b]", "a, b",
    "a ? b", "- a: b", "a: - b", "\x27a\x27: b", "\"a\": b", "::", "a::b"]
cats["spaces"] = ["", " ", "  ", " a", "a ", " a ", "a  b", "\t", "a\t",
    "\ta", " \t ", "  two  ", " leading", "trailing ", " : ", " # "]
cats["long"] = ["a" * 300, ("word " * 200).strip(), "x" * 1025,
    ("a: b # c " * 300), "y" * 5000, ("line\n" * 300), "\u00e9" * 2000,
    ("\"q\" \\\\ " * 500), "z" * 20000]
cats["unicode"] = ["h\u00e9llo", "\u00e9", "\u65e5\u672c\u8a9e", "\U0001F600",
    "a \U0001F600 b", "\u00a0", "nbsp\u00a0", "\u00a0lead", "\u200b", "zw\u200bsp", "\ufffd", "\ufdd0", "\U0010ffff",
    "\u2014 dash", "\u201cquoted\u201d", "\uff1a fullwidth colon",
    "\u05e9\u05dc\u05d5\u05dd", "\u1e9e", "y\u0308es", "\u0178ES",
    "\u0434\u0430", "\u3042: \u3044", "\u00ff", "\U0001F1EB\U0001F1F7"]
cats["escapes"] = ["\x27", "\x27\x27", "it\x27s", "\"", "say \"hi\"",
    "\\", "\\\\", "C:\\path\\to", "\\n", "\\t", "\\x41", "\\u0041", "\\/",
    "a\nb", "a\n", "\n", "\na", "a\n\nb", "\n\n", "a\r\nb", "\r", "a\rb",
    "a\tb", "\t\n\r"]

# Characters that a spec can only hold through escapes, since the input
# gate of gwc refuses them raw.  For each, one spec of its own: gwc may refuse it
# (exit status 1, a spec error), or else every reader must read it back.
refusable = {}
# C0 controls and NUL
refusable["controls"] = ["\x01", "\x08", "\x0b\x0c", "\x1b[0m", "bell\x07",
    "\x1f", "\x00", "a\x00b"]
# DEL and the C1 controls, NEL included (kustomize cannot render DEL and
# C1, and reads NEL as a space)
refusable["del-c1"] = ["\x7f", "a\x7fb", "\u0080", "a\u0080b", "\u009f",
    "\u008d", "\u0085", "a\u0085b"]
# characters readers disagree on
refusable["disputed"] = ["\u2028", "a\u2029b", "\ufeff", "\ufeffbom"]
# U+FFFE and U+FFFF: valid UTF-8 but not YAML printable characters
refusable["noncharacters"] = ["\ufffe", "a\ufffeb", "\uffff", "\uffffz"]

units = [(cat, strings, False) for cat, strings in cats.items()]
for cat, strings in refusable.items():
    units += [("%s-%d" % (cat, i), [s], True) for i, s in enumerate(strings)]

manifest = open(out + "/manifest", "w")
total = 0
for cat, strings, may_refuse in units:
    total += len(strings)
    manifest.write("%s\t%s\n" % (cat, "refusable" if may_refuse else "strict"))
    ann = {"proof.gwc.dev/m-%d" % i: s for i, s in enumerate(strings)}
    pod = {"proof.gwc.dev/p-%d" % i: s for i, s in enumerate(strings)}
    svc = {"proof.gwc.dev/s-%d" % i: s for i, s in enumerate(strings)}
    env = [{"name": "PROOF_%d" % i, "value": s} for i, s in enumerate(strings)]
    spec = {
        "apiVersion": "gwc.dev/v1alpha1",
        "kind": "GatewaySpec",
        "metadata": {"name": "proof-" + cat, "namespace": "proof-" + cat,
                     "annotations": ann},
        "spec": {"deployment": {"podAnnotations": pod, "env": env},
                 "service": {"annotations": svc}},
    }
    with open("%s/spec-%s.yaml" % (out, cat), "w", encoding="ascii") as f:
        yaml.safe_dump(spec, f, default_style="\"", allow_unicode=False,
                       width=1 << 30, sort_keys=False)
    with open("%s/strings-%s.json" % (out, cat), "w", encoding="utf-8") as f:
        json.dump({"strings": strings, "ann": ann, "pod": pod, "svc": svc,
                   "env": env}, f)

# Values a spec passes through (env valueFrom is an object of Kubernetes
# field names): keys that YAML readers would type, nested values of every
# kind, and numbers as gwc loads them (JSON rules).  Each is one env var
# PASS whose valueFrom must read back exactly as written.
nasty_keys = ["on", "y", "Yes", "NO", "null", "Null", "true", "FALSE", "1e3",
    "1E3", "0x1F", "0o12", "012", "08", "1_000", "2001-12-14", "1", "0",
    "1.5", "1.0", "1e-3", "example.com/on", "a/true", "x.y/2001-12-14"]
passthrough = {
    "pass-keys": {k: "v" for k in nasty_keys},
    "pass-values": {"strings": cats["words"] + cats["numbers"][:40],
        "nested": {k: {k: [k, {k: k}]} for k in nasty_keys[:8]},
        "bools": [True, False], "ints": [0, -1, 12, 755, 9007199254740991]},
    "pass-numbers": {"half": 0.5, "neg": -2.25, "small": 1e-7, "big": 1e20,
        "bigger": 1e21, "huge": 1.5e300, "int": 100, "negint": -3,
        "zero": 0, "float": 3.25, "tiny": 5e-324},
}
# Keys gwc may refuse (they are no Kubernetes field names); if it takes
# one, every reader must read it back: "<<" (kustomize takes even a quoted
# one for a merge key and drops it), keys longer than 1024 characters
# (only an explicit "? key" can write them), and keys with odd characters.
odd_keys = ["<<", "=", "~", "", " ", "-1", ".5", ".inf", "\n", "\t",
    "1:20", "- a", "a: b", "#a", "?", "|", "\u00e9", "k" * 1024, "l" * 1025,
    "m" * 1100, "n " * 2500]
for i, k in enumerate(odd_keys):
    passthrough["pass-odd-key-%d" % i] = {k: "v", "a": "b"}
for cat, value in passthrough.items():
    manifest.write("%s\t%s\n" % (cat, "refusable" if "odd-key" in cat else "strict"))
    env = [{"name": "PASS", "valueFrom": value}]
    spec = {
        "apiVersion": "gwc.dev/v1alpha1",
        "kind": "GatewaySpec",
        "metadata": {"name": "proof-" + cat, "namespace": "proof-" + cat},
        "spec": {"deployment": {"env": env}},
    }
    with open("%s/spec-%s.yaml" % (out, cat), "w", encoding="ascii") as f:
        if "odd-key" not in cat:
            json.dump(spec, f)		# JSON is YAML; types stay
        else:
            yaml.safe_dump(spec, f, default_style="\"", allow_unicode=False,
                           width=1 << 30, sort_keys=False)
    with open("%s/strings-%s.json" % (out, cat), "w", encoding="utf-8") as f:
        json.dump({"strings": [value], "ann": {}, "pod": {}, "svc": {},
                   "env": env}, f)
manifest.close()
print("emission proof: %d strings in %d specs, each string in 4 places, "
      "plus %d specs of passed-through values" % (total, len(units),
      len(passthrough)))
'

# Checks that the documents (a JSON array) hold the strings at their places.
PY_PROOF='
import json, sys
want = json.load(open(sys.argv[1], encoding="utf-8"))
docs = json.load(open(sys.argv[2], encoding="utf-8"))
bad = []
def expect(where, got, key, value):
    if not isinstance(got, dict) or key not in got:
        bad.append("%s %s: missing" % (where, key))
    elif got[key] != value:
        bad.append("%s %s: %.60r read back as %.60r" % (where, key, value, got[key]))
seen = set()
for d in docs:
    if not isinstance(d, dict) or d.get("kind") == "Kustomization":
        continue
    kind = d.get("kind")
    seen.add(kind)
    meta = d.get("metadata") or {}
    for k, v in want["ann"].items():
        expect(kind + " metadata.annotations", meta.get("annotations"), k, v)
    if kind == "Deployment":
        tmeta = d["spec"]["template"]["metadata"]
        for k, v in want["pod"].items():
            expect("pod annotations", tmeta.get("annotations"), k, v)
        env = {e.get("name"): e for e in d["spec"]["template"]["spec"]["containers"][0].get("env", [])}
        for e in want["env"]:
            got = env.get(e["name"])
            if got == e:
                continue
            if isinstance(got, dict) and isinstance(got.get("valueFrom"), dict) \
                    and isinstance(e.get("valueFrom"), dict):
                w, g = e["valueFrom"], got["valueFrom"]
                for k in list(w) + [k for k in g if k not in w]:
                    if k not in g:
                        bad.append("env %s valueFrom[%.40r]: missing" % (e["name"], k))
                    elif k not in w:
                        bad.append("env %s valueFrom[%.40r]: added" % (e["name"], k))
                    elif w[k] != g[k] or type(w[k]) != type(g[k]):
                        bad.append("env %s valueFrom[%.40r]: %.40r read back as %.40r"
                                   % (e["name"], k, w[k], g[k]))
            else:
                bad.append("env %s: %.60r read back as %.60r" % (e["name"], e, got))
    if kind == "Service":
        for k, v in want["svc"].items():
            expect("Service annotations", meta.get("annotations"), k, v)
for kind in ("Deployment", "Service", "ServiceAccount"):
    if kind not in seen:
        bad.append("no " + kind + " read back")
if bad:
    print("%d of %d places differ; first: %s" % (len(bad),
          4 * len(want["strings"]), "; ".join(bad[:3])))
'

if $have_py; then
	mkdir -p "$work/proof"
	if ! python3 -c "$PY_GENERATE" "$work/proof" 2>"$work/gen.err"; then
		fail "readers/emission" "cannot generate the specs: $(brief "$work/gen.err")"
	fi
	while IFS=$'\t' read -r cat kind <&3; do
		base="readers/emission/$cat"
		out=$work/proof/out-$cat
		"$GWC" build -o "$out" "$work/proof/spec-$cat.yaml" >"$work/build.log" 2>&1
		status=$?
		if [ "$status" -eq 1 ] && [ "$kind" = refusable ] &&
		   grep -q 'error' "$work/build.log"; then
			ok "$base/refused"
			continue
		elif [ "$status" -ne 0 ]; then
			fail "$base/build" "gwc exited with $status: $(brief "$work/build.log")"
			continue
		fi
		folder=$out/proof-$cat/proof-$cat
		mapfile -t files < <(find "$folder" -name '*.yaml' ! -name kustomization.yaml -type f | sort)
		# PyYAML
		if ! pyyaml "${files[@]}" >"$work/py.json" 2>"$work/py.err"; then
			fail "$base/pyyaml" "PyYAML cannot read the output: $(tail -n 2 "$work/py.err" | tr '\n' ' ')"
		else
			why=$(python3 -c "$PY_PROOF" "$work/proof/strings-$cat.json" "$work/py.json" 2>&1)
			if [ -n "$why" ]; then fail "$base/pyyaml" "$why"; else ok "$base/pyyaml"; fi
		fi
		# kubectl (go-yaml v2, as Kubernetes reads it)
		if ! $have_kubectl || ! $have_jq; then
			skip "$base/kubectl" "needs kubectl and jq"
		else
			if ! kubectl_read "${files[@]}" >"$work/kc.json" 2>"$work/kc.err"; then
				why="kubectl cannot read the output: $(brief "$work/kc.err")"
			else
				why=$(python3 -c "$PY_PROOF" "$work/proof/strings-$cat.json" "$work/kc.json" 2>&1)
			fi
			if [ -n "$why" ]; then fail "$base/kubectl" "$why"; else ok "$base/kubectl"; fi
		fi
		# kustomize (kyaml, go-yaml v3), its output read by kubectl: the
		# path of `kubectl apply -k`
		if ! $have_kubectl || ! $have_jq; then
			skip "$base/kustomize" "needs kubectl and jq"
		elif ! kubectl kustomize "$folder" >"$work/kz.yaml" 2>"$work/kz.err"; then
			fail "$base/kustomize" "kubectl kustomize failed: ...$(brief_tail "$work/kz.err")"
		elif ! kubectl_read "$work/kz.yaml" >"$work/kz.json" 2>"$work/kc.err"; then
			fail "$base/kustomize" "kubectl cannot read kustomize's output: $(brief "$work/kc.err")"
		else
			why=$(python3 -c "$PY_PROOF" "$work/proof/strings-$cat.json" "$work/kz.json" 2>&1)
			if [ -n "$why" ]; then fail "$base/kustomize" "$why"; else ok "$base/kustomize"; fi
		fi
	done 3<"$work/proof/manifest"
else
	skip "readers/emission" "needs python3-yaml"
fi
exit 0
