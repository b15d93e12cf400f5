// Credentials a command line carries by the place of a word in it: key material after a flag that names a credential
// (`--api-key VALUE`), and a password in its program's own form (`curl -u user:password`, `sshpass -p`, `mysql -p…`).
import { looksLikeKey, namesCredential } from './credential-scan.js';

/** A command line's words, with the shell's command separators (`;`, `&&`, `|`, `$(`…) as words of their own. */
export const shellWords = (text: string): string[] => (SHELL_SEPARATOR.test(text) ? text.replace(/[;&|()`]+/g, ' ; ') : text).trim().split(/\s+/);

const SHELL_SEPARATOR = /[;&|()`]/;

const SEPARATOR = /^[;&|()`]+$/;

const unquote = (word: string): string => word.replace(/^["']|["']$/g, '');

/**
 * The index of the word that carries a credential by its place among the words of one command line (or argv): key
 * material (see looksLikeKey) right after a flag that names a credential (`--api-key VALUE`), or a password in one of
 * PASSWORD_FORMS (the flag's own word when the password is glued to it); -1 when none does.
 */
export function credentialWord(words: readonly string[]): number {
  let named = 0; // bit f set: PASSWORD_FORMS[f]'s program was named earlier in this command
  let prompts = false; // the command is a client whose `--password` asks for the password
  let atCommand = true; // the word is the command's name: first, after a separator, or after COMMAND_PREFIX words
  for (let i = 0; i < words.length; i++) {
    const word = unquote(words[i]);
    if (SEPARATOR.test(word)) {
      named = 0;
      prompts = false;
      atCommand = true;
      continue;
    }
    const next = i + 1 < words.length ? unquote(words[i + 1]) : undefined;
    const flag = /^--?([A-Za-z][\w.-]*)$/.exec(word);
    if (flag && next !== undefined && namesCredential(flag[1]) && looksLikeKey(next) && !(prompts && flag[1] === 'password')) return i + 1;
    for (let f = 0; named !== 0 && f < PASSWORD_FORMS.length; f++) {
      if ((named & (1 << f)) === 0) continue;
      const form = PASSWORD_FORMS[f];
      const glued = form.glued?.exec(word)?.[1];
      if (glued !== undefined && isPassword(form, glued)) return i;
      if (next !== undefined && form.separate?.test(word)) {
        if (isPassword(form, words[i + 1])) return i + 1;
      } else if (form.optionsOnly && !word.startsWith('-') && !form.separate?.test(unquote(words[i - 1] ?? ''))) named &= ~(1 << f);
    }
    if (i > 0 && NAMING_OPTION.test(unquote(words[i - 1]))) continue; // `--name mysql`: a name, not the program
    if (PASSWORD_PROGRAMS.test(word)) PASSWORD_FORMS.forEach((form, f) => form.programs.test(word) && (named |= 1 << f));
    if (atCommand) prompts = PROMPTING_CLIENTS.test(word);
    atCommand &&= COMMAND_PREFIX.test(word);
  }
  return -1;
}

/** Words a command's name may follow: a wrapper that runs it, or an environment assignment. */
const COMMAND_PREFIX = /^(sudo|env|exec|command|time|nice|nohup|doas|-\S*|[A-Za-z_]\w*=\S*)$/;

/** An option whose value is a name (`docker run --name mysql`, `--hostname`), which may be a program's. */
const NAMING_OPTION = /^--[\w-]*name$/;

/** Clients whose `--password` takes no value (it asks for the password: `psql --password appdb`, `mysql --password db`). */
const PROMPTING_CLIENTS = /(^|\/)(psql|pg_dump|pg_dumpall|pg_restore|pgbench|mysql[\w-]*|mariadb[\w-]*)$/;

/**
 * A password given on a program's command line in the program's own form. Each is read only after the program's name
 * in the same command: for other programs the same flag means something else (`rsync -u`, `sort -u`, `docker -u`,
 * `ssh -p`, `mkdir -p`, `ffmpeg -pass`).
 */
interface PasswordForm {
  programs: RegExp;
  /** The flag whose next argument holds the password. */
  separate?: RegExp;
  /** The flag and value in one argument; the group is the value. */
  glued?: RegExp;
  /** The password within the value, if the value holds one. */
  password: (value: string) => string | undefined;
  /** The form is the program's only up to its first operand (`sshpass -p … ssh host mkdir -p …`). */
  optionsOnly?: boolean;
}

const afterColon = (v: string) => (v.indexOf(':') > 0 ? v.slice(v.indexOf(':') + 1) : undefined);
const whole = (v: string) => v;

const PASSWORD_FORMS: readonly PasswordForm[] = [
  // curl: `-u user:password` (also in a bundle, `-su`), `-uuser:password`, `--user=user:password`; the proxy's `-U` /
  // `--proxy-user` likewise
  {
    programs: /(^|\/)curl$/,
    // (a bundle holds only curl's options that take no value before `u`: `-HUser-Agent:…` is a header)
    separate: /^(-[sSfLkviIgGaBjJlORZnq0-9]*[uU]|--user|--proxy-user)$/,
    glued: /^(?:-[sSfLkviIgGaBjJlORZnq0-9]*?[uU]|--user=|--proxy-user=)(.+)$/,
    password: afterColon,
  },
  // wget: `--user`, `--http-user` and `--proxy-user` name a user (its `-U` is the user agent), so `user:password` there
  // is a password an agent wrote all the same
  { programs: /(^|\/)wget$/, separate: /^--(user|http-user|proxy-user)$/, glued: /^--(?:user|http-user|proxy-user)=(.+)$/, password: afterColon },
  // sshpass: `-p password`, `-ppassword`, before the command it runs
  { programs: /(^|\/)sshpass$/, separate: /^-p$/, glued: /^-p(.+)$/, password: whole, optionsOnly: true },
  // MySQL and MariaDB clients: `-ppassword` (a separate word after `-p` is the database, the password prompted for)
  { programs: /(^|\/)(mysql|mariadb)[\w-]*$/, glued: /^-p(.+)$/, password: whole },
  // openssl: `-pass pass:password` (also -passin, -passout, `--pass`, `-pass=…`), `-k password`, `-K hexkey`
  {
    programs: /(^|\/)openssl$/,
    separate: /^--?(pass|passin|passout)$/,
    glued: /^--?(?:pass|passin|passout)=(.+)$/,
    password: (v) => (v.startsWith('pass:') ? v.slice(5) : undefined),
  },
  { programs: /(^|\/)openssl$/, separate: /^--?[kK]$/, glued: /^--?[kK]=(.+)$/, password: whole },
];

/** Any of PASSWORD_FORMS' programs (most words are none: one test before looking for which). */
const PASSWORD_PROGRAMS = new RegExp(`(?:${PASSWORD_FORMS.map((f) => f.programs.source).join('|')})`);

/** Whether `value`, as written (quotes kept), holds a password in `form`; single-quoted, a `$` in it is no variable. */
function isPassword(form: PasswordForm, value: string): boolean {
  const password = form.password(unquote(value));
  return password !== undefined && looksLikeKey(password, value.startsWith("'"));
}
