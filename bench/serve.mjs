// `wg-policy serve --stdio` under load, from outside: plans per second, and the server's RSS after a warm-up and after
// many plans (its growth is what a long-running dispatcher would see). Its warnings (the bench mix raises some) are dropped.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The resident set size of a process, in MB (Linux /proc). */
function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Sends `plans` plan requests (cycling over `ids`) with at most `window` unanswered, and resolves with the wall time of
 * the measured part, the answers that were not plans, and RSS samples (after `warmup` answers, and at the end).
 */
export function benchServe({ bin, wgDir, home, ids, plans, warmup = 0, window = 512, record = null }) {
  const args = [bin, 'serve', '--stdio', '--dir', wgDir, ...(record ? ['--audit-log', record] : ['--no-audit'])];
  const p = spawn(process.execPath, args, { env: { ...process.env, HOME: home }, stdio: ['pipe', 'pipe', 'ignore'] });
  const total = warmup + plans;
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let started = 0;
  let warmRss = NaN;
  let tail = '';
  const requests = ids.map((id) => `{"id":0,"op":"plan","task":${JSON.stringify(id)}}\n`);
  return new Promise((resolve, reject) => {
    const pump = () => {
      let batch = '';
      while (sent < total && sent - answered < window) batch += requests[sent++ % requests.length];
      if (batch) p.stdin.write(batch);
      if (sent === total) p.stdin.end();
    };
    p.stdout.setEncoding('utf8').on('data', (chunk) => {
      const text = tail + chunk;
      const lines = text.split('\n');
      tail = lines.pop();
      for (const line of lines) {
        answered++;
        if (!line.startsWith('{"id":0,"ok":true')) failed++;
        if (answered === warmup) {
          warmRss = rssMb(p.pid);
          started = performance.now();
        }
      }
      if (answered === total) resolve({ ms: performance.now() - started, failed, warmRss, endRss: rssMb(p.pid) });
      pump();
    });
    p.on('error', reject);
    p.on('exit', (code) => answered < total && reject(new Error(`serve exited ${code} after ${answered} answers`)));
    if (warmup === 0) started = performance.now();
    pump();
  }).finally(() => p.stdin.end());
}
