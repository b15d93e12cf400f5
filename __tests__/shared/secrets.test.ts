// The credential detector: secret-named keys, and credentials in URLs (userinfo, query, matrix) found and masked.
import { describe, expect, test } from '@jest/globals';
import * as fc from 'fast-check';
import { MASK } from '../../src/shared/mask-values.js';
import { sized } from '../support/stress.js';
import {
  carriesCredential,
  containsKey,
  credentialArgument,
  hasCredentials,
  keyPathNamesSecret,
  maskCredentials,
  maskShown,
  maskUrlCredentials,
  namesSecret,
  paramNamesSecret,
  paramValueIsSecret,
  spellingsOf,
  userinfoHoldsSecret,
} from '../../src/shared/secrets.js';
import { eachCredentialHeader, hasUserinfo, headerHoldsSecret, isProseHeading, looksLikeKey, namedCredential } from '../../src/shared/credential-scan.js';

describe('namesSecret', () => {
  test.each([
    'key',
    'api_key',
    'API_KEY',
    'apiKey',
    'token',
    'X-Token',
    'client_secret',
    'password',
    'Passwd',
    'credentials',
    'Authorization',
    'api_key_file',
    'api_key_env',
    'api_key_ref',
    'db_pass',
    'db_pw',
    'DB_PASS_PROD',
    'SMTP_PASS2',
    'user-pwd',
    'pass_word',
    'passphrase',
  ])('%s names a secret', (name) => {
    expect(namesSecret(name)).toBe(true);
  });
  test.each([
    'name',
    'model',
    'url',
    'provider',
    'executor',
    'is_default',
    'bypass',
    'passthrough',
    'compass',
    'pwdx',
    'pwm',
    'PWD',
    'pass',
    'pw',
    'pass_through',
    '',
  ])('%j does not', (name) => {
    expect(namesSecret(name)).toBe(false);
  });
});

describe('keyPathNamesSecret', () => {
  test.each([
    ['llm_endpoints.endpoints[0].api_key', true],
    ['llm_endpoints.endpoints[0].url', false],
    ['auth.token', true],
    ['tokens[3]', true],
    ['secrets.list[0].value', true],
    ['dispatcher.model', false],
    ['', false],
  ])('%j → %s', (path, want) => {
    expect(keyPathNamesSecret(path)).toBe(want);
  });
});

describe('hasCredentials', () => {
  test.each([
    { note: 'user and password', url: 'https://user:pw@api.example.com/v1', want: true },
    { note: 'a lone token as userinfo', url: 'https://sk-123@api.example.com', want: true },
    { note: 'upper-case scheme and host', url: 'HTTPS://USER:PW@HOST/v1', want: true },
    { note: 'a secret query parameter', url: 'https://h/v1?api_key=abc', want: true },
    { note: 'an upper-case secret query parameter', url: 'https://h/v1?API_KEY=abc', want: true },
    { note: 'a mixed-case parameter after another', url: 'https://h/v1?model=x&Access_Token=abc', want: true },
    { note: 'a matrix parameter', url: 'https://h/v1;password=abc', want: true },
    { note: 'an upper-case matrix parameter', url: 'https://h/v1;PASSWORD=abc', want: true },
    { note: 'a short password parameter (found by an adversarial pass)', url: 'https://h.example/v1?user=svc&pass=Hunter2Hunter2x', want: true },
    { note: 'a pwd parameter', url: 'https://h/v1?pwd=abc', want: true },
    { note: 'a word that holds pass is not one', url: 'https://h/v1?bypass=1&passthrough=yes', want: false },
    { note: 'inside longer text', url: 'see http://u:p@h for details', want: true },
    { note: 'a plain URL', url: 'https://api.anthropic.com', want: false },
    { note: 'a harmless query parameter', url: 'https://h/v1?model=gpt&stream=true', want: false },
    { note: 'a secret parameter without a value', url: 'https://h/v1?api_key=', want: false },
    { note: 'an @ in the path is not userinfo', url: 'https://h/users/@me', want: false },
    { note: 'an email address is not a URL', url: 'mail me at user@example.com', want: false },
    { note: 'empty', url: '', want: false },
    // What a URL parser reads as userinfo although the text has no `scheme://` before it (found in review).
    { note: 'one slash', url: 'https:/user:pw@host/v1', want: true },
    { note: 'no slash', url: 'https:user:pw@host/v1', want: true },
    { note: 'backslashes', url: 'https:\\\\user:pw@host/v1', want: true },
    { note: 'a newline inside the userinfo', url: 'https://user:pw\npart@host/v1', want: true },
    { note: 'a tab inside the userinfo', url: 'https://user:pw\tpart@host/v1', want: true },
    { note: 'a percent-encoded secret parameter name', url: 'https://h/v1?k%65y=abc', want: true },
    { note: 'an @ in the path of a one-slash URL', url: 'https:/host/users/@me', want: false },
  ])('$note: $url → $want', ({ url, want }) => {
    expect(hasCredentials(url)).toBe(want);
  });

  test('empty userinfo carries no credential', () => {
    expect(hasCredentials('https://@host/v1')).toBe(false);
    expect(maskUrlCredentials('https://@host/v1')).toBe('https://@host/v1');
  });

  test('answers the same on repeated calls (no global regex state)', () => {
    const url = 'https://u:p@h';
    expect([hasCredentials(url), hasCredentials(url), hasCredentials(url)]).toEqual([true, true, true]);
  });
});

