// Rendering for the native API: a stored version with the caller's variables over its defaults,
// or a template sent in the request. Pure: no I/O, errors are TemplateErrors (422).
import {
  extractVariables,
  extractVersionVariables,
  render,
  renderVersionMessages,
  type RenderMode,
  type TemplateFormat,
  type VersionMessage,
} from '../../templates/index.ts';
import type { Version } from '../../model/types.ts';

export function renderVersion(v: Version, variables: Record<string, unknown>, mode: RenderMode) {
  const r = renderVersionMessages({
    messages: v.templateType === 'chat' ? (v.messages as VersionMessage[]) : null,
    content: v.templateType === 'completion' ? (v.content as VersionMessage[] | null) : null,
    defaultFormat: v.templateFormat,
    variableDefaults: v.variableDefaults,
    variables,
    mode,
  });
  return {
    template_type: v.templateType,
    template_format: v.templateFormat,
    messages: r.messages,
    content: r.content,
    model: v.model,
    provider: v.provider,
    params: v.params,
    response_format: v.responseFormat,
    json_schema: v.jsonSchema,
    tools: v.tools,
    tool_choice: v.toolChoice,
    functions: v.functions,
    function_call: v.functionCall,
    fallback_models: v.fallbackModels,
    load_balance_models: v.loadBalanceModels,
    warnings: r.warnings,
    missing: r.missing,
  };
}

/** A single template string: its output and the variables it reads. */
export function renderTemplate(
  format: TemplateFormat,
  template: string,
  variables: Record<string, unknown>,
  mode: RenderMode,
) {
  const vars = extractVariables(format, template);
  const r = render(format, template, variables, { mode });
  return { output: r.output, warnings: r.warnings, missing: r.missing, variables: vars };
}

/** A message list in one default format (messages may name their own template_format). */
export function renderMessages(
  format: TemplateFormat,
  messages: VersionMessage[],
  variables: Record<string, unknown>,
  mode: RenderMode,
) {
  const vars = extractVersionVariables(messages, null, format);
  const r = renderVersionMessages({ messages, defaultFormat: format, variables, mode });
  return { messages: r.messages, warnings: r.warnings, missing: r.missing, variables: vars };
}
