import fs from 'node:fs';
import path from 'node:path';

/**
 * The backend's layout as a newcomer relies on it: no import cycle between files, nor between
 * the folders of src/ (routes -> services -> jobs -> stores, never back). Sizes of files and
 * functions are held by the package's lint rules.
 */

const SRC = __dirname;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === '__testUtils__' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
      ? [full]
      : [];
  });
}

/** The files of src/ that `file` imports (type-only imports too: a reader follows them). */
function localImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']*)'/g),
    ...text.matchAll(/import\(\s*'(\.[^']*)'\s*\)/g),
  ].map(m => m[1]);
  return specifiers.flatMap(specifier => {
    const base = path.resolve(path.dirname(file), specifier);
    const found = [
      `${base}.ts`,
      `${base}.tsx`,
      path.join(base, 'index.ts'),
    ].find(candidate => fs.existsSync(candidate));
    return found ? [found] : [];
  });
}

/** The cycles of a graph, as the strongly connected components with more than one node. */
function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    lowlinks.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlinks.set(node, Math.min(lowlinks.get(node)!, lowlinks.get(next)!));
      } else if (onStack.has(next)) {
        lowlinks.set(node, Math.min(lowlinks.get(node)!, indices.get(next)!));
      }
    }
    if (lowlinks.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

const folderOf = (file: string) => {
  const relative = path.relative(SRC, file);
  // A file at the root of src/ (plugin.ts, services.ts) is a unit of its own.
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : relative;
};

describe('the backend source layout', () => {
  const files = sourceFiles(SRC);
  const fileGraph = new Map(
    files.map(file => [file, new Set(localImports(file))]),
  );

  it('finds the files it checks', () => {
    expect(files.length).toBeGreaterThan(40);
    const routes = path.join(SRC, 'routes', 'index.ts');
    expect([...fileGraph.get(routes)!]).toContain(
      path.join(SRC, 'routes', 'apps.ts'),
    );
  });

  it('has no import cycle between files', () => {
    const cycles = cyclesOf(fileGraph).map(c =>
      c.map(f => path.relative(SRC, f)),
    );
    expect(cycles).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    const folderGraph = new Map<string, Set<string>>();
    /** One importing file per folder edge, to name it when a cycle is found. */
    const witness = new Map<string, string>();
    for (const [file, imports] of fileGraph) {
      const from = folderOf(file);
      if (!folderGraph.has(from)) folderGraph.set(from, new Set());
      for (const imported of imports) {
        const to = folderOf(imported);
        if (to === from) continue;
        folderGraph.get(from)!.add(to);
        witness.set(`${from} -> ${to}`, path.relative(SRC, file));
      }
    }
    const explained = cyclesOf(folderGraph).map(members =>
      [...witness]
        .filter(([edge]) => {
          const [from, to] = edge.split(' -> ');
          return members.includes(from) && members.includes(to);
        })
        .map(([edge, file]) => `${edge} (${file})`),
    );
    expect(explained).toEqual([]);
  });

  it('sees a cycle when there is one', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cyclesOf(graph)).toEqual([['a', 'b', 'c']]);
  });
});
