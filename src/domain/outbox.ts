// The outbox's SQL lives in src/delivery/outbox-store.ts. This re-export keeps the handlers,
// jobs, bench and tests that import from here working until they import the store.
export { enqueueOutbox, enqueueOutboxMany } from '../delivery/outbox-store.ts';
