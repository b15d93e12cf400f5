// auditConfigFrom: the [policy] audit keys of config.toml, valid shapes and one clear error per bad value.
import { describe, expect, test } from '@jest/globals';
import { parse } from 'smol-toml';
import type { PolicyError } from '../../src/shared/errors.js';
import { auditConfigFrom } from '../../src/audit/config.js';

const FILE = '.wg/config.toml';

const valid: { note: string; toml: string; want: unknown }[] = [
  { note: 'no [policy] table', toml: '[dispatcher]\nexecutor = "claude"', want: { replaceDefault: false, transports: [] } },
  { note: 'other [policy] keys pass through', toml: '[policy]\ndirs = ["x"]', want: { replaceDefault: false, transports: [] } },
  {
    note: 'every transport type',
    toml: `[policy]
audit_log = "audit/decisions.jsonl"
[[policy.audit_transports]]
type = "file"
maxsize = 1048576
maxFiles = 10
tailable = true
[[policy.audit_transports]]
type = "file"
filename = "/var/log/wg/copy.jsonl"
[[policy.audit_transports]]
type = "http"
host = "audit.example.org"
port = 8443
path = "/ingest"
ssl = true
[[policy.audit_transports]]
type = "stream"
stream = "stderr"
[[policy.audit_transports]]
type = "console"`,
    want: {
      path: 'audit/decisions.jsonl',
      replaceDefault: false,
      transports: [
        { type: 'file', maxsize: 1048576, maxFiles: 10, tailable: true },
        { type: 'file', filename: '/var/log/wg/copy.jsonl' },
        { type: 'http', host: 'audit.example.org', port: 8443, path: '/ingest', ssl: true },
        { type: 'stream', stream: 'stderr' },
        { type: 'console' },
      ],
    },
  },
  {
    note: 'replace the default file',
    toml: '[policy]\naudit_replace_default = true\n[[policy.audit_transports]]\ntype = "http"\nhost = "h"',
    want: { replaceDefault: true, transports: [{ type: 'http', host: 'h' }] },
  },
];

const invalid: { note: string; toml: string; key: string; message: RegExp }[] = [
  { note: 'policy not a table', toml: 'policy = 3', key: 'policy', message: /must be a table/ },
  { note: 'audit_log not a string', toml: '[policy]\naudit_log = 5', key: 'policy.audit_log', message: /must be a string, not number 5/ },
  { note: 'empty audit_log', toml: '[policy]\naudit_log = ""', key: 'policy.audit_log', message: /must not be empty/ },
  {
    note: 'unknown transport type',
    toml: '[[policy.audit_transports]]\ntype = "kafka"',
    key: 'policy.audit_transports[0].type',
    message: /one of `file`, `http`, `stream`, `console`, not `kafka`/,
  },
  {
    note: 'port out of range',
    toml: '[[policy.audit_transports]]\ntype = "http"\nhost = "h"\nport = 70000',
    key: 'policy.audit_transports[0].port',
    message: /at most 65535/,
  },
  {
    note: 'maxsize not positive',
    toml: '[[policy.audit_transports]]\ntype = "file"\nmaxsize = 0',
    key: 'policy.audit_transports[0].maxsize',
    message: /must be greater than 0/,
  },
  {
    note: 'maxsize a float',
    toml: '[[policy.audit_transports]]\ntype = "file"\nmaxsize = 1.5',
    key: 'policy.audit_transports[0].maxsize',
    message: /must be a whole number/,
  },
  {
    note: 'misspelt key',
    toml: '[[policy.audit_transports]]\ntype = "file"\nmaxfiles = 3',
    key: 'policy.audit_transports[0].maxfiles',
    message: /unknown key `maxfiles`.*did you mean `maxFiles`/,
  },
  {
    note: 'http without host',
    toml: '[[policy.audit_transports]]\ntype = "http"',
    key: 'policy.audit_transports[0].host',
    message: /`policy.audit_transports\[0\].host` is required/,
  },
  {
    note: 'tailable without maxFiles',
    toml: '[[policy.audit_transports]]\ntype = "file"\ntailable = true',
    key: 'policy.audit_transports[0].tailable',
    message: /needs `maxFiles`/,
  },
  {
    note: 'stream to stdout',
    toml: '[[policy.audit_transports]]\ntype = "stream"\nstream = "stdout"',
    key: 'policy.audit_transports[0].stream',
    message: /cannot be `stdout`/,
  },
  {
    note: 'two file transports for the log itself',
    toml: '[[policy.audit_transports]]\ntype = "file"\n[[policy.audit_transports]]\ntype = "file"\nmaxsize = 9',
    key: 'policy.audit_transports[1]',
    message: /second file transport/,
  },
  {
    note: 'replace_default with nothing instead',
    toml: '[policy]\naudit_replace_default = true',
    key: 'policy.audit_replace_default',
    message: /no `audit_transports`/,
  },
  { note: 'replace_default not a boolean', toml: '[policy]\naudit_replace_default = "yes"', key: 'policy.audit_replace_default', message: /must be a boolean/ },
];

describe('auditConfigFrom', () => {
  test.each(valid)('reads $note', ({ toml, want }) => {
    expect(auditConfigFrom(parse(toml), FILE)).toEqual(want);
  });

  test.each(invalid)('rejects $note', ({ toml, key, message }) => {
    let error: unknown;
    try {
      auditConfigFrom(parse(toml), FILE);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'audit-config', file: FILE, key });
    expect((error as Error).message).toMatch(message);
    expect((error as PolicyError).format()).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}: `));
  });
});
