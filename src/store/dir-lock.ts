// One process at a time on a PGlite data directory. PGlite is PostgreSQL in-process: two processes
// on one directory each write their own copy of the same files, and one of them loses its
// acknowledged writes at the next start. So whoever opens the directory first holds it until it
// stops, and everyone else is refused with the holder's pid.
//
// The lock is a Unix socket the holder listens on, `<dataDir>/.lectern-admin/sock`, in a directory
// only its owner can enter (0700). A process holds the directory while it listens there; whether
// that is so is answered by the kernel, not by a pid in a file: a connect succeeds exactly while the
// holder lives, and is refused once it died (even by SIGKILL), however its pid is reused later. A
// stale socket file is replaced under a short-lived take-over guard, so two processes starting
// at once on a stale directory cannot both take it. The same socket is the holder's admin channel:
// a `lectern` command that must write while a server holds the directory asks the server to do it
// (src/server/admin-channel.ts), instead of opening the files behind its back.
//
// Protocol: one newline-terminated JSON request per connection ({op, args}), one JSON line back
// ({ok: true, result} or {ok: false, error: {code, message, details}}). `hello` is always answered
// with who holds the directory; other ops only when the holder serves them.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  closeSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join, relative, resolve } from 'node:path';

export interface Holder {
  pid: number;
  /** What holds it: `lectern serve`, a `lectern` command, a test. */
  role: string;
  /** Where the holder listens for HTTP, when it is a server. */
  url?: string;
  /** Whether it carries out admin requests (a running server does). */
  admin: boolean;
  /** It holds the directory only for a moment (a `lectern` command): worth waiting for. */
  brief: boolean;
}

export type AdminHandler = (op: string, args: unknown) => Promise<unknown>;

/** The error a second opener gets: typed, with the holder when it answered. */
export class DataDirLockedError extends Error {
  readonly kind = 'data_dir_locked';
  constructor(
    readonly dataDir: string,
    readonly holder: Holder | null,
  ) {
    super(
      `the data directory ${dataDir} is in use by ${
        holder
          ? `another Lectern process (pid ${holder.pid}, ${holder.role}${holder.url ? ` at ${holder.url}` : ''})`
          : 'another process that did not say who it is'
      }: only one process may open it at a time; stop that one first${
        holder?.admin ? ', or run `lectern` commands while it runs: they go through it' : ''
      }`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** An error a holder answered a request with (a LecternError on its side). */
export class AdminRequestError extends Error {
  readonly kind = 'admin_request_failed';
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AdminRequestError';
  }
}

export interface DirLock {
  readonly socketPath: string;
  /** Updates what `hello` tells others (the server adds its URL once it listens). */
  describe(info: Partial<Omit<Holder, 'pid' | 'admin' | 'brief'>>): void;
  /** Carries out admin requests from now on. */
  serve(handler: AdminHandler): void;
  release(): Promise<void>;
}

const RUN_DIR = '.lectern-admin';
/** Unix socket paths are limited to 108 bytes (104 on macOS), terminator included. */
const MAX_SOCKET_PATH = 100;
/** A take-over guard older than this was left by a process killed while taking over (a few ms). */
const GUARD_STALE_MS = 3000;
const MAX_REQUEST_BYTES = 1024 * 1024;

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** `<dataDir>/.lectern-admin`, created 0700 and checked: a directory of ours, not a link. */
function privateRunDir(dataDir: string): string {
  const dir = join(dataDir, RUN_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
    throw new Error(`${dir} must be a directory owned by this user`);
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

/** The socket's path, absolute when it fits the limit, else relative to the working directory. */
export function socketPathFor(dataDir: string): string {
  const abs = resolve(dataDir, RUN_DIR, 'sock');
  if (Buffer.byteLength(abs) <= MAX_SOCKET_PATH) return abs;
  const rel = relative(process.cwd(), abs);
  if (Buffer.byteLength(rel) <= MAX_SOCKET_PATH) return rel;
  throw new Error(
    `the data directory path ${abs} is too long for its lock socket (at most ${MAX_SOCKET_PATH} bytes): use a shorter LECTERN_DATA_DIR`,
  );
}

/** Sends one request to whoever listens on `path`. */
export function request(
  path: string,
  op: string,
  args: unknown = null,
  timeoutMs = 30_000,
): Promise<unknown> {
  return new Promise((resolveRequest, reject) => {
    const sock = createConnection(path);
    let buf = '';
    let connected = false;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        Object.assign(new Error(`no answer from ${path} in ${timeoutMs} ms`), {
          code: 'ETIMEDOUT',
          connected,
        }),
      );
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => {
      connected = true;
      sock.write(`${JSON.stringify({ op, args })}\n`);
    });
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      try {
        const msg = JSON.parse(buf.slice(0, nl)) as {
          ok: boolean;
          result?: unknown;
          error?: { code: string; message: string; details?: Record<string, unknown> };
        };
        if (msg.ok) resolveRequest(msg.result);
        else reject(new AdminRequestError(msg.error!.code, msg.error!.message, msg.error!.details));
      } catch (err) {
        reject(err);
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(Object.assign(err, { connected }));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`${path} closed the connection without an answer`), { connected }));
    });
  });
}

