// Whole-store invariant checks, in raw SQL so they trust nothing the registry says: version numbers
// contiguous and in step with the prompt row, one draft at most (the newest), every label on exactly
// one live version of its own prompt, the label history replaying to the labels table, every
// version written together with its audit event, every external id in its prompt's workspace, and
// no live prompt in a deleted workspace.
// Returns the violations (empty = healthy).
import { sql } from 'drizzle-orm';
import type { Store } from '../../src/store/db.ts';

type Row = Record<string, unknown>;

export async function rows(store: Store, query: string): Promise<Row[]> {
  const res = (await store.db.execute(sql.raw(query))) as unknown as { rows?: Row[] } | Row[];
  return Array.isArray(res) ? res : (res.rows ?? []);
}

export async function checkInvariants(store: Store): Promise<string[]> {
  const out: string[] = [];
  const prompts = await rows(store, 'select id, name, last_version, revision from prompts');
  const versions = await rows(
    store,
    'select id, prompt_id, number, status, deleted_at from versions order by prompt_id, number',
  );
  const labels = await rows(
    store,
    `select l.prompt_id, l.name, l.version_id, v.prompt_id as v_prompt, v.number, v.deleted_at
       from labels l left join versions v on v.id = l.version_id`,
  );
  const history = await rows(
    store,
    'select prompt_id, label_name, from_version, to_version from label_history order by id',
  );
  const audited = new Set(
    (await rows(store, "select entity_id from audit_events where action = 'version.create'")).map((r) =>
      String(r.entity_id),
    ),
  );

  const byPrompt = new Map<string, Row[]>();
  for (const v of versions) {
    const list = byPrompt.get(String(v.prompt_id)) ?? [];
    list.push(v);
    byPrompt.set(String(v.prompt_id), list);
  }
  const promptIds = new Set(prompts.map((p) => String(p.id)));
  for (const pid of byPrompt.keys()) if (!promptIds.has(pid)) out.push(`versions of missing prompt ${pid}`);

  for (const p of prompts) {
    const pid = String(p.id);
    const vs = byPrompt.get(pid) ?? [];
    const numbers = vs.map((v) => Number(v.number));
    numbers.forEach((n, i) => {
      if (n !== i + 1) out.push(`prompt ${p.name}: version numbers not contiguous at ${i + 1} (found ${n})`);
    });
    if (Number(p.last_version) !== numbers.length)
      out.push(`prompt ${p.name}: last_version ${p.last_version} but ${numbers.length} versions`);
    if (Number(p.revision) < 1 + numbers.length)
      out.push(`prompt ${p.name}: revision ${p.revision} behind its ${numbers.length} versions`);
    const drafts = vs.filter((v) => v.status === 'draft' && !v.deleted_at);
    if (drafts.length > 1) out.push(`prompt ${p.name}: ${drafts.length} drafts`);
    const live = vs.filter((v) => !v.deleted_at);
    if (drafts.length === 1 && drafts[0] !== live[live.length - 1])
      out.push(`prompt ${p.name}: draft ${drafts[0]!.number} is not the newest version`);
    for (const v of vs)
      if (!audited.has(String(v.id))) out.push(`prompt ${p.name}: version ${v.number} has no audit event`);
  }

  const current = new Map<string, number>(); // `${prompt}\u0000${label}` -> version number
  for (const l of labels) {
    const key = `${l.prompt_id}\u0000${l.name}`;
    if (current.has(key)) out.push(`label ${l.name} on prompt ${l.prompt_id} appears twice`);
    if (l.v_prompt == null) out.push(`label ${l.name} points at a missing version`);
    else if (l.v_prompt !== l.prompt_id) out.push(`label ${l.name} points at another prompt's version`);
    else if (l.deleted_at) out.push(`label ${l.name} sits on deleted version ${l.number}`);
    current.set(key, Number(l.number));
  }

  const replayed = new Map<string, number>();
  for (const h of history) {
    const key = `${h.prompt_id}\u0000${h.label_name}`;
    const before = replayed.get(key) ?? null;
    const from = h.from_version == null ? null : Number(h.from_version);
    if (before !== from)
      out.push(`label history of ${h.label_name}: move from ${from} but the label was on ${before}`);
    if (h.to_version == null) replayed.delete(key);
    else replayed.set(key, Number(h.to_version));
  }
  for (const [key, n] of current)
    if (replayed.get(key) !== n)
      out.push(
        `label ${key.split('\u0000')[1]}: on version ${n} but its history replays to ${replayed.get(key)}`,
      );
  for (const [key, n] of replayed)
    if (!current.has(key))
      out.push(`label ${key.split('\u0000')[1]}: history ends on ${n} but the label is gone`);

  // An external id lives in its prompt's workspace (the pair is unique per workspace by constraint).
  const strayIds = await rows(
    store,
    `select e.source, e.external_id from prompt_external_ids e
       left join prompts p on p.id = e.prompt_id
      where p.id is null or p.workspace_id <> e.workspace_id`,
  );
  for (const e of strayIds)
    out.push(`external id ${e.source}/${e.external_id} is not in its prompt's workspace`);

  // A deleted workspace holds no live prompt (it would be unreachable by name, yet acknowledged).
  const orphans = await rows(
    store,
    `select p.name, w.name as workspace from prompts p join workspaces w on w.id = p.workspace_id
      where p.deleted_at is null and w.deleted_at is not null`,
  );
  for (const o of orphans) out.push(`prompt ${o.name} is live in deleted workspace ${o.workspace}`);
  return out;
}

/**
 * A fingerprint of every table's contents (what a refused request must leave untouched). The key
 * table's last-used time is left out: reads may stamp it.
 */
export async function dbFingerprint(store: Store): Promise<string> {
  const tables = [
    'workspaces',
    'projects',
    'prompts',
    'versions',
    'labels',
    'label_history',
    'prompt_external_ids',
    'audit_events',
    'webhook_endpoints',
  ];
  const parts: string[] = [];
  for (const t of tables) {
    const r = await rows(
      store,
      `select count(*)::int as n, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from ${t} x`,
    );
    parts.push(`${t}:${r[0]!.n}:${r[0]!.h}`);
  }
  const k = await rows(
    store,
    `select count(*)::int as n, md5(coalesce(string_agg(id::text || coalesce(revoked_at::text, ''), '|' order by id), '')) as h from api_keys`,
  );
  parts.push(`api_keys:${k[0]!.n}:${k[0]!.h}`);
  return parts.join(' ');
}
