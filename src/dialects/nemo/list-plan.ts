// How a NeMo list request's sort becomes the registry's (the filter's SQL form is sql-filter.ts).
import type { PromptListQuery } from '../../registry/index.ts';
import type { PromptSort } from './schemas.ts';

export function sortOf(sort: PromptSort): NonNullable<PromptListQuery['sort']> {
  const desc = sort.startsWith('-');
  return {
    field: (desc ? sort.slice(1) : sort) as 'name' | 'created_at' | 'updated_at',
    dir: desc ? 'desc' : 'asc',
  };
}
