import { describe, expect, it } from 'vitest';
import { Aborter } from './aborter.ts';

describe('Aborter', () => {
  it('runs each listener once, at the first abort, and not after removal', () => {
    const a = new Aborter();
    const calls: string[] = [];
    const gone = () => calls.push('removed');
    a.addEventListener('abort', () => calls.push('one'));
    a.addEventListener('abort', gone);
    a.addEventListener('abort', () => calls.push('two'), { once: true });
    a.removeEventListener('abort', gone);
    expect(a.aborted).toBe(false);
    a.abort();
    a.abort();
    expect(a.aborted).toBe(true);
    expect(calls).toEqual(['one', 'two']);
  });

  it('a listener added after the abort never runs (callers check `aborted` first)', () => {
    const a = new Aborter();
    a.abort();
    let ran = false;
    a.addEventListener('abort', () => (ran = true));
    a.abort();
    expect(ran).toBe(false);
  });
});
