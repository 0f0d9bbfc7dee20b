import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { createRouter, RouterOptions } from './routes';

/**
 * The READMEs' reference tables against the code they describe, so a route, a config key or a
 * package added without its row fails here rather than surprising a reader:
 *
 * - the API tables (header `method and path`) of the root README and of this package's README
 *   list exactly the router's routes;
 * - the root README's configuration table lists exactly the `slipway` keys of every config.d.ts;
 * - the root README's package table lists exactly the folders of plugins/ and packages/.
 */

const REPO = path.resolve(__dirname, '../../..');
const read = (relative: string) =>
  fs.readFileSync(path.join(REPO, relative), 'utf8');

type Table = { header: string[]; rows: string[][] };

/** A row's cells; a `|` inside backticks or escaped as `\|` belongs to its cell. */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 1; i < line.length; i++) {
    const c = line[i];
    if (c === '`') inCode = !inCode;
    if (c === '|' && !inCode && line[i - 1] !== '\\') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  return cells;
}

function tablesOf(markdown: string): Table[] {
  const tables: Table[] = [];
  let lines: string[] = [];
  for (const line of [...markdown.split('\n'), '']) {
    if (line.startsWith('|')) {
      lines.push(line);
      continue;
    }
    if (lines.length >= 2) {
      const [header, , ...rows] = lines.map(cellsOf);
      tables.push({ header, rows });
    }
    lines = [];
  }
  return tables;
}

/** The text between a `## heading` and the next heading of the same level. */
function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no section "## ${heading}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

function tableIn(markdown: string, heading: string, firstColumn: string) {
  const table = tablesOf(sectionOf(markdown, heading)).find(
    t => t.header[0] === firstColumn,
  );
  if (!table) throw new Error(`"## ${heading}" has no "${firstColumn}" table`);
  return table;
}

const codeSpans = (cell: string) =>
  [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1]);

/** `get /apps/:name`: method in lower case as express keeps it; parameters named as in code. */
type Route = string;

/** Every route of an express router, however deeply its sub-routers nest. */
function routesOf(router: { stack: any[] }): Route[] {
  return router.stack.flatMap((layer: any): Route[] => {
    if (layer.route) {
      return Object.keys(layer.route.methods)
        .filter(m => m !== '_all')
        .map(method => `${method} ${layer.route.path}`);
    }
    return layer.handle?.stack ? routesOf(layer.handle) : [];
  });
}

/**
 * The routes a cell names: code spans like `GET /apps/:name/logs?tail=N`, the query left out
 * (query notes such as `(?dryRun=true)` are spans of their own and name no route).
 */
function routesIn(cell: string): Route[] {
  return codeSpans(cell).flatMap(span => {
    const m = /^(GET|POST|PUT|PATCH|DELETE) (\/[^?\s]*)/.exec(span);
    return m ? [`${m[1].toLowerCase()} ${m[2]}`] : [];
  });
}

const apiTables = (markdown: string) =>
  tablesOf(markdown).filter(t => t.header[0] === 'method and path');

/** The router's routes, built without a database: route files only keep the services. */
async function servedRoutes(): Promise<Route[]> {
  const router = await createRouter({
    logger: mockServices.logger.mock(),
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions(),
    store: {},
  } as unknown as RouterOptions);
  return routesOf(router as unknown as { stack: any[] });
}

describe('the README API tables', () => {
  let served: Route[];
  beforeAll(async () => {
    served = await servedRoutes();
  });

  it('walks a router with its routes', () => {
    // Without this, an empty walk would make both directions below pass trivially.
    expect(served).toEqual(
      expect.arrayContaining(['get /health', 'post /apps/deploy']),
    );
    expect(new Set(served).size).toBe(served.length);
  });

  it.each(['README.md', 'plugins/slipway-backend/README.md'])(
    '%s lists every route, and only routes that exist',
    file => {
      const documented = apiTables(read(file)).flatMap(t =>
        t.rows.flatMap(row => routesIn(row[0])),
      );
      expect([...documented].sort()).toEqual([...served].sort());
    },
  );

  it('names the route file that declares each route of the root README', () => {
    const table = tableIn(read('README.md'), 'The API', 'method and path');
    const fileColumn = table.header.findIndex(h => h.includes('routes/'));
    const misplaced = table.rows.flatMap(row => {
      const file = codeSpans(row[fileColumn])[0];
      const source = read(`plugins/slipway-backend/src/routes/${file}`);
      return routesIn(row[0]).filter(route => {
        const [method, routePath] = route.split(' ');
        return !source.includes(`router.${method}('${routePath}'`);
      });
    });
    expect(misplaced).toEqual([]);
  });
});

/**
 * The `slipway` keys of a config.d.ts as dotted paths, each a section (an object of keys) or a
 * leaf. An array of objects is a section too, its items' keys written without `[]`:
 * `slipway.hosts.owner` is the `owner` of every entry of `slipway.hosts`. A type that is an
 * object or something else (`{ minutes } | string`) is a leaf.
 */
