// The UI's API types, derived from the generated OpenAPI types (schema.d.ts, from the server's own
// route schemas): a field the server renames or drops is a type error here, not a blank in the
// browser. Where the server deliberately leaves a field free-form (user-authored JSON it writes
// as-is: messages, tools, …) or types an enumerated string as `string`, the UI narrows it — the
// `Narrow` rows below are the only shapes written by hand.
import type { components, operations } from './schema';

type S = components['schemas'];
export type Json200<O extends keyof operations> = operations[O] extends {
  responses: { 200: { content: { 'application/json': infer R } } };
}
  ? R
  : never;
/** Replace some fields of a generated type (the rest stay as generated). */
export type Narrow<T, N extends { [K in keyof T]?: unknown }> = Omit<T, keyof N> & N;

export type Role = 'admin' | 'editor' | 'viewer';
export type TemplateFormat = 'mustache' | 'jinja2' | 'f-string';

export interface Message {
  role: string;
  content?: unknown;
  [k: string]: unknown;
}

export type Workspace = S['NativeWorkspace'];
export type Me = Narrow<Json200<'whoAmI'>, { role: Role }>;
export type Prompt = Narrow<S['NativePrompt'], { kind: 'chat' | 'completion' }>;
export type Version = Narrow<
  S['NativeVersion'],
  {
    status: 'draft' | 'committed';
    template_type: 'chat' | 'completion';
    template_format: TemplateFormat;
    messages: Message[];
    content: unknown[] | null;
    response_format: Record<string, unknown> | null;
    json_schema: Record<string, unknown> | null;
    tools: unknown[] | null;
    functions: unknown[] | null;
    fallback_models: string[] | null;
    load_balance_models: { model: string; weight: number }[] | null;
  }
>;
export type Label = S['NativeLabel'];
export type LabelMove = S['NativeLabelMove'];
export type ApiKey = Narrow<S['NativeApiKey'], { role: Role }>;
export type AuditEvent = S['NativeAuditEvent'];
export type Pagination = S['NativePagination'];

export interface Page<T> {
  data: T[];
  pagination: Pagination;
}

export type RenderResult = Narrow<Json200<'renderTemplate'>, { messages?: Message[] | null }>;
export type RenderedVersion = Narrow<
  Json200<'renderPrompt'>,
  { messages: Message[] | null; content: unknown[] | null }
>;
export type Folders = Json200<'listFolders'>;
