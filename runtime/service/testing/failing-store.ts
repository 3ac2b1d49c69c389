// A memory store whose every operation throws a chosen StoreError while one is set: how the
// service tests make a store fail and come back.
import { MemoryStore } from '../../store/memory-store.ts';
import type { OpenedStore } from '../../store/open-store.ts';
import type { Store, StoreError } from '../../store/store.ts';

export function failingStore(): { opened: OpenedStore; fail: (e: StoreError | null) => void } {
  const inner = new MemoryStore();
  let failure: StoreError | null = null;
  const store = new Proxy(inner, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== 'function' || prop === 'close') return v;
      return (...args: unknown[]) => {
        if (failure) throw failure;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as Store;
  return { opened: { kind: 'sync', store, where: 'memory' }, fail: (e) => (failure = e) };
}
