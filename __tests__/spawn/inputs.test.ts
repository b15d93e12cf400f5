// The inputs of one spawn decision besides config and graph: the caller's flags checked, timeouts parsed, chat handler inputs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { loadLayers } from '../../src/config/layers.js';
import { checkCaller, readSpawnInputs, sharedReader } from '../../src/spawn/inputs.js';
import { scratch } from '../support/project.js';
import { thrown } from '../support/thrown.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function inputsFor(task: Record<string, unknown>, files: Record<string, string> = {}, caller = {}) {
  const s = scratch(files);
  cleanups.push(s.cleanup);
  const layers = loadLayers({ wgDir: s.wgDir, home: s.home });
  const warnings: string[] = [];
  const inputs = readSpawnInputs(layers, { task: { id: 't1', priority: 10, ...task } as never, file: '.wg/graph.jsonl', line: 4 }, caller, (w) =>
    warnings.push(w),
  );
  return { inputs, warnings, s };
}

describe('checkCaller', () => {
  test('the site defaults to the dispatcher', () => {
    expect(checkCaller({}, []).site).toBe('dispatcher');
    expect(checkCaller({ site: 'chat', agentId: 'agent-3', timeout: '' }, [])).toMatchObject({ site: 'chat', agentId: 'agent-3' });
  });
  test.each([
    [{ site: 'cron' }, '--site'],
    [{ agentId: 'a/b' }, '--agent-id'],
    [{ agentId: '.hidden' }, '--agent-id'],
    [{ timeout: '1d' }, '--timeout'],
    [{ role: 'reviewer sk-CANARY-0123456789' }, '--role'],
  ])('%j is a usage error naming %s', (caller, key) => {
    expect(thrown(() => checkCaller(caller, ['sk-CANARY-0123456789']))).toMatchObject({ code: 'usage', key });
  });
  test('a caller checked against one config is checked again against another (its keys)', () => {
    const caller = { role: 'sk-CANARY-0123456789' };
    expect(checkCaller(caller, []).role).toBe('sk-CANARY-0123456789');
    expect(thrown(() => checkCaller(caller, ['sk-CANARY-0123456789']))).toMatchObject({ code: 'usage', key: '--role' });
  });
});

describe('readSpawnInputs', () => {
  test('timeouts parsed per level ("" is none), the task one with its line on error', () => {
    const { inputs } = inputsFor({ timeout: '' }, { 'project/.wg/config.toml': '[dispatcher]\nagent_timeout = "45m"\n' }, { timeout: '90s' });
    expect(inputs.timeouts).toEqual({ caller: { raw: '90s', secs: 90 }, task: { raw: '', secs: null }, local: { raw: '45m', secs: 2700 } });
    expect(thrown(() => inputsFor({ timeout: '2 h' }))).toMatchObject({ code: 'bad-duration', file: '.wg/graph.jsonl', line: 4, key: 'timeout' });
  });

  test('chat handler inputs: .chat-N and .coordinator-N refs, the coordinator role, the journal', () => {
    const { inputs, s } = inputsFor({ id: '.coordinator-2' });
    expect(inputs.chat).toMatchObject({ ref: 'coordinator-2', role: 'coordinator', journal: false });
    expect(inputs.shown('chat', inputs.chat.ref, 'conversation.jsonl')).toBe('.wg/chat/coordinator-2/conversation.jsonl');
    mkdirSync(join(s.wgDir, 'chat', 'chat-5'), { recursive: true });
    writeFileSync(join(s.wgDir, 'chat', 'chat-5', 'conversation.jsonl'), '');
    const layers = loadLayers({ wgDir: s.wgDir, home: s.home });
    const chat = readSpawnInputs(layers, { task: { id: '.chat-5', priority: 10 } as never, file: 'g' }, { role: 'evaluator' }, () => {}).chat;
    expect(chat).toMatchObject({ ref: 'chat-5', role: 'evaluator', journal: true });
  });

  test('a batch lists the chat folder once and still finds each journal', () => {
    const { s } = inputsFor({ id: 'x' });
    const layers = loadLayers({ wgDir: s.wgDir, home: s.home });
    const batch = sharedReader(layers, true);
    const journal = (id: string) => readSpawnInputs(layers, { task: { id, priority: 10 } as never, file: 'g' }, {}, () => {}, batch).chat.journal;
    expect(journal('.chat-7')).toBe(false); // no chat folder at all
    mkdirSync(join(s.wgDir, 'chat', 'chat-8'), { recursive: true });
    writeFileSync(join(s.wgDir, 'chat', 'chat-8', 'conversation.jsonl'), '');
    expect(journal('.chat-8')).toBe(false); // the batch's listing was taken before the folder existed
    const next = sharedReader(layers, true);
    expect(readSpawnInputs(layers, { task: { id: '.chat-8', priority: 10 } as never, file: 'g' }, {}, () => {}, next).chat.journal).toBe(true);
    expect(readSpawnInputs(layers, { task: { id: '.chat-9', priority: 10 } as never, file: 'g' }, {}, () => {}, next).chat.journal).toBe(false);
  });

  test('a task id with a slash never makes the journal check leave the chat folder', () => {
    expect(inputsFor({ id: '../../etc' }).inputs.chat.journal).toBe(false);
  });

  test('the canonical wg dir, its parent as {{working_dir}}, the next agent id, an unusable model cache warned about', () => {
    const { inputs, warnings, s } = inputsFor(
      {},
      { 'project/.wg/model_cache.json': 'nope', 'project/.wg/service/registry.json': '{"agents":{},"next_agent_id":3}' },
    );
    expect(inputs.wgDirReal.endsWith('/project/.wg')).toBe(true);
    expect(inputs.workingDir).toBe(join(inputs.wgDirReal, '..'));
    expect(inputs.nextAgent).toEqual({ next: 3, file: '.wg/service/registry.json' });
    expect(inputs.modelCache.ids).toBeNull();
    expect(warnings).toEqual([expect.stringContaining('.wg/model_cache.json: invalid JSON')]);
    expect(s.wgDir).toBeDefined();
  });
});
