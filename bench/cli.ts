/**
 * CLI start-up benchmark (`npm run bench -- cli [--runs N]`): spawns `bin/zhili.mjs` N times for
 * `zhili --help`, `zhili --version` and `zhili scan TEXT` and prints median and p90 of the wall
 * time and of the child's CPU time (user + sys). On a shared machine wall time is noisy; CPU time
 * is what the start-up itself costs. The same commands run from the TypeScript sources through
 * tsx (what bin/zhili.mjs falls back to without an up-to-date dist/) for comparison.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { distIsFresh } from '../bin/dist.mjs';

/** Milliseconds of CPU used by reaped children of this process so far (Linux; undefined elsewhere). */
function childCpuMs(): number | undefined {
  try {
    // /proc/self/stat: fields after the ')' of the command name; cutime and cstime are fields 16 and 17.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[13]) + Number(f[14]);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

interface Case {
  name: string;
  args: string[];
}

export const CLI_CASES: Case[] = [
  { name: 'zhili --help', args: ['--help'] },
  { name: 'zhili --version', args: ['--version'] },
  { name: 'zhili scan TEXT', args: ['scan', '全国通用职业资格证书 包过 考证'] },
];

/** Run each case `runs` times with the given node arguments; one line of statistics per case. */
function measure(label: string, nodeArgs: string[], runs: number): void {
  console.log(`\n${label}`);
  console.log('  命令                     墙钟中位  墙钟p90   CPU中位   CPU p90   (ms)');
  for (const c of CLI_CASES) {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c0 = childCpuMs();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [...nodeArgs, ...c.args], { encoding: 'utf8' });
      wall.push(performance.now() - t0);
      const c1 = childCpuMs();
      if (c0 !== undefined && c1 !== undefined) cpu.push(c1 - c0);
      if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
    }
    const fmt = (xs: number[], q: number) => (xs.length ? quantile(xs, q).toFixed(0) : '-').padStart(8);
    console.log(`  ${c.name.padEnd(22)} ${fmt(wall, 0.5)}  ${fmt(wall, 0.9)}  ${fmt(cpu, 0.5)}  ${fmt(cpu, 0.9)}`);
  }
}

/** The CLI start-up benchmark. */
export async function benchCli(o: { runs: number }): Promise<void> {
  const fresh = distIsFresh();
  console.log(`== CLI 启动 (${o.runs} 次/命令) ==`);
  measure(`bin/zhili.mjs（${fresh ? '运行 dist/ 编译产物' : 'dist/ 缺失或过期 → tsx；先 npm run build'}）`, ['bin/zhili.mjs'], o.runs);
  measure('tsx 直接运行源码 / sources through tsx', ['--import', 'tsx', 'src/cli/main.ts'], o.runs);
}
