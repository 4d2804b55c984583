// A run answers with the provider's own chat.completion, which routes declare only as a JSON
// object (it is the provider's, passed on as-is). A test reads into it through this check.
export interface ChatCompletionT {
  choices: {
    message: { role: string; content: string | null; [key: string]: unknown };
    [key: string]: unknown;
  }[];
  [key: string]: unknown;
}

/** `body` as a chat.completion, or an error naming what it is instead. */
export function asChatCompletion(body: unknown): ChatCompletionT {
  const choices = (body as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || !choices.every((c) => typeof c?.message?.role === 'string')) {
    throw new Error(`not a chat.completion: ${JSON.stringify(body)?.slice(0, 300)}`);
  }
  return body as ChatCompletionT;
}
