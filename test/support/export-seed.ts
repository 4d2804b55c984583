// Export lines for N prompts × V versions (with a label and its history each), generated as a
// stream: seeds large stores through the import without building them in memory.
import { uuidv7 } from '../../src/model/ids.ts';
import { versionRecord } from './export-records.ts';

/** `pad` adds that many characters of instructions to each version's system message (a bigger file). */
export function* seedLines(prompts: number, versions: number, prefix = 'scale', pad = 0): Generator<string> {
  const guidance = pad ? ` ${'Keep to the facts given. '.repeat(Math.ceil(pad / 25)).slice(0, pad)}` : '';
  const at = new Date().toISOString();
  yield JSON.stringify({
    type: 'header',
    format: 'lectern-export',
    format_version: 1,
    exported_at: at,
    workspace: 'default',
  });
  for (let i = 0; i < prompts; i++) {
    const id = uuidv7();
    yield JSON.stringify({
      type: 'prompt',
      id,
      name: `${prefix}/p${String(i).padStart(5, '0')}`,
      description: null,
      tags: ['scale'],
      project: null,
      kind: 'chat',
      is_snippet: false,
      metadata: {},
      created_at: at,
      updated_at: at,
    });
    for (let n = 1; n <= versions; n++)
      yield JSON.stringify({
        ...versionRecord(id, uuidv7(), n, '', 'committed', at),
        messages: [
          {
            role: 'system',
            content: `You are helper ${i}, revision ${n}. Answer {{question}} briefly.${guidance}`,
          },
        ],
        input_variables: ['question'],
        provider: 'openai',
        params: { temperature: 0.2 },
        commit_message: `rev ${n}`,
      });
    yield JSON.stringify({
      type: 'label',
      prompt_id: id,
      name: 'production',
      version: versions,
      created_at: at,
      updated_at: at,
    });
    yield JSON.stringify({
      type: 'label_move',
      prompt_id: id,
      label: 'production',
      from_version: null,
      to_version: versions,
      actor: null,
      at,
    });
  }
  yield JSON.stringify({
    type: 'footer',
    prompts,
    versions: prompts * versions,
    labels: prompts,
    label_moves: prompts,
  });
}
