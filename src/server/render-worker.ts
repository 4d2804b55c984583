// Worker-thread entry of the render pool: one task in, one outcome out (see src/templates/tasks.ts).
// Objects whose key order JavaScript cannot hold cross the thread marked (json-order.ts).
import { fromTransferable, toTransferable } from '../model/json-order.ts';
import { settle, type RenderTask } from '../templates/tasks.ts';

export default (task: RenderTask) => toTransferable(settle(fromTransferable(task) as RenderTask));
