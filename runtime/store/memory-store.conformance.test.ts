// MemoryStore against the store conformance suite (it is also the suite's reference).
import { MemoryStore } from './memory-store.ts';
import { asyncOf, storeConformance } from './testing/store-conformance.ts';

storeConformance('MemoryStore', async () => {
  const store = new MemoryStore();
  return { store: asyncOf(store), close: async () => store.close() };
});
