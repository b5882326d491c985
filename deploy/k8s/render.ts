/**
 * Renders the Kubernetes manifests in `deploy/k8s/` from the launcher's service list, so a new service gets its
 * deployment, probes and budgets by being listed there: `npx tsx deploy/k8s/render.ts` writes them,
 * `--check` fails when the committed files differ (test/ops/kubernetes-manifests.test.ts runs that check and
 * validates every object against the Kubernetes 1.27 schemas).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { SUBGRAPHS } from '@storegraph/schema';
import { SERVICES, type ServiceSpec } from '../../scripts/service-list.ts';
import { SIZING } from './sizing.ts';

const NAMESPACE = 'storegraph';
const IMAGE = 'storegraph:local';
const CONFIG = 'storegraph-config';
const SECRETS = 'storegraph-secrets';
/** BFFs serve /metrics on this port (METRICS_PORT, the Prometheus exporters' usual one), never on the public one. */
const BFF_METRICS_PORT = 9464;
const metricsPortOf = (s: ServiceSpec) => (s.phase === 'bff' ? BFF_METRICS_PORT : s.defaultPort);
const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'storegraph' });
const meta = (name: string) => ({ name, namespace: NAMESPACE, labels: labels(name) });

/** Non-root, nothing written but /tmp (tsx's compile cache), no privileges. The image's `node` user is uid 1000. */
const securityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

function container(name: string, args: string[], s?: ServiceSpec) {
  const size = SIZING[s?.name ?? 'migrate']!;
  return {
    name,
    image: IMAGE,
    args,
    envFrom: [{ configMapRef: { name: CONFIG } }, { secretRef: { name: SECRETS } }],
    resources: { requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memoryLimit } },
    securityContext,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    ...(s && {
      ports: [{ name: 'http', containerPort: s.defaultPort }, ...(s.phase === 'bff' ? [{ name: 'metrics', containerPort: BFF_METRICS_PORT }] : [])],
      ...(s.phase === 'bff' && { env: [{ name: 'METRICS_PORT', value: String(BFF_METRICS_PORT) }] }),
      // Alive: the process answers (a dependency being down must not restart it). Ready: it can serve
      // (subgraphs: their database answers and no circuit is open; the gateway: its subgraphs; BFFs: up).
      startupProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 2, failureThreshold: 60 },
      livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
      // The endpoint leaves the Service's list before the process stops taking requests (kube-proxy lags a
      // few seconds); then SIGTERM drains what is in flight (DRAIN_MS, 5 s) inside the 10 s stop deadline.
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    }),
  };
}

function serviceObjects(s: ServiceSpec) {
  const size = SIZING[s.name]!;
  const selector = { matchLabels: { 'app.kubernetes.io/name': s.name } };
  const autoscaled = size.maxReplicas > size.minReplicas;
  const objects: object[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(s.name),
      spec: {
        // An autoscaled deployment leaves the count to its autoscaler (an apply would reset it otherwise).
        ...(autoscaled ? {} : { replicas: size.minReplicas }),
        selector,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels: labels(s.name),
            // Every service serves Prometheus metrics (kit's telemetry/metrics.ts): subgraphs and the gateway, which
            // no ingress reaches, on their own port; BFFs on an internal one, so the public port answers /graphql only.
            annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPortOf(s)), 'prometheus.io/path': '/metrics' },
          },
          spec: {
            terminationGracePeriodSeconds: 20,
            automountServiceAccountToken: false,
            containers: [container(s.name, ['service', s.name], s)],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(s.name),
      spec: { selector: selector.matchLabels, ports: [{ name: 'http', port: s.defaultPort, targetPort: 'http' }] },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(s.name),
      spec: { minAvailable: 1, selector },
    },
  ];
  if (autoscaled)
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(s.name),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
        minReplicas: size.minReplicas,
        maxReplicas: size.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  return objects;
}

