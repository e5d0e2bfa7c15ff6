'use client';

import { useSyncExternalStore } from 'react';

// One "pause live" switch for the tab: it survives moving between console pages, so a paused
// reader isn't surprised by a list that starts moving again on the next page.
let paused = false;
const listeners = new Set<() => void>();

export function setLivePaused(next: boolean) {
  paused = next;
  for (const l of listeners) l();
}

function subscribe(cb: () => void) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

export function useLivePaused(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => paused,
    () => false,
  );
}
