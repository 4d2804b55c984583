// `lectern export` / `lectern import`: a workspace to and from the JSON-lines export format
// (docs/export-format.md), streamed both ways — the CLI never holds more than a chunk.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, Client, EXIT, errorOf } from './client.ts';
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
  const res = await client.raw('GET', '/v1/export');
  if (!res.ok) throw errorOf('GET', '/v1/export', res.status, await res.json().catch(() => null));
  const report: ExportReport = { file, prompts: 0, versions: 0, labels: 0, label_moves: 0, bytes: 0 };
  let footer: Record<string, number> | null = null;
  let tail = '';
  progress.start(0, 'export');
  // Counts records as they pass, by their `type` (each line is parsed once, then dropped).
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      report.bytes += chunk.length;
      const text = tail + chunk.toString('utf8');
      const lines = text.split('\n');
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
      done(null, chunk);
    },
  });
  const out = file === '-' ? process.stdout : createWriteStream(file);
  try {
    await pipeline(Readable.fromWeb(res.body as never), count, out);
  } finally {
    progress.stop();
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
  input.on('data', (c: Buffer | string) => progress.tick(Math.ceil(c.length / 1024)));
  let res: Response;
  try {
    res = await client.raw('POST', `/v1/import${query ? `?${query}` : ''}`, {
      stream: Readable.toWeb(input) as ReadableStream,
      headers: { 'content-type': 'application/x-ndjson' },
    });
  } finally {
    progress.stop();
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) throw errorOf('POST', '/v1/import', res.status, body);
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
