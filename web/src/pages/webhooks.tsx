// Webhooks (admin keys): the workspace's endpoints — create (the secret shown once, with a copy
// button), enable/disable (with the reason an automatic disable gave), rotate the secret, delete —
// and each endpoint's delivery log with replay. Talks to /v1/webhooks like any program.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createWebhook,
  deleteWebhook,
  DELIVERY_MODES,
  listDeliveries,
  listWebhooks,
  parseEventTypes,
  replayDelivery,
  rotateWebhookSecret,
  setWebhookEnabled,
  type Delivery,
  type DeliveryMode,
  type Endpoint,
} from '../api/webhooks.ts';
import { useSession } from '../app.tsx';
import { ConfirmDialog, CopyButton, Dialog, Empty, ErrorNote, Time } from '../components/ui.tsx';

/** Each delivery format's name, in the create form's select and the endpoints' format column. */
const MODE_LABELS: Record<DeliveryMode, string> = {
  standard: 'Standard Webhooks',
  langfuse: 'Langfuse compatible',
  promptlayer: 'PromptLayer compatible',
};

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export function Webhooks() {
  const s = useSession();
  const qc = useQueryClient();
  const endpoints = useQuery({ queryKey: ['webhooks', s.workspace], queryFn: () => listWebhooks(s.client) });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState('');
  const [prompts, setPrompts] = useState('');
  const [mode, setMode] = useState<DeliveryMode>('standard');
  const [secret, setSecret] = useState<{ url: string; secret: string; rotated: boolean } | null>(null);
  const [log, setLog] = useState<Endpoint | null>(null);
  const [toDelete, setToDelete] = useState<Endpoint | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: ['webhooks'] });
  const create = useMutation({
    mutationFn: async () => {
      const types = parseEventTypes(events);
      return createWebhook(s.client, {
        url: url.trim(),
        mode,
        ...(types.length ? { events: types } : {}),
        ...(list(prompts).length ? { prompts: list(prompts) } : {}),
      });
    },
    onSuccess: (r) => {
      setSecret({ url: r.webhook.url, secret: r.secret, rotated: false });
      // The whole form: a filter left over from the last endpoint would go into the next one.
      setUrl('');
      setEvents('');
      setPrompts('');
      setMode('standard');
      refresh();
    },
  });
  const toggle = useMutation({
    mutationFn: (e: Endpoint) => setWebhookEnabled(s.client, e.id, !e.enabled),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: (e: Endpoint) => rotateWebhookSecret(s.client, e.id),
    onSuccess: (r) => {
      setSecret({ url: r.webhook.url, secret: r.secret, rotated: true });
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (e: Endpoint) => deleteWebhook(s.client, e.id),
    onSuccess: () => {
      setToDelete(null);
      refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <div className="stack">
      <h1>Webhooks</h1>
      <p>
        Every change in workspace <strong>{s.workspace}</strong> is sent, signed (Standard Webhooks), to these
        endpoints, retried for days until they answer 2xx.
      </p>
      <form className="card inline-form" aria-label="Create a webhook endpoint" onSubmit={submit}>
        <label className="field grow">
          <span>Endpoint URL</span>
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required />
        </label>
        <label className="field">
          <span>Event types (comma-separated, empty: all)</span>
          <input value={events} onChange={(e) => setEvents(e.target.value)} />
        </label>
        <label className="field">
          <span>Prompt names (comma-separated, empty: all)</span>
          <input value={prompts} onChange={(e) => setPrompts(e.target.value)} />
        </label>
        <label className="field">
          <span>Format</span>
          <select
            value={mode}
            onChange={(e) => setMode(DELIVERY_MODES.find((m) => m === e.target.value) ?? 'standard')}
          >
            {DELIVERY_MODES.map((m) => (
              <option key={m} value={m}>
                {MODE_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending || !url.trim()}>
          Create endpoint
        </button>
      </form>
      {create.isError && <ErrorNote error={create.error} title="Endpoint not created" />}
      {[toggle, rotate].map((m, i) => m.isError && <ErrorNote key={i} error={m.error} />)}
      {endpoints.isError && <ErrorNote error={endpoints.error} />}
      {endpoints.isSuccess && endpoints.data.data.length === 0 && <Empty>No webhook endpoints yet.</Empty>}
      {endpoints.isSuccess && endpoints.data.data.length > 0 && (
        <table className="table words">
          <caption>Webhook endpoints</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Format</th>
              <th scope="col">Events</th>
              <th scope="col">Prompts</th>
              <th scope="col">Status</th>
              <th scope="col">Last success</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {endpoints.data.data.map((e) => (
              <tr key={e.id}>
                <th scope="row" className="ellipsis" title={e.url}>
                  {e.url}
                </th>
                <td>{MODE_LABELS[e.mode as DeliveryMode] ?? e.mode}</td>
                <td>{e.events?.join(', ') ?? 'all'}</td>
                <td>{e.prompts?.join(', ') ?? 'all'}</td>
                <td>
                  {e.enabled ? 'enabled' : `disabled: ${e.disabled_reason ?? ''}`}
                  {e.rotating && ' (rotating)'}
                </td>
                <td>
                  <Time iso={e.last_success_at} />
                </td>
                <td className="actions">
                  <button type="button" onClick={() => setLog(e)} aria-label={`Deliveries of ${e.url}`}>
                    Deliveries
                  </button>
                  <button
                    type="button"
                    onClick={() => toggle.mutate(e)}
                    aria-label={`${e.enabled ? 'Disable' : 'Enable'} ${e.url}`}
                  >
                    {e.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button
                    type="button"
                    onClick={() => rotate.mutate(e)}
                    aria-label={`Rotate the secret of ${e.url}`}
                  >
                    Rotate secret
                  </button>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => {
                      remove.reset();
                      setToDelete(e);
                    }}
                    aria-label={`Delete ${e.url}`}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog open={secret !== null} title="Signing secret" onClose={() => setSecret(null)}>
        {secret && (
          <div className="stack">
            <p>
              {secret.rotated ? 'The new secret for ' : 'The signing secret for '}
              <code>{secret.url}</code> is shown only now. Store it with your receiver.
              {secret.rotated && ' The previous secret keeps signing too for 24 hours.'}
            </p>
            <p>
              <code data-testid="webhook-secret">{secret.secret}</code>{' '}
              <CopyButton text={secret.secret} label="Copy secret" />
            </p>
            <button type="button" className="primary" onClick={() => setSecret(null)}>
              Done
            </button>
          </div>
        )}
      </Dialog>
      <ConfirmDialog
        open={toDelete !== null}
        title="Delete endpoint"
        onClose={() => setToDelete(null)}
        confirmLabel="Delete endpoint"
        onConfirm={() => toDelete && remove.mutate(toDelete)}
        pending={remove.isPending}
        error={remove.isError ? remove.error : null}
        errorTitle="Endpoint not deleted"
      >
        <p>
          Delete the endpoint <code>{toDelete?.url}</code>? Nothing more is sent to it, its waiting deliveries
          are dropped and its delivery log goes with it. To pause it instead, disable it.
        </p>
      </ConfirmDialog>
      <Dialog open={log !== null} title="Delivery log" onClose={() => setLog(null)} wide>
        {log && <DeliveryLog endpoint={log} />}
      </Dialog>
    </div>
  );
}

function DeliveryLog({ endpoint }: { endpoint: Endpoint }) {
  const s = useSession();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['webhook-deliveries', endpoint.id],
    queryFn: () => listDeliveries(s.client, endpoint.id),
    refetchInterval: 2000,
  });
  const replay = useMutation({
    mutationFn: (d: Delivery) => replayDelivery(s.client, endpoint.id, d.id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['webhook-deliveries', endpoint.id] }),
  });
  if (q.isError) return <ErrorNote error={q.error} />;
  if (!q.isSuccess) return <p aria-live="polite">Loading…</p>;
  if (!q.data.data.length) return <Empty>No deliveries yet.</Empty>;
  return (
    <>
      {replay.isError && <ErrorNote error={replay.error} />}
      <table className="table">
        <caption>Deliveries to {endpoint.url}</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Prompt</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last answer</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {q.data.data.map((d) => (
            <tr key={d.id}>
              <th scope="row" title={d.webhook_id}>
                {d.event_type}
              </th>
              <td>{d.prompt}</td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.last_status ?? d.last_error ?? '—'}</td>
              <td>
                <Time iso={d.created_at} />
              </td>
              <td>
                <button type="button" onClick={() => replay.mutate(d)} aria-label={`Replay ${d.webhook_id}`}>
                  Replay
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
