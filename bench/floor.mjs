// The hand-written floor: the bench project's plans decided by plain code (its config and the bundled rules hard-wired),
// no policies, no provenance. What a plan costs when nothing is looked up; the bench checks it gives the same plans.

const KNOWN_PROVIDERS = ['claude', 'openrouter', 'nex', 'oai-compat', 'openai', 'codex', 'gemini', 'ollama', 'llamacpp', 'vllm', 'local', 'native'];
const EXECUTORS = ['claude', 'native', 'nex', 'codex', 'shell'];
const MODES = ['shell', 'full', 'light', 'bare', 'claude', 'native', 'nex', 'codex'];
const ENDPOINTS = [
  { name: 'openrouter', provider: 'openrouter', url: 'https://openrouter.ai/api/v1', is_default: true },
  { name: 'lab', provider: 'oai-compat', url: 'http://127.0.0.1:8088/v1', is_default: false },
];
const USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@]+@/i;
const PARAM = /[?&;]([^=&;#\s?/]+)=([^&;#\s]*)/g;
const SECRET = /key|token|secret|passw(or)?d|credential|authorization/i;

const isSet = (v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const alias = (e) => (e === 'nex' ? 'native' : e);
const credentials = (s) => USERINFO.test(s) || [...s.matchAll(PARAM)].some((m) => m[2] !== '' && SECRET.test(m[1]));

function parseModel(spec) {
  const colon = spec.indexOf(':');
  const prefix = colon > 0 ? spec.slice(0, colon) : '';
  return KNOWN_PROVIDERS.includes(prefix) ? { spec, provider: prefix, name: spec.slice(colon + 1) } : { spec, provider: null, name: spec };
}

/** The bench project's plan for a task (no caller flags): `{executor, model, endpoint, env, argv}` or `{reject: rule}`. */
export function floorPlan(t) {
  const model = parseModel(isSet(t.model) ? t.model : 'claude:sonnet');
  if (isSet(t.executor) && !EXECUTORS.includes(t.executor)) return { reject: 'executor.unknown-in-task' };
  if (isSet(t.exec_mode) && !MODES.includes(t.exec_mode)) return { reject: 'executor.unknown-exec-mode' };
  let executor;
  if (isSet(t.exec) || t.exec_mode === 'shell') executor = 'shell';
  else if (isSet(t.executor)) executor = alias(t.executor);
  else if (['claude', 'native', 'nex', 'codex'].includes(t.exec_mode)) executor = alias(t.exec_mode);
  else if (model.provider === 'claude' || model.provider === 'codex') executor = model.provider;
  else executor = isSet(model.provider) ? 'native' : 'claude';
  if (executor === 'claude' && isSet(model.provider) && model.provider !== 'claude') return { reject: 'compat.claude-cannot-run-model' };
  if (isSet(model.provider) && !isSet(model.name)) return { reject: 'model-id.empty-name' };
  if (executor === 'native' && !isSet(model.provider)) return { reject: 'model-id.native-needs-prefix' };
  const id = (executor === 'claude' || executor === 'codex') && model.provider === executor ? model.name : model.spec;
  let endpoint = null;
  const ep = t.endpoint;
  if (typeof ep === 'string' && credentials(ep)) return { reject: 'endpoint.task-url-with-credentials' };
  if (executor === 'native') {
    if (typeof ep === 'string' && /^https?:\/\//.test(ep)) endpoint = { name: ep, provider: 'oai-compat', url: ep };
    else if (isSet(ep)) {
      const named = ENDPOINTS.find((e) => e.name === ep);
      if (!named) return { reject: 'endpoint.task-unknown-name' };
      endpoint = named;
    } else endpoint = ENDPOINTS.find((e) => e.is_default);
    endpoint = { name: endpoint.name, provider: endpoint.provider, url: endpoint.url };
  }
  const env = { WG_TASK_ID: t.id, WG_EXECUTOR_TYPE: executor, WG_MODEL: id };
  if (endpoint) Object.assign(env, { WG_ENDPOINT_NAME: endpoint.name, WG_ENDPOINT_URL: endpoint.url });
  const mode = ['full', 'light', 'bare'].includes(t.exec_mode) ? t.exec_mode : 'full';
  let argv;
  if (executor === 'shell') {
    if (!isSet(t.exec)) return { reject: 'argv.shell-needs-exec' };
    argv = ['bash', '-c', t.exec];
  } else if (executor === 'claude') {
    const tail = ['--disable-slash-commands', '--model', id];
    if (isSet(t.session_id) && mode !== 'bare')
      argv = [
        'claude',
        '--resume',
        t.session_id,
        '--print',
        '--verbose',
        '--output-format',
        'stream-json',
        '--dangerously-skip-permissions',
        '--disallowedTools',
        'Agent,EnterWorktree,ExitWorktree',
        ...tail,
      ];
    else if (mode === 'bare') return { reject: 'argv.claude-bare-unsupported' };
    else if (mode === 'light')
      argv = [
        'claude',
        '--print',
        '--verbose',
        '--output-format',
        'stream-json',
        '--dangerously-skip-permissions',
        '--allowedTools',
        'Bash(wg:*),Read,Glob,Grep,WebFetch,WebSearch',
        '--disallowedTools',
        'Edit,Write,NotebookEdit,Agent,EnterWorktree,ExitWorktree',
        ...tail,
      ];
    else
      argv = [
        'claude',
        '--print',
        '--verbose',
        '--permission-mode',
        'bypassPermissions',
        '--output-format',
        'stream-json',
        '--disallowedTools',
        'Agent,EnterWorktree,ExitWorktree',
        ...tail,
      ];
  } else if (executor === 'codex') {
    argv = [
      'codex',
      'exec',
      '--json',
      '--skip-git-repo-check',
      '--dangerously-bypass-approvals-and-sandbox',
      '-c',
      'model_verbosity="high"',
      '-c',
      'tool_output_token_limit=32000',
      '--model',
      id,
    ];
  } else {
    argv = [
      'wg',
      'native-exec',
      '--prompt-file',
      `.wg/agents/${t.id}/prompt.txt`,
      '--exec-mode',
      mode,
      '--task-id',
      t.id,
      '--model',
      id,
      '--provider',
      endpoint.provider,
      '--endpoint-name',
      endpoint.name,
      '--endpoint-url',
      endpoint.url,
    ];
  }
  return { executor, model: { spec: model.spec, provider: model.provider, id }, endpoint, env, argv };
}

/** A plan (or refusal) reduced to what floorPlan decides, for comparison. */
export function planValues(plan, error) {
  if (error) return { reject: error.rule };
  const { executor, model, endpoint, env, argv } = plan;
  return { executor, model, endpoint, env, argv };
}