describe('carriesCredential and credentialArgument (arguments, env values, command lines)', () => {
  test.each([
    '--api-key=sk-S3cret99',
    'apiKey=sk-S3cret99',
    'api-key: sk-S3cret99',
    '-HAuthorization: Bearer x',
    '--header=Authorization=Bearer sk-S3cret99',
    '{"Authorization": "Bearer sk-S3cret99"}',
    'OPENAI_API_KEY=sk-proj-1234abcd make',
    'my-cli --api-key sk-S3cret99 run',
    'curl --token "sk-S3cret99" https://h',
    'AUTH_TOKEN=ghp_0123456789',
    'https://u:p@h',
    'DB_PASS=Hunter2Hunter2 make',
    'unlock --passphrase=Hunter2Hunter2',
    'unlock --pass-phrase=Hunter2Hunter2',
    'curl -u svc:Hunter2Hunter2 https://h',
    'PGPASSWORD=Secr3tPass12 psql',
    'wget --user "svc:Hunter2Hunter2" https://h',
    'curl https://h.example/v1?pass=Hunter2Hunter2',
    // each program's own password form, after its name (found in review)
    'curl -usvc:Hunter2Hunter2 https://h',
    '/usr/bin/curl --user=svc:Hunter2Hunter2 https://h',
    'sshpass -p Hunter2Hunter2 ssh host',
    'sshpass -pHunter2Hunter2 ssh host',
    'mysql -uroot -pHunter2Hunter2 app',
    'mysqldump --password=Hunter2Hunter2 app',
    'openssl enc -aes-256-cbc -pass pass:Hunter2Hunter2 -in a',
    'openssl rsa -passin pass:Hunter2Hunter2 -in key.pem',
    'openssl enc -k Hunter2Hunter2 -in a',
    // found by the adversarial pass: bundles, the proxy user, quoting, shell punctuation, more clients, openssl spellings
    'curl -su svc:Hunter2Hunter2 https://h',
    'curl -sSfu svc:Hunter2Hunter2 https://h',
    'curl -U svc:Hunter2Hunter2 https://h',
    "'curl' -u svc:Hunter2Hunter2 https://h",
    '"/usr/bin/curl" --proxy-user svc:Hunter2Hunter2 https://h',
    'echo hi;curl -u svc:Hunter2Hunter2 https://h',
    'x=$(curl -u svc:Hunter2Hunter2 https://h)',
    'echo hi|sshpass -p Hunter2Hunter2 ssh host',
    'mysqlimport -pHunter2Hunter2 db f.csv',
    'mariadb-dump -pHunter2Hunter2 db',
    "mysql '-pHunter2Hunter2' db",
    'openssl enc -pass=pass:Hunter2Hunter2 -in a',
    'openssl enc --pass pass:Hunter2Hunter2 -in a',
    'openssl enc -aes-128-cbc -K 00112233445566778899aabbccddeeff -in a',
    // the same forms with the secret itself still carry one
    'curl -H "Authorization: Bearer sk-live-0123456789" https://h',
    'curl -H "Authorization: ghp_0123456789abcdef" https://h',
    'curl -H "X-Api-Key: sk-live-0123456789" https://h',
    'git clone https://oauth2:glpat-0123456789@gitlab.com/acme/api.git',
    'git clone https://ghp_0123456789abcdef@github.com/acme/api.git',
    'git clone ssh://deploy:Hunter2Hunter2@h/acme/api.git',
    'curl "https://h/api?key=AIzaSy0123456789"',
    'curl "https://bucket.s3.amazonaws.com/o?X-Amz-Signature=abc0123456789"',
    'psql "postgresql://app:Hunter2Hunter2@db/app"',
    'mysql -u root --password=Hunter2Hunter2 db',
    'docker login --password Hunter2Hunter2 registry',
    'auth:Hunter2Hunter2',
    'auth=Hunter2Hunter2',
    // a review found these let through by the first cut of the rules above: a variable glued to the key, a command
    // substitution that prints one, single quotes (nothing expands), base64 that starts with `/`, more key names
    'curl -H "Authorization: Bearer ${X}sk-proj-abc123def456" https://h',
    'git clone https://${X}ghp_abc123def456ghi789@github.com/o/r',
    'curl "https://h/v1?api_key=$(echo AIzaSyA1234567890)"',
    "mysql -p'$ecr3tPw1' db",
    "sshpass -p '$ecr3tPw1' ssh host",
    'AWS_SECRET_ACCESS_KEY=/wJalrXUtnFEMI/K7MDENG/bPxRfiCY1EXAMPLEKEY',
    'curl "https://api.cognitive.microsoft.com/x?subscription-key=0123456789abcdef"',
    'curl -H "X-Auth-Key: 0123456789abcdef" https://api.cloudflare.com',
    '{"auth": "dXNlcjpnaHBfMDEyMzQ1Njc4OQ=="}',
    'echo "auth: ghp_0123456789abcdef" > cfg.yml',
    'tool --engine mysql --password Tr0ub4dor99',
    'git clone git+https://ghp0123456789abcdef@github.com/o/r',
    // the value the output guard sees in JSON (`\u0001` ends it) must be refused as written too (found in review)
    'Authorization: abc12345678\u0001://x',
  ])('%p carries one', (text) => {
    expect(carriesCredential(text)).toBe(true);
  });

  // Words after a credential's name are not key material (found in review: these refused ordinary tasks and args).
  test.each([
    '--max-tokens 4096',
    '--sort-key name',
    '--keyboard=us',
    'make test',
    'model=claude:opus',
    'TOKEN_LIMIT=5',
    '--author me',
    'https://h/v1',
    'token-count: 3',
    '',
    'Fix auth: login fails',
    'cargo test auth::login',
    'Token: rotate on expiry',
    'Password: reset flow broken',
    'Document the --token flag in README',
    'grep -rn password: config/',
    'npm test -- --grep "cookie: parse"',
    'make test SECRET_KEY=test',
    'export TOKEN=$GITHUB_TOKEN_2024',
    '--secret file.txt',
    // PWD is the working directory, a bare --pass or --pwd a flag of many tools (found in review: these were refused)
    'PWD=/srv/app2 make test',
    'tool --pwd=/tmp/build2',
    'ffmpeg -pass 2 -i in.mp4 out.mp4',
    'cfg pass_through=Hunter2Hunter2',
    'curl -u svc https://h',
    'ssh -u deploy:web host',
    // -u is rsync's, sort's and docker's too (found in review)
    'rsync -u host:/srv/backup2024/ ./backup',
    'sort -u logs/2024:part1.txt',
    'docker run -u root:docker2024 img',
    // the same flags for other programs, or a form that holds no password
    'ssh -p 22022022 host',
    'sort -uk2 logs/2024:part1.txt',
    'mysql -p app2024db',
    'mysql -p$MYSQL_PASSWORD app',
    'openssl rsa -passin env:KEY_PASS2024 -in key.pem',
    'openssl rsa -passin file:/run/secrets/pass2024 -in key.pem',
    'tar -pczf backup2024.tgz src',
    // a form is its program's only within one command (found by the adversarial pass)
    'wget -q https://h/a.tar && rsync -u host:/srv/backup2024/ ./backup',
    'curl -fsSL https://x.sh | sh && docker run -u root:docker2024 img',
    'openssl x509 -in c.pem -noout && curl -k https://localhost:8443/health',
    'sshpass -e ssh host mkdir -p /srv/app/releases/2024',
    "sshpass -f pw ssh host 'mkdir -p /var/www/v2/static'",
    'wget -U Mozilla/5.0:x86_64Linux https://h',
    // ordinary task commands a false-positive hunt found refused (each names or points at a secret kept elsewhere, or
    // is no secret at all)
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/me',
    'curl -H "x-api-key: $ANTHROPIC_API_KEY" https://api.anthropic.com/v1/models',
    'curl -H "Authorization: token ${GITHUB_TOKEN}" https://api.github.com/user',
    'curl -H "Authorization: Bearer $(gh auth token)" https://api.github.com/user',
    'curl -H "X-Idempotency-Key: 7f3c9a2b-2024" https://h',
    'curl -H "X-Keycloak-Realm: acme2" https://h',
    'git commit -m "Authorization: check scopes before write"',
    'git clone ssh://git@github.com/acme/api.git',
    'pip install git+ssh://git@github.com/org/private-pkg.git@v1.0.3',
    'psql postgresql://app@db.internal:5432/app',
    'redis-cli -u redis://default@localhost:6379/0 PING',
    'skopeo inspect docker://alpine@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b',
    'git clone https://oauth2:$GITLAB_TOKEN@gitlab.com/acme/api.git',
    'git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf https://github.com/',
    'curl "https://h/api?sort_key=created_at2"',
    'curl "https://h/search?keyword=router2024&max_tokens=256&tokenizer=cl100k_base"',
    'mongosh "mongodb://localhost:27017/app?authSource=admin2&authMechanism=SCRAM-SHA-256"',
    'curl "https://h/?token=$TOKEN"',
    'helm install pg bitnami/postgresql --set auth.existingSecret=pg-secret-v2',
    'export GOOGLE_APPLICATION_CREDENTIALS=/secrets/gcp/acme-prod-123456.json',
    'export DB_PASSWORD=op://prod/db2/password',
    'aws_secret=arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db',
    'ansible all -m ping --private-key ~/.ssh/id_ed25519_2024',
    'ansible-vault view --ask-vault-pass group_vars/prod2/vault.yml',
    'adduser --disabled-password runner01',
    'psql -h db.internal -U app --password appdb_2024',
    'mysql -u root --password analytics_2024',
    'docker run -d --name mysql -p3306:3306 mysql:8',
    'curl -HUser-Agent:curl/8.5.0 https://httpbin.org/headers',
    "git commit -m 'auth: OAuth2.1 migration'",
  ])('%p carries none', (text) => {
    expect(carriesCredential(text)).toBe(false);
  });

  test('the scan stays linear however often a program is named (found by the adversarial pass: 2.4 s at 64 KiB)', () => {
    const text = `${'curl '.repeat(50_000)}-u svc:Hunter2Hunter2`;
    expect(carriesCredential(text)).toBe(true);
  });

  test('literal text (config, an executor TOML) has no variables: `$NAME` there is part of a value', () => {
    for (const text of ['https://svc:$ecretP4ss@h/v1', 'https://h/?token=$ecretP4ss', 'Authorization: Bearer $ecretP4ss'])
      expect([text, hasCredentials(text), hasCredentials(text, true), carriesCredential(text, true)]).toEqual([text, false, true, true]);
    expect(credentialArgument(['curl', '-H', 'X-Api-Key: $ecretP4ss1'], true)).toBe(2);
    expect(credentialArgument(['curl', '-H', 'X-Api-Key: $ecretP4ss1'])).toBe(-1);
  });

  test('credentialArgument names the argument, or the key after a credential flag', () => {
    expect(credentialArgument(['claude', '--api-key', 'sk-S3cret99'])).toBe(2);
    expect(credentialArgument(['claude', '--verbose', '--token=sk-S3cret99'])).toBe(2);
    expect(credentialArgument(['claude', '--token', '--verbose'])).toBe(-1); // a flag, not a value, follows
    expect(credentialArgument(['claude', '--max-tokens', '4096'])).toBe(-1);
    expect(credentialArgument(['curl', '-usvc:Hunter2Hunter2', 'https://h'])).toBe(1); // glued: the argument itself
    expect(credentialArgument(['sshpass', '-p', 'Hunter2Hunter2', 'ssh', 'h'])).toBe(2);
    expect(credentialArgument(['ssh', '-p', '22022022', 'h'])).toBe(-1);
    expect(credentialArgument(['sshpass', '-e', 'ssh', 'h', 'mkdir', '-p', '/srv/2024/x'])).toBe(-1);
    for (const args of [
      ['claude', '--no-auth', 'run'],
      ['claude', '--auth', 'none'],
      ['x', '--secret', 'file.txt'],
      ['x', '-p', 'Please handle the auth: flow'],
    ])
      expect([args, credentialArgument(args)]).toEqual([args, -1]);
  });
});

