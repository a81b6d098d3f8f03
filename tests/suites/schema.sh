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
exit 0
