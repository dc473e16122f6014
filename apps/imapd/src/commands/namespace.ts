// RFC 9051 §6.3.10 NAMESPACE (RFC 2342): one personal namespace, no others.
import type { CommandModule } from '../context.js';

export const namespace: CommandModule<'NAMESPACE'> = {
  name: 'NAMESPACE',
  states: ['Auth', 'Selected'],
  async handle(session) {
    await session.send({ type: 'NAMESPACE', personal: [{ prefix: '', delimiter: session.delimiter }], other: null, shared: null });
  },
};