describe('maskUrlCredentials', () => {
  test.each([
    { note: 'password after the user', text: 'https://user:pw@h/v1', want: `https://user:${MASK}@h/v1` },
    { note: 'a lone token', text: 'https://sk-123@h', want: `https://${MASK}@h` },
    { note: 'secret query parameters only', text: 'https://h/?api_key=abc&model=x&TOKEN=t', want: `https://h/?api_key=${MASK}&model=x&TOKEN=${MASK}` },
    { note: 'matrix parameters', text: 'https://h/p;password=abc;v=1', want: `https://h/p;password=${MASK};v=1` },
    { note: 'every URL in a text', text: 'a http://u:p@x b https://t@y', want: `a http://u:${MASK}@x b https://${MASK}@y` },
    { note: 'upper case', text: 'HTTPS://U:P@H/?SECRET=s', want: `HTTPS://U:${MASK}@H/?SECRET=${MASK}` },
    { note: 'a plain URL is unchanged', text: 'https://api.anthropic.com/v1', want: 'https://api.anthropic.com/v1' },
    { note: 'plain text is unchanged', text: 'key = value', want: 'key = value' },
    { note: 'an empty secret parameter is unchanged', text: 'https://h/?token=', want: 'https://h/?token=' },
  ])('$note', ({ text, want }) => {
    expect(maskUrlCredentials(text)).toBe(want);
  });

  test('gives what the regex replaces it stands for give (userinfo, parameters, then headers for maskShown), on random text', () => {
    // The masking as regex replaces: the code finds userinfo from each `://` and tests cheaply whether parameters or
    // headers can occur at all before running their patterns (faster on long output such as `plan --all`).
    const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'`\\]+)@/gi;
    const PARAM = /([?&;#])([^=&;#\s?/"'`\\]+)=([^&;#\s"'`\\]*)/g;
    const HEADER = /(?<![\w-])(?:proxy-)?authorization\s*:\s*[^\s"'`\\]+|(?<![\w-])x-[\w-]*(?:key|token|secret|auth)[\w-]*\s*:\s*[^\s"'`\\]+/i;
    const HEADER_VALUE =
      /((?<![\w-])(?:proxy-)?authorization\s*:\s*)(?:(bearer|basic|token)\s+)?([^\s"'`\\]+)|((?<![\w-])x-[\w-]*(?:key|token|secret|auth)[\w-]*\s*:\s*)([^\s"'`\\]+)/gi;
    // Which matches hold a secret is the predicates' to say, the same for both: the scanning is what is compared.
    const urlsByRegex = (text: string) =>
      !text.includes('://') && !/[?&;#][^=\s]*=/.test(text)
        ? text
        : text
            .replace(USERINFO, (all, scheme: string, info: string) =>
              !userinfoHoldsSecret(info, scheme.slice(0, -3))
                ? all
                : `${scheme}${info.includes(':') ? `${info.slice(0, info.indexOf(':') + 1)}${MASK}` : MASK}@`,
            )
            .replace(PARAM, (all, sep: string, name: string, value: string, at: number, whole: string) =>
              paramValueIsSecret(whole, at + all.length - value.length, value) && paramNamesSecret(name) ? `${sep}${name}=${MASK}` : all,
            );
    const shownByRegex = (text: string) => {
      const urls = urlsByRegex(text);
      if (!HEADER.test(urls)) return urls;
      return urls.replace(
        HEADER_VALUE,
        (all, auth: string | undefined, scheme: string | undefined, authValue: string | undefined, x: string | undefined, xValue: string | undefined) => {
          const value = (authValue ?? xValue)!;
          if (!headerHoldsSecret(value, { start: 0, head: (auth ?? x)!, scheme, value: [0, value.length] })) return all;
          return auth !== undefined ? `${auth}${scheme ? `${scheme} ` : ''}${MASK}` : `${x}${MASK}`;
        },
      );
    };
    const unit = fc.constantFrom(
      ...'ab:/@?#&;=.-+_ 1Z*\t\u00a0\u2028\u3000\ufeff"é\'`\\',
      ':',
      '//',
      '://',
      '***',
      'http',
      'token',
      'key',
      'x-',
      'X-Api-',
      'Authorization',
      'proxy-',
      ': ',
      'bearer ',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        expect(maskUrlCredentials(text)).toBe(urlsByRegex(text));
        expect(maskShown(text)).toBe(shownByRegex(text));
      }),
      { numRuns: sized(4_000, 20_000) },
    );
    for (const text of ['x-https://a@b', '_https://a@b', '1https://a@b', 'é.https://u:p@h', 'a://***@h', 'https://a@b://c@d', 'h://@x', 'https://a b@c'])
      expect(maskUrlCredentials(text)).toBe(urlsByRegex(text));
    for (const text of ['a?token=1', 'a?/token=1', '?=1', 'h/?k;token=t', 'prefix-x-token: 1', 'x-token: 1', '-x-token: 1', 'AUTHORIZATION: Basic z'])
      expect(maskShown(text)).toBe(shownByRegex(text));
  });

  test('masking keeps JSON valid: a userinfo or parameter value ends at a quote or a backslash (found in review)', () => {
    for (const v of ['report?token=', 'x?token=S3cret', 'https://u:p@h', 'a?api_key=v"q', 'https://x', 'a@b', 'c:\\d?key=1'])
      expect(() => JSON.parse(maskShown(JSON.stringify({ task: v, list: [v, 'a@b'] })))).not.toThrow();
    expect(JSON.parse(maskShown(JSON.stringify({ id: 'x?token=S3cret' }))).id).toBe(`x?token=${MASK}`);
    const unit = fc.constantFrom(...'ab:/@?#&;=.-_ "\\\'`', '://', 'token', 'key', 'Authorization: ', 'bearer ');
    fc.assert(
      fc.property(fc.array(fc.string({ unit, maxLength: 30 }), { maxLength: 4 }), (values) => {
        expect(() => JSON.parse(maskShown(JSON.stringify(values)))).not.toThrow();
      }),
      { numRuns: sized(2_000, 20_000) },
    );
  });

  test('masking is idempotent', () => {
    const once = maskUrlCredentials('https://user:pw@h/?api_key=abc;token=t');
    expect(maskUrlCredentials(once)).toBe(once);
    expect(once).not.toMatch(/pw|abc|=t\b/);
  });
});

describe('headers, fragments and free text (issue 10)', () => {
  test.each([
    ['a fragment token', 'https://h/cb#access_token=abc123', true],
    ['a signed URL', 'https://h/o?sig=abc123', true],
    ['an auth parameter', 'https://h/v1?auth=abc123', true],
    ['an Authorization header', 'Authorization: Bearer abc123', true],
    ['an x-api-key header inside text', 'sent `X-Api-Key: abc123` to it', true],
    ['an author parameter', 'https://h/v1?author=bob', false],
    ['plain text', 'the key of the matter', false],
  ])('hasCredentials: %s', (_n, text, want) => {
    expect(hasCredentials(text)).toBe(want);
  });

  test('maskShown masks URLs and headers, and leaves `key: value` explanations alone', () => {
    expect(maskShown('Authorization: Bearer abc123 and https://u:pw@h/?token=t')).toBe(`Authorization: Bearer ${MASK} and https://u:${MASK}@h/?token=${MASK}`);
    expect(maskShown('key: dispatcher.executor')).toBe('key: dispatcher.executor');
  });

  test('maskCredentials masks `name = value` pairs under secret names in free text (scenario output)', () => {
    expect(maskCredentials('api_key = "sk-1"\nOPENAI_API_KEY=sk-2\n"token": "t3"\nname = "x"')).toBe(
      `api_key = "${MASK}"\nOPENAI_API_KEY=${MASK}\n"token": "${MASK}"\nname = "x"`,
    );
  });
});

describe('spellingsOf', () => {
  test('a key as written, percent-encoded as a URL component and inside a URL, in either hex case', () => {
    expect(spellingsOf('ab/c+d=e@f:g%h')).toEqual(['ab/c+d=e@f:g%h', 'ab%2Fc%2Bd%3De%40f%3Ag%25h', 'ab%2fc%2bd%3de%40f%3ag%25h', 'ab/c+d=e@f:g%25h']);
  });
  test('a key that encoding leaves alone has one spelling; a lone surrogate has no encoded one', () => {
    expect(spellingsOf('sk-proj_0123456789')).toEqual(['sk-proj_0123456789']);
    expect(spellingsOf('key\ud800tail')).toEqual(['key\ud800tail']);
  });
});

describe('the linear scanners give what the patterns they stand for give (found: a hostile line of `x-keykey…` took seconds)', () => {
  // The patterns as written before: each is quadratic on some text (`x-keykey…` with no colon, `a-a-a…`, `a:a:a…`).
  const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'`\\]+)@/i;
  const HEADER = /(?<![\w-])(?:proxy-)?authorization\s*:\s*[^\s"'`\\]+|(?<![\w-])x-[\w-]*(?:key|token|secret|auth)[\w-]*\s*:\s*[^\s"'`\\]+/i;
  const NAMED_VALUE = /(?<![\w.])([A-Za-z][\w.-]*)["']?\s*[:=](?=\s*["']?(?:(?:bearer|basic|token)\s+)?["']?([^\s"',;}]+))/gi;
  const namesCredentialByRegex = (name: string) =>
    /(^|-)(api-?key|access-?key|secret-?key|private-?key|(auth|subscription|session|app|application|user|master|client|license)-key|(access-|auth-|refresh-|id-|session-)?token|bearer|(client-)?secret|pass-?phrase|auth|credentials?|authorization|cookie)$|[a-z0-9]-(pass|pwd|pw)$|pass-?w(or)?d$/.test(
      name
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .toLowerCase()
        .replace(/_/g, '-')
        .replace(/^-+/, ''),
    );
  // (what a value must look like is looksLikeKey's, the same for both)
  const namedByRegex = (text: string) =>
    [...text.matchAll(NAMED_VALUE)].some(
      (m) =>
        namesCredentialByRegex(m[1]) &&
        looksLikeKey(m[2]) &&
        !isProseHeading(text, m.index, m.index + m[1].length, m.index + m[0].length - 1, text.indexOf(m[2], m.index + m[0].length) + m[2].length),
    );
  const unit = fc.constantFrom(
    ...'ab:/@?#&;=.-_ 1Z\t\u00a0\u2028"\'`\\,}$',
    '://',
    'x-',
    'X-Api-',
    'key',
    'token',
    'auth',
    'Authorization',
    'proxy-',
    ': ',
    '=',
    'bearer ',
    'Basic ',
    'api_key',
    'apiKey',
    '--api-key',
    'sk12345678',
    'https',
  );
  test('on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        expect(hasUserinfo(text)).toBe(USERINFO.test(text));
        expect(eachCredentialHeader(text, () => true)).toBe(HEADER.test(text));
        expect(namedCredential(text)).toBe(namedByRegex(text));
      }),
      { numRuns: sized(6_000, 60_000) },
    );
  });
  test('on the shapes that made the patterns slow, and on the forms they exist for', () => {
    const texts = [
      `x-${'key'.repeat(50)}`,
      `x-${'key'.repeat(50)}: v`,
      'x-foo: x-api-key: abc',
      'X-Custom: 1, X-Auth-Token: t0k3n',
      'a-'.repeat(40),
      'a:'.repeat(40),
      `${'a:'.repeat(20)}sk-12345678`,
      'api_key: "Bearer sk-12345678"',
      "token='basic   abcd1234'",
      '--header=Authorization=Bearer sk-12345678',
      'apiKey=$TOKEN1234',
      'OPENAI_API_KEY=sk-proj-1234abcd',
      'password=-12345678',
      'a.api_key=12345678',
      'x.api_key=12345678',
      'Authorization: Bearer "x"',
      'proxy-authorization:basic abc',
      `${'ab://'.repeat(20)}u@h`,
    ];
    for (const text of texts) {
      expect([text, hasUserinfo(text)]).toEqual([text, USERINFO.test(text)]);
      expect([text, eachCredentialHeader(text, () => true)]).toEqual([text, HEADER.test(text)]);
      expect([text, namedCredential(text)]).toEqual([text, namedByRegex(text)]);
    }
  });
});

test('an auth scheme is matched in ASCII only, as the pattern without the u flag matches it (the Kelvin sign is no k)', () => {
  // With `toKen` (U+212A) read as `token`, the key after it would count; the pattern sees `toKen` as the value.
  expect(namedCredential('api_key=to\u212Aen abcd1234efgh')).toBe(false);
  expect(namedCredential('api_key=TOKEN abcd1234efgh')).toBe(true);
});

describe('containsKey finds a key however an agent that knows it spells it (found by an adversarial pass)', () => {
  const KEY = 'sk-or-v1-SECRETCANARY1234567890abcdef';
  const keys = [KEY];
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  test.each([
    ['as written', `openrouter:${KEY}`],
    ['percent-encoded where encoding leaves it alone', `openrouter:${KEY.replace(/-/g, '%2D')}`],
    ['percent-encoded in lower-case hex, every character', [...KEY].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')],
    ['with zero-width characters inserted', `${KEY.slice(0, 5)}\u200b${KEY.slice(5, 9)}\u2060${KEY.slice(9)}\ufeff`],
    ['with a soft hyphen and a variation selector', `${KEY.slice(0, 3)}\u00ad${KEY.slice(3)}\ufe0f`],
    ['in upper case', KEY.toUpperCase()],
    ['in base64 (a Basic header)', `Basic ${b64(`user:${KEY}`)}`],
    ['in URL-safe base64', b64(`??${KEY}>>`).replace(/\+/g, '-').replace(/\//g, '_')],
    // found when the last stop's closing note listed them as missed
    ['percent-encoded twice', KEY.replace(/-/g, '%252D')],
    ['percent-encoded three times', KEY.replace(/-/g, '%25252d')],
    ['as decimal HTML character references', [...KEY].map((c) => `&#${c.charCodeAt(0)};`).join('')],
    ['as hex character references without semicolons', [...KEY].map((c) => `&#x${c.charCodeAt(0).toString(16)}`).join('')],
    ['as \\u escapes', `model=${[...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}`],
    ['as \\x escapes', `$'${[...KEY].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('')}'`],
    ['in full-width forms', [...KEY].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('')],
    ['in hex', Buffer.from(KEY).toString('hex')],
    ['in upper-case hex', `0x${Buffer.from(KEY).toString('hex').toUpperCase()}`],
    ['in base64 wrapped over lines', b64(`user:${KEY}`).replace(/(.{16})/g, '$1\n')],
    ['in base64 wrapped over CRLF lines', b64(`user:${KEY}`).replace(/(.{12})/g, '$1\r\n')],
  ])('%s', (_note, text) => {
    expect(containsKey(text, keys)).toBe(true);
  });
  test('text without the key, or with only part of it, does not', () => {
    for (const text of [
      'openrouter:anthropic/claude-opus-4',
      KEY.slice(0, 20),
      `${KEY.slice(0, 18)} ${KEY.slice(18)}`,
      b64(KEY.slice(0, 10)),
      '',
      Buffer.from(KEY.slice(0, 12)).toString('hex'),
      '&#99999999; \\u{110000} &#x110000; %25 %%41',
    ])
      expect([text, containsKey(text, keys)]).toEqual([text, false]);
    expect(containsKey(KEY, [])).toBe(false);
  });
  test('inside any base64 text, at any offset, with any text around it', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => containsKey(b64(`${before}${KEY}${after}`), keys)),
      { numRuns: sized(500, 5_000) },
    );
  });
});
