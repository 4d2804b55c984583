// Worker-thread entry of the render pool: one task in, one outcome out (see src/templates/tasks.ts).
import { settle } from '../templates/tasks.ts';

export default settle;
