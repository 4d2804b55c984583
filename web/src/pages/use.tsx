// Copy to use: ready-to-paste snippets that fetch this prompt by label through the native API and
// through each compatible vendor API or SDK (PromptLayer, Langfuse, Keywords AI, NeMo), and one that
// runs it through the gateway with the OpenAI SDK.
import { useState } from 'react';
import type { Label, Prompt } from '../api/client.ts';
import { useSession } from '../app.tsx';
import { CopyButton } from '../components/ui.tsx';

export function useSnippets(
  prompt: Prompt,
  label: string,
  workspace: string,
  origin: string,
  publicKey: string,
) {
  const n = encodeURIComponent(prompt.name);
  const hex = prompt.id.replace(/-/g, '');
  const py = JSON.stringify(prompt.name);
  const lq = JSON.stringify(label);
  const wsq = workspace !== 'default' ? `&workspace=${encodeURIComponent(workspace)}` : '';
  // The gateway's reference: `latest` is a version there, not a label (no label means production).
  const ref = label === 'latest' ? 'version: "latest"' : `label: ${lq}`;
  const wsRef = workspace !== 'default' ? `, workspace: ${JSON.stringify(workspace)}` : '';
  // Both gateways take the OpenAI SDK; only the base path and the prompt object differ.
  const openaiRun = (baseURL: string, promptObject: string) =>
    `import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: "${baseURL}", apiKey: process.env.LECTERN_KEY });\nconst answer = await client.chat.completions.create({\n  model: "gpt-4o-mini", // used only when the version names no model\n  messages: [],\n  prompt: ${promptObject},\n});\nconsole.log(answer.choices[0].message.content);`;
  const variables = `variables: { /* the template's variables */ }`;
  const langfuseNote = `The Langfuse SDK, pointed at Lectern. LANGFUSE_PUBLIC_KEY is the public key of the key in LECTERN_KEY (the key you signed in with: ${publicKey}).`;
  return [
    {
      id: 'native',
      title: 'Native API (curl)',
      note: `Resolves the version labelled ${label}.`,
      code: `curl -s "${origin}/v1/prompts/${n}/resolve?label=${encodeURIComponent(label)}${wsq}" \\\n  -H "Authorization: Bearer $LECTERN_KEY"`,
    },
    {
      id: 'promptlayer-py',
      title: 'PromptLayer Python SDK',
      note: 'The PromptLayer SDK, pointed at Lectern.',
      code: `import os\nfrom promptlayer import PromptLayer\n\npl = PromptLayer(api_key=os.environ["LECTERN_KEY"], base_url="${origin}")\ntemplate = pl.templates.get(${py}, {"label": ${lq}})`,
    },
    {
      id: 'promptlayer-js',
      title: 'PromptLayer JavaScript SDK',
      note: 'The PromptLayer SDK, pointed at Lectern.',
      code: `import { PromptLayer } from "promptlayer";\n\nconst pl = new PromptLayer({ apiKey: process.env.LECTERN_KEY, baseURL: "${origin}" });\nconst template = await pl.templates.get(${py}, { label: ${lq} });`,
    },
    {
      id: 'langfuse-js',
      title: 'Langfuse JavaScript SDK',
      note: langfuseNote,
      code: `import { LangfuseClient } from "@langfuse/client";\n\nconst langfuse = new LangfuseClient({\n  baseUrl: "${origin}",\n  publicKey: process.env.LANGFUSE_PUBLIC_KEY,\n  secretKey: process.env.LECTERN_KEY,\n});\nconst prompt = await langfuse.prompt.get(${py}, { label: ${lq} });`,
    },
    {
      id: 'langfuse-py',
      title: 'Langfuse Python SDK',
      note: langfuseNote,
      code: `import os\nfrom langfuse import Langfuse\n\nlangfuse = Langfuse(\n    host="${origin}",\n    public_key=os.environ["LANGFUSE_PUBLIC_KEY"],\n    secret_key=os.environ["LECTERN_KEY"],\n)\nprompt = langfuse.get_prompt(${py}, label=${lq})`,
    },
    {
      id: 'keywordsai',
      title: 'Keywords AI (Respan) API',
      note: 'Keywords AI serves the live version: the one labelled production.',
      code: `curl -s "${origin}/api/prompts/${hex}/" \\\n  -H "Authorization: Bearer $LECTERN_KEY"`,
    },
    {
      id: 'nemo',
      title: 'NeMo Platform API',
      note: 'NeMo has no labels or versions: it serves the latest version.',
      code: `curl -s "${origin}/apis/models/v2/workspaces/${encodeURIComponent(workspace)}/prompts/${n}" \\\n  -H "Authorization: Bearer $LECTERN_KEY"`,
    },
    {
      id: 'gateway',
      title: 'Run it: OpenAI SDK through the gateway',
      note: `Lectern renders the version (${label}) with your variables, calls its model with its fallbacks, answers as OpenAI does and logs the run against the version. The server needs a provider (OPENAI_BASE_URL and OPENAI_API_KEY).`,
      code: openaiRun(`${origin}/v1`, `{ name: ${py}, ${ref}${wsRef}, ${variables} }`),
    },
    {
      id: 'keywordsai-gateway',
      title: 'Run it: Keywords AI gateway (OpenAI SDK)',
      note: 'An application written for Keywords AI runs the live version (the one labelled production) the same way, through Keywords AI’s prompt object.',
      code: openaiRun(`${origin}/api/`, `{ prompt_id: "${hex}", ${variables}, override: true }`),
    },
  ];
}

export function UseView({ prompt, labels }: { prompt: Prompt; labels: Label[] }) {
  const s = useSession();
  const names = labels.map((l) => l.name);
  const [label, setLabel] = useState(names.includes('production') ? 'production' : (names[0] ?? 'latest'));
  const snippets = useSnippets(prompt, label, s.workspace, window.location.origin, s.me.public_key);
  return (
    <div className="stack">
      <label className="field narrow">
        <span>Fetch by label</span>
        <select value={label} onChange={(e) => setLabel(e.target.value)}>
          {[...names, ...(names.includes('latest') ? [] : ['latest'])].map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
      </label>
      <p className="muted">Set LECTERN_KEY to an API key of this workspace.</p>
      {snippets.map((sn) => (
        <section key={sn.id} className="card snippet" aria-labelledby={`sn-${sn.id}`}>
          <div className="snippet-head">
            <h2 id={`sn-${sn.id}`}>{sn.title}</h2>
            <CopyButton text={sn.code} label={`Copy ${sn.title} snippet`} />
          </div>
          <p className="muted">{sn.note}</p>
          <pre className="code" tabIndex={0}>
            {sn.code}
          </pre>
        </section>
      ))}
    </div>
  );
}
