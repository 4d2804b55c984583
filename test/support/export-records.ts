// A minimal valid import body (one prompt with one version and a label), with a fresh id and name.
import { uuidv7 } from '../../src/model/ids.ts';

export function importBody(name: string): string {
  const id = uuidv7();
  const at = new Date().toISOString();
  const records = [
    { type: 'header', format: 'lectern-export', format_version: 1, exported_at: at, workspace: 'default' },
    {
      type: 'prompt',
      id,
      name,
      description: null,
      tags: [],
      project: null,
      kind: 'chat',
      is_snippet: false,
      metadata: {},
      created_at: at,
      updated_at: at,
    },
    { ...versionRecord(id, uuidv7(), 1, 'hi', 'committed', at), model: null, commit_message: 'imported' },
    { type: 'label', prompt_id: id, name: 'production', version: 1, created_at: at, updated_at: at },
    {
      type: 'label_move',
      prompt_id: id,
      label: 'production',
      from_version: null,
      to_version: 1,
      actor: null,
      at,
    },
    { type: 'footer', prompts: 1, versions: 1, labels: 1, label_moves: 1 },
  ];
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** A committed (or draft) chat version record of the export format, for import tests. */
export function versionRecord(
  promptId: string,
  id: string,
  n: number,
  text: string,
  status: 'draft' | 'committed' = 'committed',
  at = '2026-01-01T00:00:00.000Z',
) {
  return {
    type: 'version',
    id,
    prompt_id: promptId,
    number: n,
    status,
    template_type: 'chat',
    messages: [{ role: 'user', content: text }],
    content: null,
    template_format: 'mustache',
    input_variables: [],
    variable_defaults: {},
    model: 'gpt-4o',
    provider: null,
    params: {},
    response_format: null,
    json_schema: null,
    tools: null,
    tool_choice: null,
    functions: null,
    function_call: null,
    fallback_models: null,
    load_balance_models: null,
    metadata: {},
    commit_message: `c${n}`,
    author: null,
    content_hash: '',
    created_at: at,
    updated_at: at,
    committed_at: status === 'committed' ? at : null,
  };
}
