// The base revision the gate compares with: `--base`, else the merge-base of HEAD with the branch the project integrates into.
import { GIT_MISSING, gitMissing, runGit, type GitRunner } from '../shared/git.js';

/** Branches tried, in order, when `refs/remotes/origin/HEAD` names none: remote-tracking first, so local commits never count. */
export const INTEGRATION_BRANCHES: readonly string[] = ['origin/main', 'origin/master', 'main', 'master'];

/** The chosen base: what git is given (`rev`), how messages name it, and why it is what it is. */
export interface BaseChoice {
  /** Passed to git: the `--base` value, a commit id, or `HEAD`. */
  rev: string;
  /** For messages: `HEAD`, `merge-base of HEAD and origin/main (1a2b3c4)`, or the `--base` value. */
  label: string;
  explicit: boolean;
  /** Commits on the current branch move the base (no integration branch, or HEAD is on it): committing a change accepts it. */
  isHead: boolean;
  /** A warning: no integration branch was found, so the gate compares with HEAD. */
  note?: string;
  /** An explicit base that is not an ancestor of the default one: it moves the base closer to the current commits. */
  moved?: string;
  /** The repository (top folder) and the base commit, or null outside git or when `rev` names no commit. */
  top: string | null;
  sha: string | null;
  /** The integration branch HEAD is checked out on (`main`), or null: then HEAD's own commits move the default base. */
  onIntegrationBranch: string | null;
}

const verify = (git: GitRunner, dir: string, rev: string): string | null => {
  const r = git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], dir);
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
};

/** The repository top, HEAD's commit and branch name (`HEAD` when detached) in one git call; null parts when absent. */
function whereAmI(git: GitRunner, dir: string): { top: string | null; head: string | null; current: string | null } {
  const r = git(['rev-parse', '--show-toplevel', 'HEAD', '--abbrev-ref', 'HEAD', '--'], dir);
  const [top, head, current] = r.stdout.split('\n');
  if (r.status === 0 && top && head && current) return { top, head, current };
  // Before the first commit git prints the top and then fails on HEAD; outside git it prints nothing.
  return { top: r.status === 128 && top ? top : null, head: null, current: null };
}

/** The branch the project integrates into (what `origin/HEAD` points at, else the first of {@link INTEGRATION_BRANCHES} that exists) and its commit. */
function integrationBranch(git: GitRunner, dir: string): { branch: string; sha: string } | null {
  const refs = ['refs/remotes/origin/HEAD', ...INTEGRATION_BRANCHES.map((b) => (b.startsWith('origin/') ? `refs/remotes/${b}` : `refs/heads/${b}`))];
  const r = git(['for-each-ref', '--format=%(refname)%00%(symref)%00%(objectname)', ...refs], dir);
  if (r.status !== 0) return null;
  const found = new Map(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [ref, symref, sha] = l.split('\0');
        return [ref, { symref, sha }] as const;
      }),
  );
  const short = (ref: string) => ref.replace(/^refs\/(heads|remotes)\//, '');
  const head = found.get('refs/remotes/origin/HEAD');
  if (head?.symref) return { branch: short(head.symref), sha: head.sha };
  const ref = refs.slice(1).find((x) => found.has(x));
  return ref ? { branch: short(ref), sha: found.get(ref)!.sha } : null;
}

/**
 * The default base: merge-base of HEAD and the integration branch; null outside git or before the first commit.
 * `follows`: commits on the current branch move the base (no integration branch, or HEAD is on it).
 */
function defaultBase(
  git: GitRunner,
  dir: string,
  at: { head: string; current: string },
): { sha: string; head: string; branch: string | null; follows: boolean } {
  const { head } = at;
  const integration = integrationBranch(git, dir);
  if (!integration) return { sha: head, head, branch: null, follows: true };
  const { branch } = integration;
  // The merge-base of a commit with itself is that commit: no git call when HEAD is the integration branch's tip.
  const mb = integration.sha === head ? { status: 0, stdout: head } : git(['merge-base', 'HEAD', branch], dir);
  const sha = mb.status === 0 ? mb.stdout.trim() : '';
  if (!sha) return { sha: head, head, branch: null, follows: true };
  return { sha, head, branch, follows: at.current === branch };
}

/**
 * Chooses the base revision. `--base REV` is used as given (an unusable one is bad input later); when it is not the
 * default base, `moved` says so: a later base accepts commits the default would not, an older one undoes what was
 * committed since. The default is
 * the merge-base of HEAD with `origin/HEAD`'s branch, `origin/main`, `origin/master`, `main` or `master`, so a
 * commit on the current branch is never its own base; with none of them it is HEAD, with a note.
 */
export function chooseBase(o: { explicit?: string; repoDir: string; git?: GitRunner }): BaseChoice {
  const git = o.git ?? runGit;
  const here = whereAmI(git, o.repoDir);
  const top = here.top;
  const def = here.head && here.current ? defaultBase(git, o.repoDir, { head: here.head, current: here.current }) : null;
  const at = { top, sha: def?.sha ?? null, onIntegrationBranch: def?.follows && def.branch ? def.branch : null };
  if (o.explicit !== undefined) {
    const sha = top && !o.explicit.startsWith('-') ? verify(git, o.repoDir, o.explicit) : null;
    let moved: string | undefined;
    // Any base but the default moves what counts as accepted: a later one accepts commits made since, an older one
    // compares with a gate from before what was committed to the branch since (a scenario or a rule added there).
    if (sha && def && def.branch && sha !== def.sha)
      moved =
        git(['merge-base', '--is-ancestor', sha, def.sha], o.repoDir).status === 1
          ? `\`--base ${o.explicit}\` is not an ancestor of the merge-base of HEAD and ${def.branch} (${def.sha.slice(0, 7)}), so it accepts commits made since`
          : `\`--base ${o.explicit}\` is older than the merge-base of HEAD and ${def.branch} (${def.sha.slice(0, 7)}), so it compares with the gate as it was before what was committed since`;
    return {
      rev: o.explicit,
      label: o.explicit,
      explicit: true,
      isHead: !!sha && sha === def?.head,
      ...(moved ? { moved } : {}),
      top,
      sha,
      onIntegrationBranch: at.onIntegrationBranch,
    };
  }
  // No commit to compare with: messages say so rather than name a HEAD that does not exist.
  const none = top ? 'no commit yet' : gitMissing(o.repoDir, git) ? GIT_MISSING : 'not in a git repository';
  if (!def) return { rev: 'HEAD', label: `nothing (${none}: no change counts as accepted)`, explicit: false, isHead: true, ...at };
  if (!def.branch)
    return {
      rev: 'HEAD',
      label: 'HEAD',
      explicit: false,
      isHead: true,
      ...at,
      note: `no integration branch found (origin/HEAD, ${INTEGRATION_BRANCHES.join(', ')}): the gate compares with HEAD, so committed changes count as accepted; pass --base`,
    };
  if (def.sha === def.head) return { rev: 'HEAD', label: 'HEAD', explicit: false, isHead: def.follows, ...at };
  return { rev: def.sha, label: `merge-base of HEAD and ${def.branch} (${def.sha.slice(0, 7)})`, explicit: false, isHead: def.follows, ...at };
}
