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
    {
      type: 'version',
      id: uuidv7(),
      prompt_id: id,
      number: 1,
      status: 'committed',
      template_type: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      content: null,
      template_format: 'mustache',
      input_variables: [],
      variable_defaults: {},
      model: null,
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
      commit_message: 'imported',
      author: null,
      content_hash: '',
      created_at: at,
      updated_at: at,
      committed_at: at,
    },
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
