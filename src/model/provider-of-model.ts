// Which provider serves a model, told from the model string alone (specs/runtime.md §5.3). Used
// where a version written by one API carries a model but no provider and another API's client
// needs one (PromptLayer's run() picks its provider SDK by it). Pure and total: anything not
// recognised is taken as OpenAI-compatible, the shape every gateway and local server speaks.

export interface InferredProvider {
  /** PromptLayer's provider name: openai, openai.azure, anthropic, google, mistral, amazon.bedrock. */
  provider: string;
  /** `chat-completions` for the OpenAI family (PromptLayer keys its call table on it), else null. */
  apiType: 'chat-completions' | null;
  /** The model name the provider knows (an `azure/` prefix is the route, not the name). */
  model: string;
  /** True when nothing matched and OpenAI-compatible was assumed. */
  assumed: boolean;
}

const RULES: [RegExp, string][] = [
  [/^(?:gpt-|chatgpt-|o1|o3|o4|text-|davinci|openai\/)/, 'openai'],
  [/^azure\//, 'openai.azure'],
  [/^(?:claude-|anthropic\/)/, 'anthropic'],
  [/^(?:gemini-|gemini\/|google\/)/, 'google'],
  [/^(?:mistral-|mixtral-|codestral-|mistral\/)/, 'mistral'],
  [/^bedrock\//, 'amazon.bedrock'],
];

const OPENAI_FAMILY = new Set(['openai', 'openai.azure']);

export function providerOfModel(model: string): InferredProvider {
  const m = model.trim().toLowerCase();
  for (const [re, provider] of RULES) {
    if (re.test(m)) {
      return {
        provider,
        apiType: OPENAI_FAMILY.has(provider) ? 'chat-completions' : null,
        model: provider === 'openai.azure' ? model.trim().slice('azure/'.length) : model,
        assumed: false,
      };
    }
  }
  return { provider: 'openai', apiType: 'chat-completions', model, assumed: true };
}
