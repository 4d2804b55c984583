// Every API that writes versions or moves labels, as one catalogue the robustness suites and
// `npm run stress` loop over. Each write carries a unique marker in its message text, so a test can
// find afterwards exactly which acknowledged writes exist (and whole) in the store.
import { sql } from 'drizzle-orm';
import type { Store } from '../../src/store/db.ts';

export interface CallResult {
  status: number;
  body: any;
  headers: Record<string, unknown>;
}
export type Call = (
  method: string,
  url: string,
  opts?: { key?: string | null; body?: unknown; headers?: Record<string, string> },
) => Promise<CallResult>;

/** A prompt as each dialect names it. */
export interface Target {
  id: string;
  seq: number;
  name: string;
  /** Keywords AI's prompt_id: the UUID without dashes. */
  hex: string;
  workspace: string;
}

export interface WriteResult {
  status: number;
  /** The version number the answer names, when the API tells it. */
  number?: number;
  marker: string;
}

export interface Writer {
  api: string;
  /** A concrete request the API needs routed (to know whether the route exists yet). */
  probe: (t: Target) => [string, string];
  write(call: Call, t: Target, i: number, opts?: { labels?: string[]; key?: string }): Promise<WriteResult>;
}

export const marker = (api: string, i: number) => `[[m:${api}:${i}]]`;
const enc = encodeURIComponent;

export const writers: Writer[] = [
  {
    api: 'native',
    probe: (t) => ['POST', `/v1/prompts/${t.id}/versions`],
    async write(call, t, i, o = {}) {
      const m = marker('native', i);
      const r = await call('POST', `/v1/prompts/${t.id}/versions`, {
        key: o.key,
        body: {
          messages: [{ role: 'user', content: `native ${m}` }],
          ...(o.labels ? { labels: o.labels } : {}),
        },
      });
      return { status: r.status, number: r.body?.version?.number, marker: m };
    },
  },
  {
    api: 'promptlayer-publish',
    probe: () => ['POST', '/rest/prompt-templates'],
    async write(call, t, i, o = {}) {
      const m = marker('promptlayer-publish', i);
      const r = await call('POST', '/rest/prompt-templates', {
        key: o.key,
        body: {
          prompt_template: { prompt_name: t.name },
          prompt_version: {
            prompt_template: {
              type: 'chat',
              messages: [{ role: 'user', content: [{ type: 'text', text: `pl ${m}` }] }],
            },
          },
          ...(o.labels ? { release_labels: o.labels } : {}),
        },
      });
      return { status: r.status, number: r.body?.version_number, marker: m };
    },
  },
  {
    api: 'promptlayer-patch',
    probe: (t) => ['PATCH', `/rest/prompt-templates/${enc(t.name)}`],
    async write(call, t, i, o = {}) {
      const m = marker('promptlayer-patch', i);
      const r = await call('PATCH', `/rest/prompt-templates/${enc(t.name)}`, {
        key: o.key,
        body: {
          messages: [{ role: 'user', content: [{ type: 'text', text: `plp ${m}` }] }],
          ...(o.labels ? { release_labels: o.labels } : {}),
        },
      });
      return { status: r.status, number: r.body?.version_number, marker: m };
    },
  },
  {
    api: 'keywordsai-create-version',
    probe: (t) => ['POST', `/api/prompts/${t.hex}/versions/`],
    async write(call, t, i, o = {}) {
      const m = marker('keywordsai-create-version', i);
      const r = await call('POST', `/api/prompts/${t.hex}/versions/`, {
        key: o.key,
        body: {
          messages: [{ role: 'user', content: `kw ${m}` }],
          model: 'gpt-4o',
          ...(o.labels?.includes('production') ? { deploy: true } : {}),
        },
      });
      return { status: r.status, number: r.body?.version, marker: m };
    },
  },
  {
    api: 'nemo-put',
    probe: (t) => ['PUT', `/apis/models/v2/workspaces/${t.workspace}/prompts/${enc(t.name)}`],
    async write(call, t, i, o = {}) {
      const m = marker('nemo-put', i);
      const r = await call('PUT', `/apis/models/v2/workspaces/${t.workspace}/prompts/${enc(t.name)}`, {
        key: o.key,
        body: { messages: [{ role: 'user', content: `nemo ${m}` }], tags: ['robust'] },
      });
      return { status: r.status, marker: m };
    },
  },
];

