#!/usr/bin/env node
// tests/k8s-models/validate.mjs - every object of the YAML files named on the
// command line checked against the Kubernetes, Istio and Gateway API schemas
// of the npm packages `kubernetes-models`, `@kubernetes-models/istio` and
// `@kubernetes-models/gateway-api`, strictly.
//
//   node tests/k8s-models/validate.mjs FILE...
//
// Prints one line per document (empty documents excepted):
//   ok FILE#N KIND/NAME
//   FAIL FILE#N KIND/NAME: reason
//   skip FILE#N KIND/NAME: reason     (a kind no package has a schema for, and
//                                      that is known not to need one: see
//                                      NOT_MODELLED)
// N counts the file's documents from 1.  The exit status is 0 whatever the
// objects were: the lines are the result.
//
// The model class is chosen by apiVersion and kind: kubernetes-models holds
// the built-in API groups (v1, apps/v1, rbac.authorization.k8s.io/v1,
// autoscaling/v2, policy/v1, ...), @kubernetes-models/istio the Istio CRDs
// (networking.istio.io/v1, ...), @kubernetes-models/gateway-api the Gateway
// API CRDs (gateway.networking.k8s.io/v1 Gateway and HTTPRoute, v1beta1
// ReferenceGrant).  The object is constructed with it and its
// .validate() runs: that catches wrong types, missing required fields, bad
// enum values and formats.
//
// Unknown fields.  The packages' validators are precompiled Ajv functions
// and, as generated, never reject an unknown field: the Kubernetes OpenAPI
// schemas and Istio's CRD schemas they come from carry no
// `additionalProperties: false`, and the packages ship no JSON Schema to walk.
// So the object is handed to the model's own validate function wrapped in
// Proxies that record, for every object of the document, which field names
// the validator looked up.  A compiled validator reads every property its
// schema declares (`data.minReadySeconds !== undefined && ...`) and
// enumerates the keys of an object only where the schema has
// `additionalProperties` (a map such as labels, annotations, nodeSelector or
// resources.limits).  So a key that the validator neither looked up nor
// reached by enumerating its object is not in the schema: it is reported as
// an unknown field, as `kubectl apply --validate=strict` would.  An object
// whose schema declares no fields at all (free-form) therefore gets all its
// keys reported; none of gwc's kinds has one.
//
// YAML is read as Kubernetes reads it (go-yaml v2 through sigs.k8s.io/yaml):
// YAML 1.1 scalars (`on`, `yes`, `y` are booleans, `0755` is octal), except
// that timestamps and sexagesimal numbers stay strings as go-yaml v2 leaves
// them.  Duplicate keys, YAML errors, and values JSON cannot hold fail.

import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// Kinds that gwc writes and that no installed package models, with why
// they need no schema check here.
const NOT_MODELLED = {
	"kustomize.config.k8s.io/v1beta1 Kustomization":
		"kustomize's own file, not an API object (kubectl kustomize reads it in tests/suites/readers.sh)",
	"sailoperator.io/v1 Istio":
		"a merge patch for sail-operator's Istio resource; neither package models sailoperator.io",
};

// The packages to look a kind up in, in order.
const PACKAGES = ["kubernetes-models", "@kubernetes-models/istio", "@kubernetes-models/gateway-api"];

const modelCache = new Map();

// The model class for apiVersion + kind, or null.
async function findModel(apiVersion, kind) {
	const key = apiVersion + " " + kind;
	if (modelCache.has(key)) return modelCache.get(key);
	let found = null;
	// Only plain names reach import(): no path tricks from a document.
	if (/^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) &&
		/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
		for (const pkg of PACKAGES) {
			let mod;
			try {
				mod = await import(`${pkg}/${apiVersion}/${kind}`);
			} catch {
				continue;
			}
			const cls = mod[kind];
			if (typeof cls === "function" && cls.apiVersion === apiVersion && cls.kind === kind &&
				typeof cls.prototype.validate === "function") {
				found = cls;
				break;
			}
		}
	}
	modelCache.set(key, found);
	return found;
}

// "spec.ports[1].name" for the keys path ["spec", "ports", 1, "name"].
function showPath(path) {
	let s = "";
	for (const k of path) {
		if (typeof k === "number") s += `[${k}]`;
		else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(k)) s += (s ? "." : "") + k;
		else s += `[${JSON.stringify(k)}]`;
	}
	return s || "(root)";
}

// The first value that JSON (and so the API server) cannot hold, or null.
function notJson(v, path = []) {
	if (v === null || typeof v === "string" || typeof v === "boolean") return null;
	if (typeof v === "number") return Number.isFinite(v) ? null : `${showPath(path)}: ${v} is no JSON number`;
	if (Array.isArray(v)) {
		for (let i = 0; i < v.length; i++) {
			const r = notJson(v[i], [...path, i]);
			if (r) return r;
		}
		return null;
	}
	if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
		for (const k of Object.keys(v)) {
			const r = notJson(v[k], [...path, k]);
			if (r) return r;
		}
		return null;
	}
	return `${showPath(path)}: a ${v?.constructor?.name ?? typeof v} value is not JSON`;
}