type Probe = { state: 'held'; holder: Holder | null } | { state: 'stale' } | { state: 'absent' };

/** What the holder wrote when it took the lock (read when it is too busy to answer). */
function writtenHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof h.pid === 'number' ? { ...h, admin: false } : null;
  } catch {
    return null;
  }
}

/** Is someone listening on the socket? A refused connect means its file outlived its process. */
async function probe(path: string, holderFile: string): Promise<Probe> {
  try {
    return { state: 'held', holder: (await request(path, 'hello', null, 3000)) as Holder };
  } catch (err) {
    if (errno(err) === 'ECONNREFUSED') return { state: 'stale' };
    if (errno(err) === 'ENOENT') return { state: 'absent' };
    // Connected but no answer: a holder whose event loop is busy (PGlite's start blocks it) is
    // alive all the same; who it is, it wrote down when it took the lock.
    if ((err as { connected?: boolean }).connected)
      return { state: 'held', holder: writtenHolder(holderFile) };
    throw err;
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ path, exclusive: true }, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
}

/** Creates the take-over guard, or says someone else holds it (clearing one left by a killed process). */
function takeGuard(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if (errno(err) !== 'EEXIST') throw err;
    try {
      if (Date.now() - statSync(path).mtimeMs > GUARD_STALE_MS) unlinkSync(path);
    } catch {
      /* gone meanwhile */
    }
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Takes the data directory for this process, or throws DataDirLockedError naming its holder. */
export async function lockDataDir(dataDir: string, role: string, brief = false): Promise<DirLock> {
  const runDir = privateRunDir(dataDir);
  const path = socketPathFor(dataDir);
  const guard = join(runDir, 'takeover');
  const holderFile = join(runDir, 'holder.json');
  const info: Holder = { pid: process.pid, role, admin: false, brief };
  let handler: AdminHandler | null = null;
  const sockets = new Set<Socket>();

  const server = createServer((sock) => {
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('utf8');
    let buf = '';
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > MAX_REQUEST_BYTES) return void sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.removeAllListeners('data');
      void answer(buf.slice(0, nl)).then((reply) => sock.end(`${JSON.stringify(reply)}\n`));
    });
  });
  // An accepted connection must never keep the process alive on its own.
  server.unref();

  const answer = async (line: string): Promise<unknown> => {
    let req: { op?: unknown; args?: unknown };
    try {
      req = JSON.parse(line) as typeof req;
    } catch {
      return { ok: false, error: { code: 'bad_request', message: 'not a JSON request' } };
    }
    if (req.op === 'hello') return { ok: true, result: { ...info, admin: handler !== null } };
    if (!handler || typeof req.op !== 'string') {
      return {
        ok: false,
        error: { code: 'bad_request', message: `this process does not serve ${String(req.op)}` },
      };
    }
    try {
      return { ok: true, result: await handler(req.op, req.args ?? null) };
    } catch (err) {
      const e = err as { code?: unknown; message?: string; details?: Record<string, unknown> };
      const known = typeof e.code === 'string' && /^[a-z_]+$/.test(e.code);
      return {
        ok: false,
        error: {
          code: known ? e.code : 'internal',
          message: known ? (e.message ?? 'failed') : 'internal error',
          details: known ? (e.details ?? {}) : {},
        },
      };
    }
  };

  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, path);
      break;
    } catch (err) {
      if (errno(err) !== 'EADDRINUSE') throw err;
    }
    const seen = await probe(path, holderFile);
    if (seen.state === 'held') throw new DataDirLockedError(dataDir, seen.holder);
    if (seen.state === 'stale') {
      // Only under the guard is a socket file removed, and only after the check is repeated under
      // it: nobody else can replace a file that exists without the guard (a bind fails on it).
      if (takeGuard(guard)) {
        try {
          const again = await probe(path, holderFile);
          if (again.state === 'held') throw new DataDirLockedError(dataDir, again.holder);
          if (again.state === 'stale') unlinkSync(path);
          await listen(server, path);
          break;
        } catch (err) {
          if (err instanceof DataDirLockedError || errno(err) !== 'EADDRINUSE') throw err;
        } finally {
          try {
            unlinkSync(guard);
          } catch {
            /* already gone */
          }
        }
      }
    }
    if (attempt > 100) throw new Error(`could not take the lock of ${dataDir}`);
    await sleep(20 + Math.random() * 30);
  }
  const ino = statSync(path).ino;
  // Written only while we hold the socket, so it names us for as long as the socket answers.
  const record = () => writeFileSync(holderFile, JSON.stringify(info), { mode: 0o600 });
  record();

  return {
    socketPath: path,
    describe(more) {
      Object.assign(info, more);
      record();
    },
    serve(h) {
      handler = h;
    },
    async release() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
      try {
        // Removed only if it is still ours (Node leaves the file behind).
        if (statSync(path).ino === ino) unlinkSync(path);
      } catch {
        /* already gone */
      }
    },
  };
}
