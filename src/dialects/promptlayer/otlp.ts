// OTLP/HTTP traces (`POST /v1/traces`, runtime.md §1 row 8): what PromptLayer's Python SDK
// exports instead of `/spans-bulk`. A request is an `ExportTraceServiceRequest` in protobuf
// (`application/x-protobuf`) or in OTLP's JSON mapping (`application/json`: lowerCamelCase field
// names, trace and span ids as hex, enums as integers, 64-bit integers as decimal strings or
// numbers). Both are turned into the span shape `/spans-bulk` takes, so the two store spans alike.
//
// The protobuf decoder is protobufjs (the library the OpenTelemetry JS exporters were built on)
// over the messages of opentelemetry-proto's collector/trace/v1, trace/v1, resource/v1 and
// common/v1, as declared below with their field numbers: only the messages a trace export carries.
// A span without a valid trace or span id is not stored and is counted as rejected (OTLP's
// partial success); a body that cannot be decoded at all is a 400.
import protobuf from 'protobufjs';
import type { Json, JsonObject } from '../../model/types.ts';
import { badRequest } from '../../model/errors.ts';

const PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope {
  string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4;
}
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12;
  repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link {
    bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5; fixed32 flags = 6;
  }
}
message Status { string message = 2; int32 code = 3; }
message AnyValue {
  oneof value {
    string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
`;

const root = protobuf.parse(PROTO).root;
const Request = root.lookupType('otlp.ExportTraceServiceRequest');
const Response = root.lookupType('otlp.ExportTraceServiceResponse');

/** Spans one export may carry (the SDK's batch processor sends 512 at most by default). */
export const MAX_SPANS = 10_000;
/** Nesting of attribute values kept (arrays and key-value lists inside each other). */
const MAX_DEPTH = 8;

const KINDS = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** A field by its JSON name or its proto name (receivers take both; the spec asks for camelCase). */
const field = (o: Record<string, unknown>, camel: string, snake: string): unknown => o[camel] ?? o[snake];
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The decoded export: spans in `/spans-bulk`'s shape, and how many were rejected and why. */
export interface OtlpExport {
  spans: JsonObject[];
  rejected: number;
  reason: string | null;
}

/** Decodes a protobuf `ExportTraceServiceRequest`; a body that is not one is a 400. */
export function decodeProtobuf(body: Uint8Array): OtlpExport {
  let msg: protobuf.Message;
  try {
    msg = Request.decode(body);
  } catch {
    throw badRequest('the body is not an OTLP ExportTraceServiceRequest (protobuf)');
  }
  const obj = Request.toObject(msg, { longs: String, bytes: Array, defaults: false });
  return fromExport(obj, 'bytes');
}

/** Reads an OTLP/JSON `ExportTraceServiceRequest` (already parsed). */
export function decodeJson(body: unknown): OtlpExport {
  if (!isObj(body)) throw badRequest('the body is not an OTLP ExportTraceServiceRequest (JSON)');
  return fromExport(body, 'hex');
}

/** The answer OTLP/HTTP expects, in the request's own encoding. */
export function exportResponse(r: OtlpExport, as: 'protobuf'): Uint8Array;
export function exportResponse(r: OtlpExport, as: 'json'): JsonObject;
export function exportResponse(r: OtlpExport, as: 'protobuf' | 'json'): Uint8Array | JsonObject {
  const partial = r.rejected ? { rejectedSpans: r.rejected, errorMessage: r.reason ?? '' } : null;
  if (as === 'json')
    // proto3's JSON mapping writes an int64 as a decimal string.
    return partial ? { partialSuccess: { ...partial, rejectedSpans: String(r.rejected) } } : {};
  return Response.encode(Response.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

function fromExport(body: Record<string, unknown>, ids: 'bytes' | 'hex'): OtlpExport {
  const spans: JsonObject[] = [];
  let rejected = 0;
  let total = 0;
  for (const rs of list(field(body, 'resourceSpans', 'resource_spans'))) {
    if (!isObj(rs)) continue;
    const resource = isObj(rs['resource']) ? attributes(rs['resource']['attributes']) : {};
    for (const ss of list(field(rs, 'scopeSpans', 'scope_spans'))) {
      if (!isObj(ss)) continue;
      const scope = isObj(ss['scope']) ? ss['scope'] : {};
      for (const s of list(ss['spans'])) {
        if (++total > MAX_SPANS) throw badRequest(`an export may carry at most ${MAX_SPANS} spans`);
        const span = isObj(s) ? spanOf(s, ids, resource, scope) : null;
        if (span) spans.push(span);
        else rejected++;
      }
    }
  }
  return {
    spans,
    rejected,
    reason: rejected ? `${rejected} span(s) without a valid trace_id and span_id were not stored` : null,
  };
}

/** An id as lowercase hex, or null when it is not `bytes` long (all zeros is no id either). */
function idOf(v: unknown, ids: 'bytes' | 'hex', bytes: number): string | null {
  let hex: string | null = null;
  if (ids === 'bytes' && Array.isArray(v) && v.length === bytes)
    hex = Buffer.from(v as number[]).toString('hex');
  if (ids === 'hex' && typeof v === 'string' && v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v))
    hex = v.toLowerCase();
  return hex && /[^0]/.test(hex) ? hex : null;
}

/** Nanoseconds as the decimal string `/spans-bulk` takes (numbers and strings both come in JSON). */
function nanos(v: unknown): string | null {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return v;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v)).toString();
  return null;
}

function spanOf(
  s: Record<string, unknown>,
  ids: 'bytes' | 'hex',
  resource: JsonObject,
  scope: Record<string, unknown>,
): JsonObject | null {
  const traceId = idOf(field(s, 'traceId', 'trace_id'), ids, 16);
  const spanId = idOf(field(s, 'spanId', 'span_id'), ids, 8);
  if (!traceId || !spanId) return null;
  const status = isObj(s['status']) ? s['status'] : {};
  const code = typeof status['code'] === 'number' ? status['code'] : 0;
  const kind = typeof s['kind'] === 'number' ? s['kind'] : 0;
  const attrs = attributes(s['attributes']);
  if (typeof scope['name'] === 'string' && scope['name']) attrs['otel.scope.name'] = scope['name'];
  return {
    name: typeof s['name'] === 'string' ? s['name'] : '',
    context: {
      trace_id: traceId,
      span_id: spanId,
      trace_state: String(field(s, 'traceState', 'trace_state') ?? ''),
    },
    kind: `SpanKind.${KINDS[kind] ?? 'INTERNAL'}`,
    parent_id: idOf(field(s, 'parentSpanId', 'parent_span_id'), ids, 8),
    start_time: nanos(field(s, 'startTimeUnixNano', 'start_time_unix_nano')),
    end_time: nanos(field(s, 'endTimeUnixNano', 'end_time_unix_nano')),
    status: {
      status_code: `StatusCode.${STATUS[code] ?? 'UNSET'}`,
      ...(typeof status['message'] === 'string' && status['message']
        ? { description: status['message'] }
        : {}),
    },
    attributes: attrs,
    resource: { attributes: resource, schema_url: '' },
  };
}

/** OTLP key-values as a plain object (later keys win, as the spec's uniqueness rule allows). */
function attributes(kvs: unknown, depth = 0): JsonObject {
  const out: JsonObject = {};
  for (const kv of list(kvs)) {
    if (!isObj(kv) || typeof kv['key'] !== 'string') continue;
    out[kv['key']] = anyValue(kv['value'], depth);
  }
  return out;
}

function anyValue(v: unknown, depth: number): Json {
  if (!isObj(v) || depth > MAX_DEPTH) return null;
  const s = field(v, 'stringValue', 'string_value');
  if (typeof s === 'string') return s;
  const b = field(v, 'boolValue', 'bool_value');
  if (typeof b === 'boolean') return b;
  const i = field(v, 'intValue', 'int_value');
  if (typeof i === 'number') return i;
  if (typeof i === 'string' && /^-?\d+$/.test(i)) return Number.isSafeInteger(Number(i)) ? Number(i) : i;
  const d = field(v, 'doubleValue', 'double_value');
  if (typeof d === 'number') return d;
  if (typeof d === 'string' && d.trim() !== '' && Number.isFinite(Number(d))) return Number(d);
  const a = field(v, 'arrayValue', 'array_value');
  if (isObj(a)) return list(a['values']).map((x) => anyValue(x, depth + 1));
  const kv = field(v, 'kvlistValue', 'kvlist_value');
  if (isObj(kv)) return attributes(kv['values'], depth + 1);
  const bytes = field(v, 'bytesValue', 'bytes_value');
  if (Array.isArray(bytes)) return Buffer.from(bytes as number[]).toString('base64');
  if (typeof bytes === 'string') return bytes; // JSON: already base64
  return null;
}
