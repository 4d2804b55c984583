// The shell: sign-in (the key lives in sessionStorage for this tab, in localStorage only when the
// user asks to be remembered; never in a URL), the header with role, workspace switch and theme,
// and the page for the current route.
import {
  createContext,
  lazy,
  Suspense,
  useContext,
  useEffect,
  useMemo,
  useState,
  type FormEvent,
} from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, Client, type Me } from './api/client.ts';
import { href, useRoute } from './lib/router.ts';
import { PromptList } from './pages/prompt-list.tsx';
import { keysToInvalidate, refetchAfterOpen, startLiveUpdates } from './lib/live-updates.ts';

// Only the list is in the first bundle: the detail page (with the diff library and, further on
// demand, the editor) and administration load when first opened.
const PromptDetail = lazy(() =>
  import('./pages/prompt-detail.tsx').then((m) => ({ default: m.PromptDetail })),
);
const Admin = lazy(() => import('./pages/admin.tsx').then((m) => ({ default: m.Admin })));
const RequestLogs = lazy(() => import('./pages/request-logs.tsx').then((m) => ({ default: m.RequestLogs })));
const RequestGroups = lazy(() =>
  import('./pages/request-groups.tsx').then((m) => ({ default: m.RequestGroups })),
);
const RequestGroupPage = lazy(() =>
  import('./pages/request-groups.tsx').then((m) => ({ default: m.RequestGroupPage })),
);
const Webhooks = lazy(() => import('./pages/webhooks.tsx').then((m) => ({ default: m.Webhooks })));
import { ErrorNote } from './components/ui.tsx';

const KEY = 'lectern.key';
const WS = 'lectern.workspace';
const THEME = 'lectern.theme';

export interface Session {
  client: Client;
  me: Me;
  /** The workspace the UI is looking at (its name). */
  workspace: string;
  canWrite: boolean;
  isAdmin: boolean;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

function storedKey(): string | null {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);
}

