// Every Langfuse route, one per file.
import type { FastifyInstance } from 'fastify';
import create from './create.ts';
import del from './delete.ts';
import get from './get.ts';
import labelsUpdate from './labels-update.ts';
import list from './list.ts';

export const routes: ((app: FastifyInstance) => void)[] = [list, create, get, labelsUpdate, del];