const shared = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'storegraph' } } },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(CONFIG),
    data: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      STOREGRAPH_LISTEN_HOST: '0.0.0.0',
      NODE_OPTIONS: '--max-semi-space-size=32',
      // Connections per replica: at the autoscalers' maximum, 18 replicas x 5 + 4 x 10 = 130, plus one
      // change listener per replica; PostgreSQL's max_connections (or a pooler) must hold that.
      PRODUCTS_DB_POOL: '5',
      STOCK_DB_POOL: '5',
      PRICES_DB_POOL: '5',
      ORDERS_DB_POOL: '10',
      CUSTOMERS_DB_POOL: '10',
      // Traces: set `otlp` and the collector's OTLP/HTTP endpoint to turn them on (kit's telemetry/tracing.ts).
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
      // Event bus: set NATS_URL (nats://host:4222, JetStream on) and every subgraph's relay also publishes each
      // event to the stream below (created or updated at start), subjects `<prefix>.<type>.<channel>`.
      NATS_URL: '',
      NATS_STREAM: 'STOREGRAPH_EVENTS',
      NATS_SUBJECT_PREFIX: 'storegraph',
      ...Object.fromEntries(SUBGRAPHS.map((g) => [g.env, `http://${g.name}:${g.port}/graphql`])),
      // The gateway Service spreads the BFFs' connections over its pods, and a pod leaves it when not ready. GATEWAY_URL
      // also takes a comma-separated list (gateways in several zones or clusters): the BFFs take them in turn and
      // pass over one that refuses the connection; their change stream moves to another when its own goes away.
      GATEWAY_URL: `http://gateway:${SERVICES.find((s) => s.name === 'gateway')!.defaultPort}/graphql`,
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(SECRETS),
    type: 'Opaque',
    // Empty on purpose: fill before the first apply (see the README's operations section). Every service
    // refuses to start in production with an empty one, naming the variable; DATABASE_READ_URL (a streaming
    // replica for catalog, price and availability reads) and REDIS_URL (shared caches and budgets) may stay
    // empty: off. A replica doubles products', stock's and prices' pools, on the replica's server.
    stringData: {
      DATABASE_URL: '',
      DATABASE_READ_URL: '',
      STOREGRAPH_CONTEXT_SECRET: '',
      STOREGRAPH_IDP_SECRET: '',
      ORDERS_STORE_CREDIT_SECRET: '',
      PAYMENT_CARD_API_KEY: '',
      REDIS_URL: '',
    },
  },
];

const migrateJob = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    ...meta('storegraph-migrate'),
    // Run before the deployments roll by Helm or Argo CD; with kubectl: apply, `kubectl wait --for=condition=complete`, then roll.
    annotations: {
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    },
  },
  spec: {
    backoffLimit: 3,
    activeDeadlineSeconds: 600,
    ttlSecondsAfterFinished: 3600,
    template: {
      metadata: { labels: labels('storegraph-migrate') },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        containers: [container('migrate', ['migrate'])],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      },
    },
  },
};

const HEADER = '# Generated by deploy/k8s/render.ts from scripts/service-list.ts and deploy/k8s/sizing.ts: edit those, then render.\n';
const toYaml = (objects: object[]) => HEADER + objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');

/** Every manifest file and its objects. */
export function renderManifests(): Record<string, object[]> {
  const files: Record<string, object[]> = { '00-shared.yaml': shared, '10-migrate-job.yaml': [migrateJob] };
  for (const s of SERVICES) files[`20-${s.name}.yaml`] = serviceObjects(s);
  return files;
}

export const renderedText = () => Object.fromEntries(Object.entries(renderManifests()).map(([f, objects]) => [f, toYaml(objects)]));

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = import.meta.dirname;
  const stale: string[] = [];
  for (const [file, text] of Object.entries(renderedText())) {
    const target = path.join(dir, file);
    if (process.argv.includes('--check')) {
      const current = (() => {
        try {
          return readFileSync(target, 'utf8');
        } catch {
          return '';
        }
      })();
      if (current !== text) stale.push(file);
    } else writeFileSync(target, text);
  }
  if (stale.length) {
    console.error(`stale manifests (run npx tsx deploy/k8s/render.ts): ${stale.join(', ')}`);
    process.exit(1);
  }
}
