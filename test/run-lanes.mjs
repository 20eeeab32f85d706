// `npm test`'s lanes: the fast lane (scripted recognizer) and the speech lane (real engines) at once,
// since the first mostly waits on timeouts while the second keeps both cores busy; then the timing
// lane alone, since it measures the event loop and real time. Each lane's report is printed whole
// when it ends (two reports interleaved line by line would be unreadable); any failure fails the run.
import { spawn } from 'node:child_process';

function lane(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('npm', ['run', '--silent', name], { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (d) => output.push(d));
    child.stderr.on('data', (d) => output.push(d));
    child.on('close', (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n===== ${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s =====\n`);
      process.stdout.write(Buffer.concat(output));
      resolve(code === 0);
    });
  });
}

const together = await Promise.all([lane('test:fast'), lane('test:speech')]);
const alone = await lane('test:timing');
process.exitCode = [...together, alone].every(Boolean) ? 0 : 1;
