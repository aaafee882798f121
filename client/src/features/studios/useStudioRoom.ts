import { useEffect, useMemo, useSyncExternalStore } from "react";
import { RoomStore } from "./roomStore.ts";

/** The room store of one studio for as long as the page shows it, and its state as React state. */
export function useStudioRoom(studioId: string, meId: string) {
  const store = useMemo(() => new RoomStore(studioId, meId), [studioId, meId]);
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { store, state };
}
