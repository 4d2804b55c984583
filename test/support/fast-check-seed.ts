// Property tests explore new inputs on every local run; CI pins the seed (LECTERN_FC_SEED) so a
// landing is judged on the code, not on the draw. A failure prints its seed to replay it either way.
import fc from 'fast-check';

const seed = process.env.LECTERN_FC_SEED;
if (seed !== undefined && seed !== '') fc.configureGlobal({ seed: Number(seed) });
