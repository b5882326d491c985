/**
 * The Kubernetes manifests, checked without a cluster: the committed files are what `deploy/k8s/render.ts`
 * renders, every object validates against the Kubernetes 1.27 OpenAPI schemas (kubernetes-models' validators,
 * which accept unknown fields, as kubeconform does without --strict), and what the issue asks of them is there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { SERVICES } from '../../scripts/service-list.ts';
import { renderedText } from '../../deploy/k8s/render.ts';

const dir = path.resolve(import.meta.dirname, '../../deploy/k8s');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const objects = files.flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => ({ file: f, o: d.toJS() as any })));
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};
const ofKind = (kind: string) => objects.filter(({ o }) => o.kind === kind).map(({ o }) => o);
const named = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata.name === name);

describe('deploy/k8s', () => {
  it('is what render.ts renders from the service list', () => {
    const rendered = renderedText();
    expect(files.sort()).toEqual(Object.keys(rendered).sort());
    for (const f of files) expect(readFileSync(path.join(dir, f), 'utf8'), `${f} is stale: npx tsx deploy/k8s/render.ts`).toBe(rendered[f]);
  });

  it('validates every object against the Kubernetes schemas', () => {
    // 3 shared + the job + per service a deployment, a service and a budget, and 7 autoscalers.
    expect(objects.length).toBe(4 + SERVICES.length * 3 + 7);
    for (const { file, o } of objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`];
      expect(Model, `${file}: ${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(() => new Model!(o).validate(), `${file}: ${o.kind} ${o.metadata?.name}`).not.toThrow();
    }
  });

  it('a validator that would catch a broken manifest (a probe without a port, a bad quantity)', () => {
    const d = structuredClone(named('Deployment', 'gateway'));
    delete d.spec.template.spec.containers[0].readinessProbe.httpGet.port;
    expect(() => new Deployment(d).validate()).toThrow(/readinessProbe\/httpGet must have required property port/);
    const e = structuredClone(named('Deployment', 'gateway'));
    e.spec.template.spec.containers[0].resources.requests.cpu = 'lots';
    expect(() => new Deployment(e).validate()).toThrow(/requests\/cpu/);
  });

  it('runs every service with probes on /healthz and /readyz, sized requests, as non-root', () => {
    const deployments = ofKind('Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(SERVICES.map((s) => s.name).sort());
    for (const d of deployments) {
      const spec = SERVICES.find((s) => s.name === d.metadata.name)!;
      const [c] = d.spec.template.spec.containers;
      expect(c.args).toEqual(['service', spec.name]);
      // A BFF's /metrics is on an internal port (9464, METRICS_PORT) that its Service does not expose.
      const bff = spec.phase === 'bff';
      expect(c.ports).toEqual([{ name: 'http', containerPort: spec.defaultPort }, ...(bff ? [{ name: 'metrics', containerPort: 9464 }] : [])]);
      expect(c.env).toEqual(bff ? [{ name: 'METRICS_PORT', value: '9464' }] : undefined);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.resources.requests.cpu).toMatch(/^\d+m$/);
      expect(c.resources.requests.memory).toMatch(/^\d+Mi$/);
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false });
      expect(c.envFrom).toEqual([{ configMapRef: { name: 'storegraph-config' } }, { secretRef: { name: 'storegraph-secrets' } }]);
      expect(named('Service', spec.name).spec.ports).toEqual([{ name: 'http', port: spec.defaultPort, targetPort: 'http' }]);
      expect(named('PodDisruptionBudget', spec.name).spec).toEqual({ minAvailable: 1, selector: d.spec.selector });
      // At least two replicas (the budget keeps one): fixed, or the autoscaler's minimum.
      const hpa = named('HorizontalPodAutoscaler', spec.name);
      expect(hpa ? [d.spec.replicas, hpa.spec.minReplicas] : [d.spec.replicas]).toEqual(hpa ? [undefined, 2] : [2]);
      expect(d.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': bff ? '9464' : String(spec.defaultPort),
        'prometheus.io/path': '/metrics',
      });
    }
  });

  it('autoscales the BFFs, the gateway and the hot subgraphs on CPU', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef.name).sort()).toEqual(['bff-b2b', 'bff-b2c', 'bff-pos', 'gateway', 'prices', 'products', 'stock']);
    expect(Object.fromEntries(hpas.map((h) => [h.metadata.name, [h.spec.minReplicas, h.spec.maxReplicas]]))).toEqual({
      'bff-b2b': [2, 4],
      'bff-b2c': [2, 10],
      'bff-pos': [2, 4],
      gateway: [2, 8],
      prices: [2, 6],
      products: [2, 6],
      stock: [2, 6],
    });
    for (const h of hpas)
      expect(h.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  });

  it('keeps the context, store-credit and provider keys in a secret and runs migrations as a job before rollout', () => {
    expect(Object.keys(named('Secret', 'storegraph-secrets').stringData).sort()).toEqual([
      'DATABASE_READ_URL',
      'DATABASE_URL',
      'ORDERS_STORE_CREDIT_SECRET',
      'PAYMENT_CARD_API_KEY',
      'REDIS_URL',
      'STOREGRAPH_CONTEXT_SECRET',
      'STOREGRAPH_IDP_SECRET',
    ]);
    expect(JSON.stringify(named('ConfigMap', 'storegraph-config'))).not.toMatch(/SECRET|PASSWORD|postgres:\/\//);
    const job = named('Job', 'storegraph-migrate');
    expect(job.spec.template.spec.containers[0].args).toEqual(['migrate']);
    expect(job.metadata.annotations['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('PreSync');
  });
});
