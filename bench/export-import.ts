// `npx tsx bench/export-import.ts [--prompts 10000] [--versions 5]` (also run by `npm run bench`):
// export + import of a whole workspace through the CLI, as prompts/s, next to the bare cost of the
// same number of API calls on the same server (one GET of a prompt's latest version per prompt, 8
// in flight). Two Lectern servers on PGlite, each a child process; peak RSS of each server and of
// each CLI run is reported (memory must stay flat in the number of prompts).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/child-server.ts';
import { seedLines } from '../test/support/export-seed.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'src/cli/main.ts');
const RSS = join(ROOT, 'test/support/max-rss.mjs');
const arg = (name: string, dflt: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt;
const N = arg('--prompts', 10_000);
const V = arg('--versions', 5);
const KEY = 'lec_bench_export_import_admin_0123456789';
const log = (m: string) => process.stderr.write(`[export-import] ${m}\n`);

async function server(dir: string) {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    env: {
      ...process.env,
      // Embedded stores of their own: an inherited DATABASE_URL (`npm run bench` with PostgreSQL)
      // would put both servers on one database, so the import would find everything already there.
      DATABASE_URL: '',
      LECTERN_PG_SCHEMA: '',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      LECTERN_DATA_DIR: dir,
      LECTERN_ADMIN_KEY: KEY,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const peakMb = () =>
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  return { url, proc, peakMb };
}

function cli(url: string, args: string[]): Promise<{ seconds: number; rssMb: number; out: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '--import', RSS, MAIN, ...args],
      { env: { ...process.env, LECTERN_URL: url, LECTERN_API_KEY: KEY }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${args.join(' ')}: ${stderr}`));
        resolve({
          seconds: (performance.now() - t0) / 1000,
          rssMb: Number(/MAX_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024,
          out: stdout,
        });
      },
    ),
  );
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'lectern-bench-ei-'));
  const [a, b] = [await server(join(tmp, 'a')), await server(join(tmp, 'b'))];
  try {
    const seedFile = join(tmp, 'seed.jsonl');
    writeFileSync(seedFile, [...seedLines(N, V, 'bench')].join('\n') + '\n');
    log(`seeding ${N} prompts × ${V} versions`);
    await cli(a.url, ['import', seedFile, '--json']);

    const file = join(tmp, 'export.jsonl');
    const exp = await cli(a.url, ['export', file, '--json']);
    const imp = await cli(b.url, ['import', file, '--json']);
    const report = JSON.parse(imp.out) as { prompts_created: number };
    if (report.prompts_created !== N) throw new Error(`imported ${report.prompts_created} of ${N}`);

    // Baseline: the same number of API calls, one per prompt, on the same server.
    const ids: string[] = [];
    for (let offset = 0; ids.length < N; offset += 500) {
      const page = (await (
        await fetch(`${a.url}/v1/prompts?limit=500&offset=${offset}`, {
          headers: { authorization: `Bearer ${KEY}` },
        })
      ).json()) as { data: { id: string }[] };
      if (!page.data.length) break;
      ids.push(...page.data.map((p) => p.id));
    }
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          const r = await fetch(`${a.url}/v1/prompts/${id}/versions/latest`, {
            headers: { authorization: `Bearer ${KEY}` },
          });
          await r.arrayBuffer();
        }
      }),
    );
    const bare = (performance.now() - t0) / 1000;
    const result = {
      prompts: N,
      versions_per_prompt: V,
      export_prompts_per_s: Math.round(N / exp.seconds),
      import_prompts_per_s: Math.round(N / imp.seconds),
      bare_api_calls_per_s: Math.round(ids.length / bare),
      export_vs_bare_calls: +(bare / exp.seconds).toFixed(2),
      import_vs_bare_calls: +(bare / imp.seconds).toFixed(2),
      peak_rss_mb: {
        cli_export: Math.round(exp.rssMb),
        cli_import: Math.round(imp.rssMb),
        server_exporting: Math.round(a.peakMb()),
        server_importing: Math.round(b.peakMb()),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(
      join(ROOT, 'bench/results-export-import.json'),
      `${JSON.stringify({ at: new Date().toISOString(), node: process.version, ...result }, null, 2)}\n`,
    );
  } finally {
    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