/** Creates a prompt with version 1 through the native API (present from the start). */
export async function createTarget(
  call: Call,
  name: string,
  key?: string,
  workspace = 'default',
): Promise<Target> {
  const r = await call('POST', `/v1/prompts${workspace === 'default' ? '' : `?workspace=${workspace}`}`, {
    key,
    body: { name, version: { messages: [{ role: 'user', content: `seed of ${name}` }] } },
  });
  if (r.status !== 201) throw new Error(`creating ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  const p = r.body.prompt;
  return { id: p.id, seq: p.seq, name, hex: String(p.id).replace(/-/g, ''), workspace };
}

/** Does `path` match a route pattern (`/a/:b/c`, `*`) of this method? */
export function routeMatches(
  table: { method: string; url: string }[],
  method: string,
  path: string,
): boolean {
  const clean = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  return table.some((r) => {
    if (r.method !== method) return false;
    if (r.url.endsWith('*')) return false; // catch-alls do not count as the route existing
    const pattern = (r.url.replace(/\/+$/, '') || '/')
      .split('/')
      .map((seg) => (seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return new RegExp(`^${pattern}$`).test(clean);
  });
}

export interface VersionRow {
  number: number;
  text: string;
  deleted: boolean;
}

/** Every version of a prompt with its message text, straight from the table. */
export async function versionRows(store: Store, promptId: string): Promise<VersionRow[]> {
  const res = (await store.db.execute(
    sql`select number, messages::text || coalesce(content::text, '') as text, deleted_at is not null as deleted
          from versions where prompt_id = ${promptId} order by number`,
  )) as unknown as { rows?: VersionRow[] } | VersionRow[];
  const list = Array.isArray(res) ? res : (res.rows ?? []);
  return list.map((r) => ({ number: Number(r.number), text: String(r.text), deleted: Boolean(r.deleted) }));
}

/**
 * Checks acknowledged writes against the store: each 2xx marker sits in exactly one version, the
 * version the answer named (when it named one); numbers named are distinct. Returns violations.
 */
export function checkAcknowledged(rows: VersionRow[], acks: WriteResult[]): string[] {
  const out: string[] = [];
  const seen = new Map<number, string>();
  for (const a of acks) {
    const holders = rows.filter((r) => r.text.includes(a.marker));
    if (holders.length !== 1)
      out.push(`${a.marker}: acknowledged (${a.status}) but in ${holders.length} versions`);
    if (a.number !== undefined) {
      if (seen.has(a.number))
        out.push(`${a.marker}: version ${a.number} also named by ${seen.get(a.number)}`);
      seen.set(a.number, a.marker);
      if (holders.length === 1 && holders[0]!.number !== a.number)
        out.push(`${a.marker}: answer named version ${a.number}, stored as ${holders[0]!.number}`);
    }
  }
  return out;
}

export interface LabelMover {
  api: string;
  probe: (t: Target) => [string, string];
  /** Moves (or creates) `label` onto version `number`; answers the HTTP status. */
  move(call: Call, t: Target, label: string, number: number, key?: string): Promise<number>;
}

export const labelMovers: LabelMover[] = [
  {
    api: 'native-label-put',
    probe: (t) => ['PUT', `/v1/prompts/${t.id}/labels/x`],
    async move(call, t, label, number, key) {
      return (
        await call('PUT', `/v1/prompts/${t.id}/labels/${enc(label)}`, { key, body: { version: number } })
      ).status;
    },
  },
  {
    api: 'keywordsai-deploy',
    probe: (t) => ['POST', `/api/prompts/${t.hex}/deployments/`],
    async move(call, t, label, number, key) {
      if (label !== 'production') throw new Error('Keywords AI deploys only the production label');
      return (await call('POST', `/api/prompts/${t.hex}/deployments/`, { key, body: { version: number } }))
        .status;
    },
  },
  {
    api: 'promptlayer-label',
    probe: (t) => ['POST', `/prompts/${t.seq}/label`],
    // Create the label; when it exists, move it through its id (PATCH /prompt-labels/{id}).
    async move(call, t, label, number, key) {
      const list = await call('GET', `/prompt-templates/${t.seq}/labels`, { key });
      const found = (list.body?.release_labels ?? []).find(
        (l: { release_label: string }) => l.release_label === label,
      );
      if (!found)
        return (
          await call('POST', `/prompts/${t.seq}/label`, {
            key,
            body: { name: label, prompt_version_number: number },
          })
        ).status;
      return (
        await call('PATCH', `/prompt-labels/${found.release_label_id}`, {
          key,
          body: { prompt_version_number: number },
        })
      ).status;
    },
  },
];
