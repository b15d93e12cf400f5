// The agent id wg would give the next spawn: `agent-<next_agent_id>` from `<wgdir>/service/registry.json` (absent: 1).
import { jsonSyntaxReason, PolicyError } from '../shared/errors.js';
import { FileCache, joinOnce } from '../shared/file-cache.js';
import { readTextFile } from '../shared/read-file.js';

type NextAgent = { next: number; file: string | null };

const registries = new FileCache<NextAgent>(16);

/** `next_agent_id` of wg's agent registry (a prediction: wg reads it under its own lock when it spawns); kept while unchanged. */
export function nextAgentId(wgDir: string, shownAs: string): NextAgent {
  const path = joinOnce(wgDir, 'service/registry.json');
  const read = () => readTextFile(path, { shownAs, what: 'agent registry', missing: 'absent' });
  return registries.get(path, read, (text) => parseRegistry(text, shownAs), shownAs);
}

function parseRegistry(text: string | undefined, shownAs: string): NextAgent {
  if (text === undefined) return { next: 1, file: null };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PolicyError('agent-registry', `invalid JSON: ${jsonSyntaxReason(e)}; wg cannot load its agent registry and refuses to spawn`, { file: shownAs });
  }
  const agents = (data as { agents?: unknown } | null)?.agents;
  if (!agents || typeof agents !== 'object' || Array.isArray(agents))
    throw new PolicyError('agent-registry', '`agents` must be a table of agents; wg cannot load its agent registry and refuses to spawn', {
      file: shownAs,
      key: 'agents',
    });
  const next = (data as { next_agent_id?: unknown }).next_agent_id;
  if (typeof next !== 'number' || !Number.isInteger(next) || next < 0 || next > 4294967295)
    throw new PolicyError(
      'agent-registry',
      '`next_agent_id` must be a whole number from 0 to 4294967295; wg cannot load its agent registry and refuses to spawn',
      {
        file: shownAs,
        key: 'next_agent_id',
      },
    );
  return { next, file: shownAs };
}
