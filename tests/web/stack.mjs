// stack: the real vetd stack for the browser tests. It runs
// examples/quickstart.sh (slapd with the demo directory, vetd, nginx with
// the repository's web/, the demo organizations and cases) on a free
// loopback port, in a process group of its own, and waits for its banner.
// A watchdog shell stops the quick start (SIGTERM, which removes its
// temporary directory) when this node process goes away, however it dies.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// start() -> { base, port, stop() }. Rejects with the quick start's last
// lines when it does not come up within timeoutMs.
export async function start(timeoutMs = 180000) {
  const port = await freePort();
  const qs = spawn('bash', [path.join(ROOT, 'examples/quickstart.sh')], {
    cwd: ROOT, env: { ...process.env, VETD_PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watchdog = spawn('bash', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${qs.pid} 2>/dev/null`], {
    detached: true, stdio: 'ignore',
  });
  watchdog.unref();
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the stack did not start within ${timeoutMs / 1000} s:\n${out.slice(-3000)}`)), timeoutMs);
    const onData = (d) => {
      out += d.toString();
      if (out.length > 200000) out = out.slice(-100000);
      if (out.includes('vetd is running.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    qs.stdout.on('data', onData);
    qs.stderr.on('data', onData);
    qs.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the quick start exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    });
  });
  await ready;
  // keep draining its output (vetd's log) so that the pipe never fills
  qs.stdout.on('data', () => {});
  qs.stderr.on('data', () => {});
  const stop = () => new Promise((resolve) => {
    if (qs.exitCode !== null) {
      resolve();
      return;
    }
    const kill = setTimeout(() => {
      try {
        process.kill(-qs.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 30000);
    qs.on('exit', () => {
      clearTimeout(kill);
      try {
        process.kill(watchdog.pid, 'SIGTERM');
      } catch {
        // gone
      }
      resolve();
    });
    process.kill(qs.pid, 'SIGTERM');
  });
  return { base: `http://127.0.0.1:${port}`, port, stop, log: () => out };
}
