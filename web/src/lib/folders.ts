// Folders are not stored: they are the `/`-separated prefixes of prompt names ("support/email/reply"
// sits in support → email). Pure functions, so the tree and breadcrumbs are unit-tested.

export interface FolderNode {
  name: string;
  /** Full path without a trailing slash ("support/email"); "" for the root. */
  path: string;
  children: FolderNode[];
  /** Prompts anywhere below this folder. */
  count: number;
}

/** The folder part of a name: everything before its last `/` ("" when there is none). */
export function folderOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i <= 0 ? '' : name.slice(0, i);
}

/** The last segment of a name, shown in a folder's listing. */
export function leafOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? name : name.slice(i + 1);
}

/** The tree of folders over a list of names, children sorted by name; empty segments are skipped. */
export function folderTree(names: readonly string[]): FolderNode {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(folderOf(n), (counts.get(folderOf(n)) ?? 0) + 1);
  return folderTreeFromCounts([...counts].map(([path, count]) => ({ path, count })));
}

/**
 * The tree from folders and the prompts directly in each (as GET /v1/folders answers); a folder's
 * count is everything below it. `rootCount`, when given, is the workspace's total.
 */
export function folderTreeFromCounts(
  folders: readonly { path: string; count: number }[],
  rootCount?: number,
): FolderNode {
  const root: FolderNode = { name: '', path: '', children: [], count: 0 };
  for (const { path: folder, count } of folders) {
    root.count += count;
    const parts = folder.split('/').filter(Boolean);
    let node = root;
    let path = '';
    for (const part of parts) {
      path = path ? `${path}/${part}` : part;
      let child = node.children.find((c) => c.name === part);
      if (!child) {
        child = { name: part, path, children: [], count: 0 };
        node.children.push(child);
      }
      child.count += count;
      node = child;
    }
  }
  if (rootCount !== undefined) root.count = rootCount;
  const sort = (n: FolderNode) => {
    n.children.sort((a, b) => a.name.localeCompare(b.name));
    n.children.forEach(sort);
  };
  sort(root);
  return root;
}

/** Breadcrumbs from the root to a folder path: [{name:'All prompts', path:''}, {name:'a', path:'a'}, …]. */
export function breadcrumbs(path: string): { name: string; path: string }[] {
  const out = [{ name: 'All prompts', path: '' }];
  let acc = '';
  for (const part of path.split('/').filter(Boolean)) {
    acc = acc ? `${acc}/${part}` : part;
    out.push({ name: part, path: acc });
  }
  return out;
}

/** Is `name` inside folder `path` (at any depth)? The root holds everything. */
export function inFolder(name: string, path: string): boolean {
  return path === '' || name.startsWith(`${path}/`);
}
