// Alternates two commands many times and prints the median wall time of each (ms).
import { spawnSync } from 'node:child_process';
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
export function timeCommands(cmds, runs, opts = {}) {
  const times = cmds.map(() => []);
  for (let i = 0; i < runs; i++) {
    cmds.forEach(([cmd, args], j) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      times[j].push(ms);
    });
  }
  return times.map(median);
}
