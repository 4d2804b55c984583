// Response serialisers compiled on a route's first answer, not at start: fast-json-stringify
// building every route's serialisers up front was the largest part of a restart (~280 ms of ~1 s
// on a 2-core machine), and grows with every route while a deployment calls few of them.
import { SerializerSelector, type SerializerFactory } from '@fastify/fast-json-stringify-compiler';

export function lazySerializers(factory: SerializerFactory = SerializerSelector()): SerializerFactory {
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data: unknown) => (serialize ??= compile(route))(data);
    };
  };
}
