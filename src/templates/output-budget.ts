// Text built before a render — PromptLayer snippets expanded into a template — counts against the
// same output bound as the render itself: a template that could never render within its budget is
// refused when it is built, and building it never allocates more than the bound (nested snippets
// multiply: 100 characters × 500 × 500 is 25 million before any variable is rendered).
import { DEFAULT_MAX_OUTPUT_CHARS } from './engine.ts';
import { renderLimitError } from './errors.ts';

export class OutputBudget {
  private used = 0;

  constructor(readonly maxChars: number = DEFAULT_MAX_OUTPUT_CHARS) {}

  /** Throws `render_limit` when a piece of `have + adding` characters would exceed the bound. */
  fits(have: number, adding: number, what: string): void {
    if (have + adding > this.maxChars) {
      throw renderLimitError(`${what} would exceed ${this.maxChars} characters`);
    }
  }

  /** Counts a finished piece towards the total of all pieces (every text slot of a version). */
  spend(chars: number, what: string): void {
    this.fits(this.used, chars, what);
    this.used += chars;
  }
}
