#!/usr/bin/python3
"""The jinja2 peer: every spec of SPECDIR rendered into OUT/<ns>/<name>/ as
the same eight files gwc writes (no validation, no checks: the peer's
favour).  Debian's python3-jinja2 and python3-yaml."""
import os
import sys

import jinja2
import yaml

T = {
"namespace.yaml": """apiVersion: v1
kind: Namespace
metadata:
  name: {{ ns }}
""",
"secret-reader.yaml": """apiVersion: v1
kind: ServiceAccount
metadata:
  name: secret-reader
  namespace: {{ ns }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secret-reader
  namespace: {{ ns }}
rules:
- apiGroups:
  - ""
  resources:
  - secrets
  verbs:
  - get
  - watch
  - list
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: secret-reader
  namespace: {{ ns }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: secret-reader
subjects:
- kind: ServiceAccount
  name: secret-reader
  namespace: {{ ns }}
""",
"gateway-deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ name }}
  namespace: {{ ns }}
spec:
  selector:
    matchLabels:
      istio: {{ name }}
  template:
    metadata:
      annotations:
        inject.istio.io/templates: gateway
      labels:
        istio: {{ name }}
        sidecar.istio.io/inject: "true"
    spec:
      containers:
      - name: istio-proxy
        image: auto
        securityContext:
          capabilities:
            drop:
            - ALL
          allowPrivilegeEscalation: false
          privileged: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
        ports:
        - containerPort: 15090
          protocol: TCP
          name: http-envoy-prom
        resources:
          limits:
            cpu: {{ s.deployment.resources.limits.cpu }}
            memory: {{ s.deployment.resources.limits.memory }}
          requests:
            cpu: {{ s.deployment.resources.requests.cpu }}
            memory: {{ s.deployment.resources.requests.memory }}
      serviceAccountName: secret-reader
""",
"gateway-service.yaml": """apiVersion: v1
kind: Service
metadata:
  name: {{ name }}
  namespace: {{ ns }}
spec:
  type: {{ s.service.type }}
  externalTrafficPolicy: {{ s.service.externalTrafficPolicy }}
  selector:
    istio: {{ name }}
  ports:
{%- for v in s.servers %}
  - name: {{ "http2" if v.protocol == "HTTP" else "https" }}
    port: {{ v.port }}
    targetPort: {{ v.port }}
{%- endfor %}
""",
"gateway-hpa.yaml": """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ name }}
  namespace: {{ ns }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ name }}
  minReplicas: {{ s.autoscaling.minReplicas }}
  maxReplicas: {{ s.autoscaling.maxReplicas }}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: {{ s.autoscaling.targetCPUUtilizationPercentage }}
""",
"gateway-pdb.yaml": """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ name }}
  namespace: {{ ns }}
spec:
  minAvailable: {{ s.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      istio: {{ name }}
""",
"gateway.yaml": """apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: {{ name }}
  namespace: {{ ns }}
spec:
  selector:
    istio: {{ name }}
  servers:
{%- for v in s.servers %}
  - port:
      number: {{ v.port }}
      name: {{ "http2" if v.protocol == "HTTP" else "https" }}
      protocol: {{ v.protocol }}
    hosts:
{%- for h in v.hosts %}
    - {{ h | tojson }}
{%- endfor %}
{%- if v.tls.httpsRedirect %}
    tls:
      httpsRedirect: true
{%- else %}
    tls:
      mode: {{ v.tls.mode }}
      credentialName: {{ v.tls.credentialName }}
{%- endif %}
{%- endfor %}
""",
"kustomization.yaml": """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
{%- for f in files %}
- {{ f }}
{%- endfor %}
""",
}


def main():
    specdir, out = sys.argv[1], sys.argv[2]
    env = jinja2.Environment(keep_trailing_newline=True)
    templates = {k: env.from_string(v) for k, v in T.items()}
    files = [f for f in T if f != "kustomization.yaml"]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for name in sorted(os.listdir(specdir)):
        with open(os.path.join(specdir, name)) as f:
            doc = yaml.load(f, Loader=loader)
        meta, spec = doc["metadata"], doc["spec"]
        folder = os.path.join(out, meta["namespace"], meta["name"])
        os.makedirs(folder)
        for fname, t in templates.items():
            with open(os.path.join(folder, fname), "w") as f:
                f.write(t.render(ns=meta["namespace"], name=meta["name"],
                                 s=spec, files=files))


main()
