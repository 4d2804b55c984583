// A version's content in snake_case, as the native API, the export format and the CLI's files
// carry it — one mapping both ways, instead of one per writer.
import type {
  Json,
  JsonObject,
  LoadBalanceModel,
  Message,
  TemplateFormat,
  TemplateType,
  VersionContent,
} from './types.ts';

export interface SnakeContent {
  template_type: TemplateType;
  messages: Json[];
  content: Json[] | null;
  template_format: TemplateFormat;
  input_variables: string[];
  variable_defaults: JsonObject;
  model: string | null;
  provider: string | null;
  params: JsonObject;
  response_format: JsonObject | null;
  json_schema: JsonObject | null;
  tools: Json[] | null;
  tool_choice: Json;
  functions: Json[] | null;
  function_call: Json;
  fallback_models: string[] | null;
  load_balance_models: Json[] | null;
  metadata: JsonObject;
  commit_message: string | null;
}

/** Content in snake_case: `content` is the completion's blocks, null for a chat template. */
export const snakeOfContent = (c: VersionContent): SnakeContent => ({
  template_type: c.templateType,
  messages: c.messages as Json[],
  content: c.templateType === 'completion' ? (c.content ?? []) : null,
  template_format: c.templateFormat,
  input_variables: c.inputVariables,
  variable_defaults: c.variableDefaults,
  model: c.model,
  provider: c.provider,
  params: c.params,
  response_format: c.responseFormat,
  json_schema: c.jsonSchema,
  tools: c.tools,
  tool_choice: c.toolChoice,
  functions: c.functions,
  function_call: c.functionCall,
  fallback_models: c.fallbackModels,
  load_balance_models: c.loadBalanceModels as Json[] | null,
  metadata: c.metadata,
  commit_message: c.commitMessage,
});

/** The model's content from its snake_case form (an absent tool_choice / function_call is null). */
export const contentOfSnake = (v: SnakeContent): VersionContent => ({
  templateType: v.template_type,
  messages: v.messages as Message[],
  content: v.content,
  templateFormat: v.template_format,
  inputVariables: v.input_variables,
  variableDefaults: v.variable_defaults,
  model: v.model,
  provider: v.provider,
  params: v.params,
  responseFormat: v.response_format,
  jsonSchema: v.json_schema,
  tools: v.tools,
  toolChoice: v.tool_choice ?? null,
  functions: v.functions,
  functionCall: v.function_call ?? null,
  fallbackModels: v.fallback_models,
  loadBalanceModels: v.load_balance_models as LoadBalanceModel[] | null,
  metadata: v.metadata,
  commitMessage: v.commit_message,
});
