// Request groups (PromptLayer `/create-group`) on the native wire: the group, its record count and
// first/last record time, and where its records are listed (`GET /v1/request-logs?group=`).
import { Type, type Static } from '@sinclair/typebox';
import type { RequestGroup } from '../../registry/index.ts';
import { NullableTimestamp, Timestamp, nullable } from '../common/schema.ts';

export const RequestGroupBody = Type.Object(
  {
    id: Type.Integer({ description: 'the group id PromptLayer clients hold (`group_id`)' }),
    workspace_id: Type.String(),
    created_at: Timestamp,
    created_by: nullable(
      Type.String({
        description:
          'id of the API key that made it, as an audit event names its `actor`; key names are in the admin-only `GET /v1/keys`',
      }),
    ),
    request_count: Type.Integer({ description: 'records in the group (queued records once written)' }),
    first_request_at: NullableTimestamp,
    last_request_at: NullableTimestamp,
    request_logs: Type.String({ description: "this group's records: a link to the filtered list" }),
  },
  { description: 'A request group and what its records add up to' },
);

export const RequestGroupPage = Type.Object({
  data: Type.Array(RequestGroupBody),
  next_cursor: nullable(Type.String({ description: 'pass as `cursor` for the next, older page' })),
});

export type RequestGroupT = Static<typeof RequestGroupBody>;
export type RequestGroupPageT = Static<typeof RequestGroupPage>;

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function requestGroupWire(g: RequestGroup): RequestGroupT {
  return {
    id: g.id,
    workspace_id: g.workspaceId,
    created_at: g.createdAt.toISOString(),
    created_by: g.createdBy,
    request_count: g.requestCount,
    first_request_at: isoOrNull(g.firstRequestAt),
    last_request_at: isoOrNull(g.lastRequestAt),
    request_logs: `/v1/request-logs?group=${g.id}`,
  };
}
