// Administer (admin keys): API keys (create — the secret shown once with a copy button — list,
// revoke), workspaces, and the audit log with filters.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKey, Role } from '../api/client.ts';
import { useSession } from '../app.tsx';
import { href } from '../lib/router.ts';
import { ConfirmDialog, CopyButton, Dialog, Empty, ErrorNote, Time } from '../components/ui.tsx';
import { shortId } from '../lib/format.ts';
import { KeyRef } from '../components/key-ref.tsx';

export function Admin({ tab }: { tab: string }) {
  return (
    <div className="stack">
      <h1>Administration</h1>
      <nav aria-label="Administration sections" className="tabs">
        {[
          ['keys', 'API keys'],
          ['workspaces', 'Workspaces'],
          ['audit', 'Audit log'],
        ].map(([id, title]) => (
          <a key={id} href={href({ page: 'admin', tab: id! })} aria-current={tab === id ? 'page' : undefined}>
            {title}
          </a>
        ))}
      </nav>
      {tab === 'keys' && <Keys />}
      {tab === 'workspaces' && <Workspaces />}
      {tab === 'audit' && <Audit />}
    </div>
  );
}

function Keys() {
  const s = useSession();
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => s.client.listKeys() });
  const wss = useQuery({ queryKey: ['workspaces'], queryFn: () => s.client.listWorkspaces() });
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [ws, setWs] = useState<string>('default');
  const [secret, setSecret] = useState<{ key: ApiKey; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const create = useMutation({
    mutationFn: () => s.client.createKey({ name: name.trim(), role, workspace: ws === '*' ? null : ws }),
    onSuccess: (r) => {
      setSecret(r);
      setName('');
      void qc.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => s.client.revokeKey(id),
    onSuccess: () => {
      setRevoking(null);
      void qc.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const wsName = (id: string | null) =>
    id === null ? 'all workspaces' : (wss.data?.data.find((w) => w.id === id)?.name ?? shortId(id));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <form className="card inline-form" aria-label="Create an API key" onSubmit={submit}>
        <label className="field">
          <span>Key name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label className="field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="viewer">viewer</option>
            <option value="editor">editor</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label className="field">
          <span>Key workspace</span>
          <select value={ws} onChange={(e) => setWs(e.target.value)}>
            {(wss.data?.data ?? []).map((w) => (
              <option key={w.id} value={w.name}>
                {w.name}
              </option>
            ))}
            {role === 'admin' && <option value="*">All workspaces</option>}
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
          Create key
        </button>
      </form>
      {create.isError && <ErrorNote error={create.error} />}
      {keys.isError && <ErrorNote error={keys.error} />}
      {keys.isSuccess && (
        <table className="table">
          <caption>API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Public key</th>
              <th scope="col">Role</th>
              <th scope="col">Workspace</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((k) => (
              <tr key={k.id}>
                <th scope="row" className="ellipsis" title={k.name}>
                  {k.name}
                </th>
                <td>
                  <code>{k.prefix}</code>
                </td>
                <td>
                  <code>{k.public_key}</code>
                </td>
                <td>{k.role}</td>
                <td>{wsName(k.workspace_id)}</td>
                <td>
                  <Time iso={k.created_at} />
                </td>
                <td>{k.revoked_at ? 'revoked' : 'active'}</td>
                <td>
                  {!k.revoked_at && k.id !== s.me.key_id && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => setRevoking(k)}
                      aria-label={`Revoke key ${k.name}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog open={secret !== null} title="API key created" onClose={() => setSecret(null)}>
        <p>
          This is the only time the secret of <strong>{secret?.key.name}</strong> is shown. Copy it now.
        </p>
        <div className="secret">
          <code aria-label="New API key secret">{secret?.secret}</code>
          <CopyButton text={secret?.secret ?? ''} label="Copy secret" />
        </div>
        <div className="actions">
          <button type="button" className="primary" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      </Dialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke API key"
        onClose={() => setRevoking(null)}
        confirmLabel="Revoke key"
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        error={revoke.isError ? revoke.error : null}
      >
        <p>
          Revoke <strong>{revoking?.name}</strong>? Programs using it stop working at once.
        </p>
      </ConfirmDialog>
    </>
  );
}

function Workspaces() {
  const s = useSession();
  const qc = useQueryClient();
  const wss = useQuery({ queryKey: ['workspaces'], queryFn: () => s.client.listWorkspaces() });
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => s.client.createWorkspace(name.trim()),
    onSuccess: () => {
      setName('');
      void qc.invalidateQueries({ queryKey: ['workspaces'] });
    },
  });
  return (
    <>
      <form
        className="card inline-form"
        aria-label="Create a workspace"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="field">
          <span>Workspace name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
          Create workspace
        </button>
      </form>
      {create.isError && <ErrorNote error={create.error} />}
      {wss.isError && <ErrorNote error={wss.error} />}
      {wss.isSuccess && (
        <table className="table">
          <caption>Workspaces</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {wss.data.data.map((w) => (
              <tr key={w.id}>
                <th scope="row">{w.name}</th>
                <td>
                  <Time iso={w.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">
        Switch the workspace you look at from the header. New workspaces appear there after you sign in again.
      </p>
    </>
  );
}

function Audit() {
  const s = useSession();
  const [action, setAction] = useState('');
  const [entity, setEntity] = useState('');
  const [offset, setOffset] = useState(0);
  const audit = useQuery({
    queryKey: ['audit', s.workspace, action, entity, offset],
    queryFn: () =>
      s.client.listAudit({
        action: action.trim() || undefined,
        entity_id: entity.trim() || undefined,
        limit: 50,
        offset,
      }),
  });
  return (
    <>
      <div className="card inline-form" role="search" aria-label="Audit filters">
        <label className="field">
          <span>Action</span>
          <input
            value={action}
            onChange={(e) => {
              setAction(e.target.value);
              setOffset(0);
            }}
            placeholder="label.set"
          />
        </label>
        <label className="field">
          <span>Entity id</span>
          <input
            value={entity}
            onChange={(e) => {
              setEntity(e.target.value);
              setOffset(0);
            }}
          />
        </label>
      </div>
      {audit.isError && <ErrorNote error={audit.error} />}
      {audit.isSuccess && audit.data.data.length === 0 && <Empty>No audit events match.</Empty>}
      {audit.isSuccess && audit.data.data.length > 0 && (
        <>
          <table className="table">
            <caption>Audit log of workspace {s.workspace}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Key</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time iso={e.at} />
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td className="ellipsis" title={e.entity_id}>
                    {e.entity_type} {shortId(e.entity_id)}
                  </td>
                  <td>
                    <KeyRef id={e.actor} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - 50))}>
              Newer events
            </button>
            <button
              type="button"
              disabled={audit.data.pagination.next_offset === null}
              onClick={() => setOffset(audit.data.pagination.next_offset ?? offset)}
            >
              Older events
            </button>
          </div>
        </>
      )}
    </>
  );
}