export function App() {
  const [auth, setAuth] = useState<{ key: string; me: Me } | null>(null);
  const [checking, setChecking] = useState(() => storedKey() !== null);
  const [workspace, setWorkspace] = useState<string | null>(() => sessionStorage.getItem(WS));
  const [theme, setTheme] = useState<'light' | 'dark' | 'system'>(
    () => (localStorage.getItem(THEME) as 'light' | 'dark' | null) ?? 'system',
  );
  const qc = useQueryClient();

  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    new Client(key, null).me().then(
      (me) => {
        setAuth({ key, me });
        setChecking(false);
      },
      () => {
        sessionStorage.removeItem(KEY);
        localStorage.removeItem(KEY);
        setChecking(false);
      },
    );
  }, []);

  const signOut = () => {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(WS);
    localStorage.removeItem(KEY);
    qc.clear();
    setAuth(null);
    setWorkspace(null);
  };

  const session = useMemo<Session | null>(() => {
    if (!auth) return null;
    const { me } = auth;
    const names = me.workspaces.map((w) => w.name);
    const ws = me.all_workspaces
      ? workspace && names.includes(workspace)
        ? workspace
        : names.includes('default')
          ? 'default'
          : (names[0] ?? 'default')
      : (me.workspace ?? 'default');
    return {
      client: new Client(auth.key, me.all_workspaces ? ws : null),
      me,
      workspace: ws,
      canWrite: me.role !== 'viewer',
      isAdmin: me.role === 'admin',
    };
  }, [auth, workspace]);

  if (checking) return <p className="boot">Loading…</p>;
  if (!session) {
    return (
      <SignIn
        onSignedIn={(key, me, remember) => {
          sessionStorage.setItem(KEY, key);
          if (remember) localStorage.setItem(KEY, key);
          setAuth({ key, me });
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell
        onSignOut={signOut}
        onWorkspace={(w) => {
          sessionStorage.setItem(WS, w);
          setWorkspace(w);
          window.location.hash = '#/';
        }}
        theme={theme}
        onTheme={(t) => {
          if (t === 'system') localStorage.removeItem(THEME);
          else localStorage.setItem(THEME, t);
          setTheme(t);
        }}
      />
    </SessionContext.Provider>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (key: string, me: Me, remember: boolean) => void }) {
  const [key, setKey] = useState('');
  const [remember, setRemember] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await new Client(key.trim(), null).me();
      onSignedIn(key.trim(), me, remember);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? new ApiError(
              401,
              err.code,
              `That API key was not accepted: ${err.message}. Check it and try again.`,
            )
          : err,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-labelledby="signin-title" className="card">
        <h1 id="signin-title">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Sign in to Lectern
        </h1>
        <p className="muted">
          Use an API key. It is kept for this browser tab only unless you choose to be remembered.
        </p>
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            autoComplete="off"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />{' '}
          Remember me on this device
        </label>
        {error !== null && <ErrorNote error={error} />}
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/** Keeps the cached queries in step with changes made elsewhere (lib/live-updates.ts). */
function useLiveUpdates(s: Session): 'connecting' | 'live' | 'reconnecting' {
  const qc = useQueryClient();
  const [state, setState] = useState<'connecting' | 'live' | 'reconnecting'>('connecting');
  useEffect(() => {
    setState('connecting');
    let stopRefetch = () => {};
    const stopLive = startLiveUpdates({
      open: (signal, last) => s.client.openEvents(signal, last),
      // Reads that may predate the open are fetched again (lib/live-updates.ts).
      onOpen: () => {
        stopRefetch();
        stopRefetch = refetchAfterOpen(qc);
      },
      onState: setState,
      onEvents: (events) => {
        const seen = new Set<string>();
        for (const e of events)
          for (const key of keysToInvalidate(e, s.workspace)) {
            const k = JSON.stringify(key);
            if (seen.has(k)) continue;
            seen.add(k);
            void qc.invalidateQueries({ queryKey: key });
          }
      },
    });
    return () => {
      stopLive();
      stopRefetch();
    };
  }, [s.client, s.workspace, qc]);
  return state;
}

function Shell({
  onSignOut,
  onWorkspace,
  theme,
  onTheme,
}: {
  onSignOut: () => void;
  onWorkspace: (w: string) => void;
  theme: 'light' | 'dark' | 'system';
  onTheme: (t: 'light' | 'dark' | 'system') => void;
}) {
  const s = useSession();
  const route = useRoute();
  const live = useLiveUpdates(s);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="#/">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Lectern
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.page === 'list' || route.page === 'prompt' ? 'page' : undefined}>
            Prompts
          </a>
          <a href="#/logs" aria-current={route.page === 'logs' ? 'page' : undefined}>
            Request log
          </a>
          <a
            href={href({ page: 'groups' })}
            aria-current={route.page === 'groups' || route.page === 'group' ? 'page' : undefined}
          >
            Request groups
          </a>
          {s.isAdmin && (
            <a
              href={href({ page: 'admin', tab: 'keys' })}
              aria-current={route.page === 'admin' && route.tab !== 'webhooks' ? 'page' : undefined}
            >
              Administration
            </a>
          )}
          {s.isAdmin && (
            <a
              href={href({ page: 'admin', tab: 'webhooks' })}
              aria-current={route.page === 'admin' && route.tab === 'webhooks' ? 'page' : undefined}
            >
              Webhooks
            </a>
          )}
        </nav>
        <div className="topbar-right">
          {s.me.all_workspaces ? (
            <label className="inline">
              <span>Workspace</span>
              <select value={s.workspace} onChange={(e) => onWorkspace(e.target.value)}>
                {s.me.workspaces.map((w) => (
                  <option key={w.id} value={w.name}>
                    {w.name}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="pill" aria-label={`Workspace ${s.workspace}`}>
              Workspace: {s.workspace}
            </span>
          )}
          <span
            className={`live live-${live}`}
            role="status"
            title="Changes made elsewhere appear here without a reload"
          >
            <span className="live-dot" aria-hidden="true" />
            {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
          </span>
          <span className={`pill role-${s.me.role}`} aria-label={`Role ${s.me.role}`}>
            Role: {s.me.role}
          </span>
          <label className="inline">
            <span className="visually-hidden">Theme</span>
            <select
              aria-label="Theme"
              value={theme}
              onChange={(e) => onTheme(e.target.value as typeof theme)}
            >
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content" key={s.workspace}>
        <Suspense fallback={<p aria-live="polite">Loading…</p>}>
          {route.page === 'list' && <PromptList folder={route.folder} />}
          {route.page === 'prompt' && (
            <PromptDetail name={route.name} tab={route.tab} version={route.version} />
          )}
          {/* Keyed by the group filter: a link to another group's log starts from its filter. */}
          {route.page === 'logs' && <RequestLogs key={route.group ?? ''} />}
          {route.page === 'groups' && <RequestGroups />}
          {route.page === 'group' && <RequestGroupPage key={route.id} id={route.id} />}
          {route.page === 'admin' &&
            (s.isAdmin ? (
              route.tab === 'webhooks' ? (
                <Webhooks />
              ) : (
                <Admin tab={route.tab} />
              )
            ) : (
              <ErrorNote error={new ApiError(403, 'forbidden', 'Administration needs an admin key.')} />
            ))}
        </Suspense>
      </main>
    </div>
  );
}