function configKeys(source: string): Map<string, 'section' | 'leaf'> {
  const file = ts.createSourceFile(
    'config.d.ts',
    source,
    ts.ScriptTarget.ES2022,
  );
  const keys = new Map<string, 'section' | 'leaf'>();
  const objectOf = (type?: ts.TypeNode): ts.TypeLiteralNode | undefined => {
    if (!type) return undefined;
    if (ts.isTypeLiteralNode(type)) return type;
    if (ts.isArrayTypeNode(type)) return objectOf(type.elementType);
    if (ts.isTypeReferenceNode(type) && type.typeName.getText(file) === 'Array')
      return objectOf(type.typeArguments?.[0]);
    return undefined;
  };
  const walk = (
    members: ts.NodeArray<ts.TypeElement | ts.ClassElement>,
    prefix: string,
  ) => {
    for (const member of members) {
      if (!ts.isPropertySignature(member)) continue;
      const key = `${prefix}${member.name.getText(file)}`;
      if (prefix === '' && key !== 'slipway') continue;
      const object = objectOf(member.type);
      keys.set(key, object ? 'section' : 'leaf');
      if (object) walk(object.members, `${key}.`);
    }
  };
  ts.forEachChild(file, node => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === 'Config')
      walk(node.members, '');
  });
  return keys;
}

function declaredConfig(): Map<string, 'section' | 'leaf'> {
  const keys = new Map<string, 'section' | 'leaf'>();
  for (const dir of ['plugins', 'packages']) {
    for (const name of fs.readdirSync(path.join(REPO, dir))) {
      const file = path.join(dir, name, 'config.d.ts');
      if (!fs.existsSync(path.join(REPO, file))) continue;
      for (const [key, kind] of configKeys(read(file))) keys.set(key, kind);
    }
  }
  return keys;
}

/**
 * What the configuration table documents. A key cell holds one full key and, after it,
 * siblings by their last name only (`slipway.iac.workDir`, `modulePath`). Rows of other
 * Backstage keys (`backend.database`) are not Slipway's and are left out. A row whose key is a
 * section documents the keys of the section that its last column names in code spans (the
 * `slipway.policy` row names `allowedRegions`, ...), each with everything under it.
 */
function documentedConfig(declared: Map<string, 'section' | 'leaf'>) {
  const table = tableIn(read('README.md'), 'Configuration', 'key');
  const keys: string[] = [];
  const covered = new Set<string>();
  for (const row of table.rows) {
    const [first, ...siblings] = codeSpans(row[0]);
    if (!first?.startsWith('slipway.')) continue;
    const parent = first.slice(0, first.lastIndexOf('.') + 1);
    for (const key of [first, ...siblings.map(s => parent + s)]) {
      keys.push(key);
      if (declared.get(key) !== 'section') covered.add(key);
      else
        for (const name of codeSpans(row[row.length - 1]))
          if (declared.has(`${key}.${name}`)) covered.add(`${key}.${name}`);
    }
  }
  const isCovered = (key: string) =>
    [...covered].some(c => key === c || key.startsWith(`${c}.`));
  return { keys, isCovered };
}

describe('the README configuration table', () => {
  const declared = declaredConfig();
  const { keys, isCovered } = documentedConfig(declared);

  it('reads keys on both sides', () => {
    expect(declared.get('slipway.deploy.keepImages')).toBe('leaf');
    expect(declared.get('slipway.hosts')).toBe('section');
    expect(declared.get('slipway.hosts.hostKey')).toBe('leaf');
    expect(keys).toContain('slipway.deploy.keepImages');
  });

  it('documents only keys some config.d.ts declares', () => {
    expect(keys.filter(key => !declared.has(key))).toEqual([]);
  });

  it('documents every key config.d.ts declares', () => {
    const leaves = [...declared]
      .filter(([, k]) => k === 'leaf')
      .map(([n]) => n);
    expect(leaves.filter(key => !isCovered(key))).toEqual([]);
  });
});

describe('the README package table', () => {
  const table = tableIn(read('README.md'), 'What is in the box', 'folder');
  const workspaces = ['plugins', 'packages'].flatMap(dir =>
    fs
      .readdirSync(path.join(REPO, dir))
      .filter(name => fs.existsSync(path.join(REPO, dir, name, 'package.json')))
      .map(name => `${dir}/${name}`),
  );
  const nameOf = (folder: string): string =>
    JSON.parse(read(`${folder}/package.json`)).name;
  const rows = table.rows.map(row => ({
    folders: codeSpans(row[0]).filter(s => /^(plugins|packages)\//.test(s)),
    packages: codeSpans(row[1]),
  }));

  it('lists every workspace folder, and only those', () => {
    expect(workspaces.length).toBeGreaterThan(0);
    expect(rows.flatMap(r => r.folders).sort()).toEqual(workspaces.sort());
  });

  it("names each folder's published package (the portal's own are unscoped and unnamed)", () => {
    for (const { folders, packages } of rows) {
      const scoped = folders.map(nameOf).filter(name => name.startsWith('@'));
      expect(packages).toEqual(scoped);
    }
  });
});
