#!/usr/bin/env bash
# tests/suites/schema.sh - the schema that `gwc schema` prints is a valid
# JSON Schema 2020-12 and agrees with gwc's own validator: every spec gwc
# accepts, python3-jsonschema accepts; every spec python3-jsonschema
# rejects, gwc rejects (gwc also runs semantic checks, so it may reject
# more).  Specs: examples/, tests/golden/, tests/bad/.
set -u
cd "$top" || exit 0
if ! python3 -c 'import jsonschema, yaml' 2>/dev/null; then
	echo "skip schema/differential: python3-jsonschema or python3-yaml missing"
	exit 0
fi
schema=$(mktemp "${TMPDIR:-/tmp}/schema.XXXXXX.json")
trap 'rm -f "$schema"' EXIT
"$GWC" schema >"$schema"
for f in examples/*.yaml tests/golden/*/spec.yaml tests/bad/*/spec.yaml; do
	[ -f "$f" ] || continue
	"$GWC" validate "$f" >/dev/null 2>&1
	echo "$? $f"
done | python3 -c '
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    print("ok schema/valid-2020-12")
except jsonschema.SchemaError as e:
    print("FAIL schema/valid-2020-12: %s" % e.message)
v = jsonschema.Draft202012Validator(schema)
agree = disagree = unreadable = 0
for line in sys.stdin:
    status, path = line.split(" ", 1)
    path = path.strip()
    try:
        docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d is not None]
        json.dumps(docs)  # only JSON data is comparable
    except Exception:
        unreadable += 1   # the gate or the parser rejects it; nothing to compare
        continue
    py_ok = all(not list(v.iter_errors(d)) for d in docs)
    if status == "0" and not py_ok:
        disagree += 1
        print("FAIL schema/differential/%s: gwc accepts, jsonschema rejects" % path)
    else:
        agree += 1   # gwc may reject more: semantic checks, YAML 1.1 words
print("ok schema/differential (%d specs agree, %d not comparable)" % (agree, unreadable)
      if not disagree else "FAIL schema/differential: %d disagreements" % disagree)
' "$schema"
# Every property carries an `examples` entry (editors show it), and each
# example is valid against the property's own subschema.
python3 -c '
import json, sys, jsonschema
root = json.load(open(sys.argv[1]))
props = missing = bad = 0
def walk(x, path):
    global props, missing, bad
    if isinstance(x, dict):
        for k, v in x.get("properties", {}).items():
            props += 1
            where = path + "." + k
            if not v.get("examples"):
                missing += 1
                print("FAIL schema/examples%s: no examples" % where)
            else:
                sub = dict(v, **{"$defs": root["$defs"]})
                sub.pop("$id", None)
                val = jsonschema.Draft202012Validator(sub)
                for i, ex in enumerate(v["examples"]):
                    errs = list(val.iter_errors(ex))
                    if errs:
                        bad += 1
                        print("FAIL schema/examples%s[%d]: %s" % (where, i, errs[0].message[:200]))
            walk(v, where)
        for k, v in x.items():
            if k != "properties":
                walk(v, path + ("[]" if k == "items" else "/" + k))
    elif isinstance(x, list):
        for i in x:
            walk(i, path)
walk(root, "")
if not missing and not bad:
    print("ok schema/examples (%d properties, each with valid examples)" % props)
' "$schema"
# The schema is the one source of the spec's keys and defaults; these say
# so where they are written again: every `default` is valid; gen/ uses
# every default the schema declares (build/schema_defaults.h); README's
# key table names every key, with the schema's default, and no other key;
# the fuzz dictionary holds every key and enum value; the man page names
# only schema keys, and what it says of their defaults is true; the
# pass-through table of gen/gwc.h names schema keys; README names every key
# of Istio's gateway chart (../shared/upstream) and where it went.
python3 - "$schema" "$(dirname "$GWC")/schema_defaults.h" <<'PY'
import glob, json, os, re, sys, jsonschema
root = json.load(open(sys.argv[1]))
defs = root["$defs"]

def resolve(s):
    while isinstance(s, dict) and "$ref" in s:
        r = defs[s["$ref"].split("/")[-1]]
        s = dict(r, **{k: v for k, v in s.items() if k != "$ref"})
    return s

# Every key: JSON path ("spec.service.ports[].protocol") -> subschema; the
# required keys; property names anywhere ($defs too); enum and const values.
keys, required, names, values = {}, set(), set(), set()
def walk(s, path):
    s = resolve(s)
    for k in s.get("required", []):
        required.add((path + "." if path else "") + k)
    for k, v in s.get("properties", {}).items():
        p = (path + "." if path else "") + k
        keys[p] = v
        walk(v, p)
    if isinstance(s.get("items"), dict):
        walk(s["items"], path + "[]")
walk(root, "")
def collect(x):
    if isinstance(x, dict):
        names.update(x.get("properties", {}))
        for v in x.get("enum", []) + ([x["const"]] if "const" in x else []):
            if isinstance(v, str):
                values.add(v)
        for k, v in x.items():
            if k not in ("examples", "default"):
                collect(v)
    elif isinstance(x, list):
        for v in x:
            collect(v)
collect(root)
plain = lambda p: p.replace("[]", "")
def fail(name, why):
    print("FAIL schema/%s: %s" % (name, why))

# -- every default is valid against its own subschema ----------------------
bad = 0
for p, v in keys.items():
    if "default" in v:
        sub = dict(v, **{"$defs": defs})
        errs = list(jsonschema.Draft202012Validator(sub).iter_errors(v["default"]))
        if errs:
            bad += 1
            fail("defaults/" + p, errs[0].message[:200])
if not bad:
    print("ok schema/defaults (%d, each valid)" % sum("default" in v for v in keys.values()))

# -- gen/ reads every default (schema2c names them GW_DEFAULT_<PATH>) ------
try:
    header = open(sys.argv[2]).read()
except OSError:
    print("skip schema/defaults-used: no %s" % sys.argv[2])
else:
    gen = "".join(open(f).read() for f in glob.glob("gen/*.c"))
    consts = re.findall(r"^\t(GW_DEFAULT_\w+),\t/\* (\S+):", header, re.M)
    unused = [p for c, p in consts if not re.search(r"\b%s\b" % c, gen)]
    have = sorted(p for c, p in consts)
    want = sorted(p for p, v in keys.items() if "default" in v)
    if have != want:
        fail("defaults-used", "schema_defaults.h has %s, the schema %s" % (have, want))
    elif unused:
        fail("defaults-used", "no gen/*.c reads the default of %s" % ", ".join(unused))
    else:
        print("ok schema/defaults-used (gen/ reads all %d)" % len(consts))

# -- README's key table ----------------------------------------------------
def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(fmt(x) for x in v) + "]"
    return str(v)
def leaves(v, path=""):
    if isinstance(v, dict):
        for k, x in v.items():
            yield from leaves(x, path + "." + k if path else k)
    else:
        yield path, v
def tokens(v):
    """What a default cell shows, in order: `V`; `k.k: V` per leaf of a
    map; the values of each entry of a list of maps."""
    if isinstance(v, dict):
        return [("span", "%s: %s" % (p, fmt(x))) for p, x in leaves(v)]
    if isinstance(v, list):
        return [("word", fmt(x)) for item in v for p, x in leaves(item)]
    return [("span", fmt(v))]
def missing_token(text, toks):
    at = 0
    for kind, t in toks:
        if kind == "span":
            pat = re.escape("`%s`" % t)
        else:
            pat = r"(?<![\w.-])`?%s`?(?![\w.-])" % re.escape(t)
        m = re.compile(pat).search(text, at)
        if not m:
            return "`%s`" % t if kind == "span" else t
        at = m.end()
    return None

readme = open("README.md").read().split("\n")
start = readme.index("| key | default | meaning | seed step |")
rows = []
for n, line in enumerate(readme[start + 2:], start + 3):
    if not line.startswith("|"):
        break
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 4:
        fail("readme/line-%d" % n, "a row of %d cells, not 4" % len(cells))
        continue
    paths = []
    for s in re.findall(r"`([^`]+)`", cells[0]):
        # `a.b.c`, `d`: d is a.b.d
        parent = paths[0].rpartition(".")[0] if paths else ""
        paths.append(s if "." in s or not parent else parent + "." + s)
    rows.append((n, paths, cells[1], " ".join(cells[1:3])))
row_of = {}
bad = 0
for n, paths, default, text in rows:
    for p in paths:
        match = [k for k in keys if plain(k) == p]
        if not match:
            bad += 1
            fail("readme/" + p, "README line %d names a key the schema lacks" % n)
            continue
        row_of[p] = (n, text)
        v = keys[match[0]]
        if (default == "required") != (match[0] in required):
            bad += 1
            fail("readme/" + p, "README line %d says %r, but the schema %s it" %
                 (n, default, "requires" if match[0] in required else "does not require"))
        if "default" in v:
            miss = missing_token(default, tokens(v["default"]))
            if miss:
                bad += 1
                fail("readme/" + p, "the schema's default is %s; README line %d says %r, without %s" %
                     (json.dumps(v["default"]), n, default, miss))
        elif "`" in default:
            bad += 1
            fail("readme/" + p, "README line %d gives the default %r; the schema has none" % (n, default))
# A key without a row of its own is named in the row of its closest
# ancestor (`http` (`name`, `match[].uri.{prefix,exact,regex}`, ...)),
# with its default: `key` V, `key` (default `V`) or `key: V`.
for k, v in keys.items():
    p = plain(k)
    if p in row_of or any(r.startswith(p + ".") for r in row_of):
        continue
    parts = p.split(".")
    anc = next((".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)
                if ".".join(parts[:i]) in row_of), None)
    if not anc:
        bad += 1
        fail("readme/" + k, "not in README's key table")
        continue
    n, text = row_of[anc]
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9]*", " ".join(re.findall(r"`([^`]+)`", text))))
    missing = [w for w in parts[len(anc.split(".")):] if w not in words]
    if missing:
        bad += 1
        fail("readme/" + k, "README line %d (%s) does not name %s" % (n, anc, ", ".join(missing)))
    elif "default" in v:
        key, toks = parts[-1], tokens(v["default"])
        val = re.escape(toks[0][1]) if len(toks) == 1 else None
        if not val or not re.search(r"`%s` (\(default )?`?%s`?(?![\w.])|`%s: %s`" %
                                    (key, val, key, val), text):
            bad += 1
            fail("readme/" + k, "the schema's default is %s; README line %d does not say `%s` %s" %
                 (json.dumps(v["default"]), n, key, fmt(v["default"])))
if not bad:
    print("ok schema/readme (%d rows name all %d keys, with the schema's defaults)" % (len(rows), len(keys)))

# -- the fuzz dictionary -----------------------------------------------------
words = set()
for line in open("tests/fuzz/compile.dict"):
    m = re.match(r'^"(.*)"$', line.strip())
    if m:
        words.add(m.group(1))
missing = sorted((names | values) - words)
if missing:
    fail("fuzz-dict", "tests/fuzz/compile.dict lacks %s" % ", ".join('"%s"' % w for w in missing))
else:
    print("ok schema/fuzz-dict (all %d keys and enum values)" % len(names | values))

# -- the man page: the keys it names, and what it says of their defaults ------
# (not the examples: their diagnostic shows a misspelt key on purpose)
man, example = [], False
for l in open("gen/gwc.1").read().replace("\\-", "-").replace("\\:", "").split("\n"):
    example = (example or l == ".EX") and l != ".EE"
    if not example and not l.startswith('.\\"'):
        man.append(l)
text = re.sub(r"\s+", " ", " ".join(re.sub(r"^\.[A-Z]+ ?", "", l).replace('"', "") for l in man))
bad = 0
named = sorted(set(re.findall(r"(?<![\w.])spec(?:\.[A-Za-z]+)+", text)))
for p in named:
    if p not in map(plain, keys):
        bad += 1
        fail("man/" + p, "gen/gwc.1 names a key the schema lacks")
for word, p, state in re.findall(r"\b(unless|when) (spec(?:\.[A-Za-z]+)+) (?:is|are) (true|false|given)", text):
    d = keys.get(p, {}).get("default")
    if state == "given" and d is not None:
        bad += 1
        fail("man/" + p, "gen/gwc.1 says 'when %s is given', but it has the default %s" % (p, json.dumps(d)))
    elif state != "given" and d != {("unless", "false"): True, ("when", "true"): False}.get((word, state)):
        bad += 1
        fail("man/" + p, "gen/gwc.1 says '%s %s is %s', but its default is %s" % (word, p, state, json.dumps(d)))
if not bad:
    print("ok schema/man (gen/gwc.1 names %d schema keys; what it says of their defaults holds)" % len(named))

# -- gen/gwc.h's pass-through table names schema keys -------------------------
table = re.search(r"#define GW_PASSTHROUGH\(X\)(.*?)\n\n", open("gen/gwc.h").read(), re.S).group(1)
listed = re.findall(r'"(spec\.[^"]+)"', table)
missing = [p for p in listed if p not in keys]
if missing:
    fail("passthrough", "GW_PASSTHROUGH names keys the schema lacks: %s" % ", ".join(missing))
else:
    print("ok schema/passthrough (the %d keys of GW_PASSTHROUGH)" % len(listed))

# -- README's table of Istio's gateway chart: every top-level key of its
# values.schema.json has a row, and every gwc key a row names exists ----------
chart = os.path.join(os.environ.get("SHARED", "../shared"),
                     "upstream/istio/gateway-chart/values.schema.json")
if not os.path.exists(chart):
    print("skip schema/chart-keys: %s is absent (../shared/upstream)" % chart)
else:
    values = json.load(open(chart))["$defs"]["values"]["properties"]
    lines = open("README.md").read().split("\n")
    start = lines.index("| chart key | gwc | why, when not covered |")
    named, wrong = set(), []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = line.split(" | ")
        named.update(re.findall(r"`([^`]+)`", cells[0]))
        for p in re.findall(r"`(spec\.[A-Za-z.]+|metadata\.[A-Za-z]+)", cells[1]):
            if p.startswith("spec.") and not p.endswith(".") and p not in keys:
                wrong.append(p)
        if "`spec.deployment.*` (same names)" in cells[1]:
            for k in re.findall(r"`([^`]+)`", cells[0]):
                if "spec.deployment." + k not in keys:
                    wrong.append("spec.deployment." + k)
    missing = sorted(set(values) - named)
    if missing or wrong:
        fail("chart-keys", "README's chart table lacks %s; names keys the schema lacks: %s" %
             (", ".join(missing) or "nothing", ", ".join(wrong) or "none"))
    else:
        print("ok schema/chart-keys (all %d keys of the chart's values.schema.json in README)" % len(values))
PY
exit 0