// Runs the model's validate function on `data` and returns
// { schemaErrors: string|null, unknown: [path strings] }.
function strictValidate(model, data) {
	const records = new Map(); // object or array -> { keys, enumerated }
	const proxies = new WeakMap();
	const wrap = (v) => {
		if (v === null || typeof v !== "object") return v;
		let p = proxies.get(v);
		if (p) return p;
		const rec = { keys: new Set(), enumerated: false };
		records.set(v, rec);
		p = new Proxy(v, {
			get(t, k, r) {
				if (typeof k !== "string") return Reflect.get(t, k, r);
				rec.keys.add(k); // looked up, present or not: a field the schema knows
				if (!Object.prototype.hasOwnProperty.call(t, k)) return Reflect.get(t, k, r);
				return wrap(t[k]);
			},
			has(t, k) {
				if (typeof k === "string") rec.keys.add(k);
				return Reflect.has(t, k);
			},
			getOwnPropertyDescriptor(t, k) {
				if (typeof k === "string") rec.keys.add(k);
				return Reflect.getOwnPropertyDescriptor(t, k);
			},
			ownKeys(t) {
				rec.enumerated = true;
				return Reflect.ownKeys(t);
			},
		});
		proxies.set(v, p);
		return p;
	};

	let schemaErrors = null;
	try {
		// the model class's own validate(), with `this` the watched data
		model.validate.call(wrap(data));
	} catch (e) {
		schemaErrors = String(e && e.message ? e.message : e);
	}

	const unknown = [];
	const walk = (v, path) => {
		if (v === null || typeof v !== "object") return;
		if (Array.isArray(v)) {
			v.forEach((x, i) => walk(x, [...path, i]));
			return;
		}
		const rec = records.get(v);
		if (!rec) {
			// the validator never reached this object: its own key was
			// reported already, or a type error stopped the descent
			return;
		}
		for (const k of Object.keys(v)) {
			if (!rec.enumerated && !rec.keys.has(k)) {
				unknown.push(showPath([...path, k]) +
					(rec.keys.size === 0 ? " (the schema declares no fields here)" : ""));
				continue;
			}
			walk(v[k], [...path, k]);
		}
	};
	walk(data, []);
	return { schemaErrors, unknown };
}

// As go-yaml v2 reads YAML: the YAML 1.1 schema less timestamps and
// sexagesimal (base 60) numbers, which go-yaml v2 leaves as strings.
const yamlOptions = {
	version: "1.1",
	customTags: (tags) => tags.filter((t) => !(t.format === "TIME" || /:timestamp$/.test(t.tag))),
	uniqueKeys: true,
	prettyErrors: false,
	merge: true,
};

async function checkFile(file, print) {
	let text;
	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		print(`FAIL ${file}#0 -/-: cannot read: ${e.message}`);
		return;
	}
	let docs;
	try {
		docs = parseAllDocuments(text, yamlOptions);
	} catch (e) {
		print(`FAIL ${file}#0 -/-: YAML: ${e.message}`);
		return;
	}
	if (!Array.isArray(docs)) docs = [docs]; // an EmptyStream is not an array
	let n = 0;
	for (const doc of docs) {
		n++;
		const problems = [...doc.errors, ...doc.warnings].map((e) => e.message.split("\n")[0]);
		let obj;
		if (problems.length === 0) {
			try {
				obj = doc.toJS({ maxAliasCount: 100 });
			} catch (e) {
				problems.push(e.message);
			}
		}
		if (problems.length) {
			print(`FAIL ${file}#${n} -/-: YAML: ${problems.join("; ")}`);
			continue;
		}
		if (obj === null || obj === undefined) continue; // an empty document: kubectl skips it too
		const isMap = typeof obj === "object" && !Array.isArray(obj);
		const kind = isMap && typeof obj.kind === "string" ? obj.kind : "?";
		const name = isMap && obj.metadata && typeof obj.metadata.name === "string" ? obj.metadata.name : "?";
		const label = `${file}#${n} ${kind}/${name}`;
		if (!isMap) {
			print(`FAIL ${label}: the document is not a mapping`);
			continue;
		}
		const bad = notJson(obj);
		if (bad) {
			print(`FAIL ${label}: ${bad}`);
			continue;
		}
		const apiVersion = obj.apiVersion;
		if (typeof apiVersion !== "string" || typeof obj.kind !== "string") {
			print(`FAIL ${label}: apiVersion and kind must be strings`);
			continue;
		}
		const why = NOT_MODELLED[`${apiVersion} ${obj.kind}`];
		if (why) {
			print(`skip ${label}: ${apiVersion} ${obj.kind}: ${why}`);
			continue;
		}
		const cls = await findModel(apiVersion, obj.kind);
		if (!cls) {
			print(`FAIL ${label}: no model for apiVersion ${apiVersion} kind ${obj.kind} in ${PACKAGES.join(" or ")}`);
			continue;
		}
		let model;
		try {
			model = new cls(obj);
		} catch (e) {
			print(`FAIL ${label}: the ${obj.kind} model rejects the object: ${e.message}`);
			continue;
		}
		// the model's own data (the constructor copies the object; it
		// must not have added or dropped anything)
		const data = JSON.parse(JSON.stringify(model));
		const reasons = [];
		if (JSON.stringify(data) !== JSON.stringify(obj))
			reasons.push("the model's copy differs from the document");
		// the plain call, exactly as a user of the package makes it
		try {
			model.validate();
		} catch (e) {
			reasons.push(String(e && e.message ? e.message : e));
		}
		const { schemaErrors, unknown } = strictValidate(model, data);
		if (schemaErrors && !reasons.includes(schemaErrors)) reasons.push(schemaErrors);
		if (unknown.length) reasons.push(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
		print(reasons.length ? `FAIL ${label}: ${reasons.join("; ")}` : `ok ${label}`);
	}
}

const files = process.argv.slice(2);
if (files.length === 0 || files.includes("--help")) {
	process.stderr.write("usage: node validate.mjs FILE.yaml...\n");
	process.exit(0);
}
const out = [];
const print = (line) => out.push(line.replace(/\n/g, " "));
for (const f of files) await checkFile(f, print);
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
process.exitCode = 0;
