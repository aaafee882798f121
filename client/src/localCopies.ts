/**
 * This browser's local copies of collaborative documents (IndexedDB, written by y-indexeddb).
 *
 * Office PCs in a 社区 are shared, so a local copy is named after the signed-in user: another
 * user signing in on the same browser opens other names and never sees it. Signing out deletes
 * every local copy this app made, whoever made it. The names are also remembered in
 * localStorage, for browsers that cannot list their databases.
 */

const PREFIX = "local-copy:";
const REGISTRY_KEY = "local-copy-names";

function remembered(): string[] {
  try {
    const names: unknown = JSON.parse(localStorage.getItem(REGISTRY_KEY) ?? "[]");
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === "string") : [];
  } catch {
    return [];
  }
}

function remember(names: string[]) {
  try {
    if (names.length === 0) localStorage.removeItem(REGISTRY_KEY);
    else localStorage.setItem(REGISTRY_KEY, JSON.stringify(names));
  } catch {
    // storage full or blocked: listing the databases still finds them
  }
}

/** The IndexedDB name of one user's local copy of one document, e.g. `local-copy:<user>:proposal:<id>`. */
export function localCopyName(userId: string, docName: string): string {
  const name = `${PREFIX}${userId}:${docName}`;
  const known = remembered();
  if (!known.includes(name)) remember([...known, name]);
  return name;
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((done) => {
    const request = indexedDB.deleteDatabase(name);
    // An editor still open in this tab holds the database until it closes it; the deletion then
    // completes on its own, so a blocked request is not waited for.
    request.onsuccess = request.onerror = request.onblocked = () => done();
  });
}

/** Deletes every local copy in this browser (at sign-out). Never rejects. */
export async function clearLocalCopies(): Promise<void> {
  const names = new Set(remembered());
  try {
    for (const db of await indexedDB.databases()) if (db.name?.startsWith(PREFIX)) names.add(db.name);
  } catch {
    // indexedDB.databases() is missing in some older browsers: the registry is all we have
  }
  await Promise.all([...names].map(deleteDatabase));
  remember([]);
}
