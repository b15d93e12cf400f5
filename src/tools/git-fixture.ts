// Git history for scratch projects in two git processes (`init`, then one `fast-import` for every commit), not one per step.
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

function git(cwd: string, args: string[], input?: Buffer): void {
  const r = spawnSync('git', args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new PolicyError('git-base', `git ${args[0]} failed in a scratch project: ${(r.stderr || r.error?.message || '').trim()}`);
}

/**
 * Makes `dir` a git repository whose history is `commits`, in order, each on its branch (a branch's first commit
 * starts from the one before it), with HEAD on `head` (a new branch at the last commit when none of them is on it).
 * The work tree is left as it is; no index is written (the gate reads commits, never the index).
 */
export function commitHistory(dir: string, commits: readonly FixtureCommit[], head: string): void {
  git(dir, ['init', '-q', '--template=', `--initial-branch=${head}`]);
  if (commits.length === 0) return;
  const parts: Buffer[] = [];
  const text = (s: string) => parts.push(Buffer.from(s));
  const data = (b: Buffer) => {
    text(`data ${b.length}\n`);
    parts.push(b);
    text('\n');
  };
  const tips = new Set<string>();
  commits.forEach((c, i) => {
    text(`commit refs/heads/${c.branch}\nmark :${i + 1}\ncommitter ${IDENTITY} ${EPOCH + 60 * i} +0000\n`);
    data(Buffer.from(c.message));
    if (i > 0 && !tips.has(c.branch)) text(`from :${i}\n`);
    tips.add(c.branch);
    text('deleteall\n');
    for (const [path, f] of c.files) {
      text(`M ${f.mode} inline ${path}\n`);
      data(f.data);
    }
    text('\n');
  });
  if (!tips.has(head)) text(`reset refs/heads/${head}\nfrom :${commits.length}\n\n`);
  text('done\n');
  git(dir, ['fast-import', '--quiet', '--done'], Buffer.concat(parts));
}
