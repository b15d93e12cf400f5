// Git history for scratch projects written straight into `.git` (loose objects, refs, HEAD), without a git process:
// the gate only reads commits, so no index or work-tree checkout is needed.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PolicyError } from '../shared/errors.js';

/** Every file of a work tree (`.git` left out) as git would record it: path → mode and bytes. */
export type Snapshot = Map<string, { mode: '100644' | '100755'; data: Buffer }>;

/** One commit: the whole tree (`git add -A` of the snapshot), on `branch`, with a fixed time so its id is reproducible. */
export interface FixtureCommit {
  branch: string;
  message: string;
  files: Snapshot;
}

const IDENTITY = 'wg-policy tests <tests@example.invalid>';
/** Commit times: fixed, one minute apart (2023-11-14T22:13:20Z onwards). */
const EPOCH = 1_700_000_000;

/** The files under `dir` (a `.git` there is skipped); only regular files are expected in a scratch project. */
export function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      if (rel === '' && name === '.git') continue;
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && name !== '.gitignore' && !path.includes('\n') && !path.startsWith('"'))
        out.set(path, { mode: st.mode & 0o111 ? '100755' : '100644', data: readFileSync(join(dir, path)) });
      else throw new PolicyError('git-base', `\`${path}\` in a scratch project cannot be committed by the git fixture (only plain files, no .gitignore)`);
    }
  };
  walk('');
  return out;
}

/** Writes one loose object (`<type> <size>\0<content>`, zlib-deflated, named by its sha1) unless it is there; its id. */
function writeObject(gitDir: string, type: 'blob' | 'tree' | 'commit', content: Buffer): Buffer {
  const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
  const id = createHash('sha1').update(raw).digest();
  const hex = id.toString('hex');
  const file = join(gitDir, 'objects', hex.slice(0, 2), hex.slice(2));
  if (!existsSync(file)) {
    mkdirSync(join(gitDir, 'objects', hex.slice(0, 2)), { recursive: true });
    writeFileSync(file, deflateSync(raw));
  }
  return id;
}

type Dir = Map<string, { mode: string; data: Buffer } | Dir>;

/** The tree object of a folder: entries in git's order (UTF-8 bytes; a folder sorts as if its name ended in `/`). */
function writeTree(gitDir: string, dir: Dir): Buffer {
  const key = (name: string) => Buffer.from(dir.get(name) instanceof Map ? `${name}/` : name);
  const names = [...dir.keys()].sort((a, b) => Buffer.compare(key(a), key(b)));
  const parts: Buffer[] = [];
  for (const name of names) {
    const entry = dir.get(name)!;
    const [mode, id] = entry instanceof Map ? ['40000', writeTree(gitDir, entry)] : [entry.mode, writeObject(gitDir, 'blob', entry.data)];
    parts.push(Buffer.from(`${mode} ${name}\0`), id);
  }
  return writeObject(gitDir, 'tree', Buffer.concat(parts));
}

/** A snapshot's paths as nested folders. */
function folders(files: Snapshot): Dir {
  const root: Dir = new Map();
  for (const [path, file] of files) {
    const names = path.split('/');
    let here = root;
    for (const name of names.slice(0, -1)) {
      let next = here.get(name);
      if (!(next instanceof Map)) here.set(name, (next = new Map()));
      here = next;
    }
    here.set(names.at(-1)!, file);
  }
  return root;
}

// What git's check-ref-format refuses in a branch name (and so what could not name a file under refs/heads).
const BAD_REF = /(^|\/)[.-]|\.\.|\/\/|\/$|\.lock(\/|$)|\.$|@\{|^@$|[\x00-\x20\x7f~^:?*[\\]/;

/** Throws `git-base` for a branch name git would refuse. */
function checkBranchName(name: string): void {
  if (name === '' || BAD_REF.test(name))
    throw new PolicyError('git-base', `\`${name}\` cannot name a git branch in a scratch project (git check-ref-format refuses it)`, { key: 'branch' });
}

/**
 * Makes `dir` a git repository whose history is `commits`, in order, each on its branch (a branch's first commit
 * starts from the one before it), with HEAD on `head` (a new branch at the last commit when none of them is on it).
 * The objects are what `git fast-import` makes of the same history (the same commit ids). The work tree is left as
 * it is; no index is written (the gate reads commits, never the index).
 */
export function commitHistory(dir: string, commits: readonly FixtureCommit[], head: string): void {
  for (const branch of [head, ...commits.map((c) => c.branch)]) checkBranchName(branch);
  const gitDir = join(dir, '.git');
  for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags']) mkdirSync(join(gitDir, sub), { recursive: true });
  writeFileSync(join(gitDir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n');
  writeFileSync(join(gitDir, 'HEAD'), `ref: refs/heads/${head}\n`);
  const tips = new Map<string, string>();
  let last = '';
  commits.forEach((c, i) => {
    const parent = tips.get(c.branch) ?? (i > 0 ? last : undefined);
    const who = `${IDENTITY} ${EPOCH + 60 * i} +0000`;
    const text = `tree ${writeTree(gitDir, folders(c.files)).toString('hex')}\n${parent ? `parent ${parent}\n` : ''}author ${who}\ncommitter ${who}\n\n${c.message}`;
    last = writeObject(gitDir, 'commit', Buffer.from(text)).toString('hex');
    tips.set(c.branch, last);
  });
  if (commits.length && !tips.has(head)) tips.set(head, last);
  for (const [branch, id] of tips) {
    mkdirSync(join(gitDir, 'refs', 'heads', ...branch.split('/').slice(0, -1)), { recursive: true });
    writeFileSync(join(gitDir, 'refs', 'heads', branch), `${id}\n`);
  }
}
