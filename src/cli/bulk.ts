// `lectern export` / `lectern import`: a workspace to and from the JSON-lines export format
// (docs/export-format.md), streamed both ways — the CLI never holds more than a chunk.
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Transform, pipeline as streamPipeline } from 'node:stream';
import { CliError, Client, EXIT } from './client.ts';
import type { Progress } from './sync.ts';

export interface ExportReport {
  file: string;
  prompts: number;
  versions: number;
  labels: number;
  label_moves: number;
  bytes: number;
}

/** Streams GET /v1/export into `file` (or stdout for `-`); checks the footer's counts. */
export async function exportTo(client: Client, file: string, progress: Progress): Promise<ExportReport> {
  const res = await client.stream('GET', '/v1/export');
  if (!res.ok)
    throw await client.refusal('GET', '/v1/export', res.status, await res.json().catch(() => null));
  const report: ExportReport = { file, prompts: 0, versions: 0, labels: 0, label_moves: 0, bytes: 0 };
  let footer: Record<string, number> | null = null;
  let tail = '';
  progress.start(0, 'export');
  // Counts records as they pass, by their `type` (each line is parsed once, then dropped).
  const count = (chunk: Buffer) => {
    report.bytes += chunk.length;
    const lines = (tail + chunk.toString('utf8')).split('\n');
    tail = lines.pop()!;
    for (const l of lines) {
      if (!l) continue;
      const r = JSON.parse(l) as { type: string };
      if (r.type === 'prompt') {
        report.prompts++;
        progress.tick();
      } else if (r.type === 'version') report.versions++;
      else if (r.type === 'label') report.labels++;
      else if (r.type === 'label_move') report.label_moves++;
      else if (r.type === 'footer') footer = r as unknown as Record<string, number>;
    }
  };
  // A plain loop, one chunk read after the last is written: piped into a file stream, the export
  // held tens of MB of socket buffers on the way (measured), where this holds one chunk.
  const out = file === '-' ? null : await open(file, 'w');
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      count(chunk);
      if (out) await out.write(chunk);
      else if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    }
  } finally {
    progress.stop();
    await out?.close();
  }
  const f = footer as Record<string, number> | null;
  if (!f || f.prompts !== report.prompts || f.versions !== report.versions)
    throw new CliError(
      `the export stopped before its end (${report.prompts} prompts received): the server failed mid-stream; see its log and run lectern export again`,
      EXIT.error,
    );
  return report;
}

/** Streams a file of export lines into POST /v1/import. */
export async function importFrom(
  client: Client,
  file: string,
  progress: Progress,
  opts: { sync?: boolean; dryRun?: boolean } = {},
) {
  const query = [opts.sync ? 'existing=sync' : '', opts.dryRun ? 'dry_run=true' : '']
    .filter(Boolean)
    .join('&');
  let size = 0;
  if (file !== '-') {
    try {
      size = (await stat(file)).size;
    } catch {
      throw new CliError(`cannot read ${file}: give the path of a file lectern export wrote`, EXIT.usage);
    }
  }
  const input = file === '-' ? process.stdin : createReadStream(file);
  progress.start(Math.ceil(size / 1024), 'import KiB');
  // Ticks as chunks pass to the socket (a 'data' listener would start the file flowing before the
  // upload reads it); a read error destroys `counted`, which fails the upload.
  const counted = streamPipeline(
    input,
    new Transform({
      transform(c: Buffer, _enc, done) {
        progress.tick(Math.ceil(c.length / 1024));
        done(null, c);
      },
    }),
    () => {},
  );
  let res: Awaited<ReturnType<Client['stream']>>;
  try {
    res = await client.stream('POST', `/v1/import${query ? `?${query}` : ''}`, {
      body: counted,
      headers: { 'content-type': 'application/x-ndjson' },
    });
  } finally {
    progress.stop();
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) throw await client.refusal('POST', '/v1/import', res.status, body);
  return body as {
    prompts_created: number;
    prompts_updated: number;
    prompts_skipped: number;
    dry_run: boolean;
    versions: number;
    labels: number;
    label_moves: number;
    complete: boolean;
    problems: { prompt: string; reason: string }[];
  };
}
