// Native request bodies onto the canonical model, and path parameters onto registry references.
import type { Json, JsonObject, LoadBalanceModel, Message, VersionContent } from '../../model/types.ts';
import { isUuid } from '../../model/ids.ts';
import type { PromptRef, VersionSelector } from '../../registry/index.ts';
import type { VersionBodyT } from './schemas.ts';

/** `:prompt` is a UUID, an integer seq, or a name (URL-encoded). */
export function promptRef(param: string, workspace?: string): PromptRef {
  if (isUuid(param)) return { id: param.toLowerCase() };
  if (/^[1-9][0-9]{0,15}$/.test(param)) return { seq: Number(param) };
  return { name: param, workspace };
}

export function versionSelector(v: number | 'latest'): VersionSelector {
  return v === 'latest' ? { latest: true } : { number: v };
}

export function versionContent(b: VersionBodyT): Partial<VersionContent> {
  const c: Partial<VersionContent> = {
    templateType: b.template_type,
    messages: b.messages as Message[] | undefined,
    content: b.content as Json[] | null | undefined,
    templateFormat: b.template_format,
    inputVariables: b.input_variables,
    variableDefaults: b.variable_defaults as JsonObject | undefined,
    model: b.model,
    provider: b.provider,
    params: b.params as JsonObject | undefined,
    responseFormat: b.response_format as JsonObject | null | undefined,
    jsonSchema: b.json_schema as JsonObject | null | undefined,
    tools: b.tools as Json[] | null | undefined,
    toolChoice: b.tool_choice as Json | undefined,
    functions: b.functions as Json[] | null | undefined,
    functionCall: b.function_call as Json | undefined,
    fallbackModels: b.fallback_models,
    loadBalanceModels: b.load_balance_models as LoadBalanceModel[] | null | undefined,
    metadata: b.metadata as JsonObject | undefined,
    commitMessage: b.commit_message,
  };
  if (c.templateType === 'completion' && c.content === undefined) c.content = [];
  return c;
}

/** Query lists arrive repeated (`?tags=a&tags=b`) or comma-separated (`?tags=a,b`); both work. */
export function splitList(values: string[]): string[] {
  return [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

/** The prompt fields a create or an update body carries, in the registry's names. */
export function promptFieldsOf(b: {
  description?: string | null | undefined;
  tags?: string[] | undefined;
  project?: string | null | undefined;
  is_snippet?: boolean | undefined;
  metadata?: unknown;
}) {
  return {
    description: b.description,
    tags: b.tags,
    project: b.project,
    isSnippet: b.is_snippet,
    metadata: b.metadata as never,
  };
}
