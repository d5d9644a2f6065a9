/**
 * `zhili generate`: write a synthetic province (DATA-FORMAT.md) with planted anomalies;
 * the answer key and manifest go beside the directory (DIR.answers.jsonl, DIR.manifest.json).
 */
import type { Command } from 'commander';
import { zerr } from '../errors.ts';

const ZH: Record<string, string> = {
  attendance: '考勤记录',
  online_events: '线上学习记录',
  persons: '人员',
  enrollments: '学员名单',
  sessions: '课次',
};

/** Register `generate` on the program. */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('生成合成省份数据集（含埋点异常与答案） / generate a synthetic province with planted anomalies and an answer key')
    .requiredOption('--out <dir>', '输出目录（答案写在 DIR.answers.jsonl） / dataset directory')
    .option('--scale <s>', '规模，1 ≈ 300 个机构、2 万人 / scale, fractions allowed', '1')
    .option('--seed <n>', '随机种子 / seed', '1')
    .option('--variant <v>', 'clean | messy', 'clean')
    .action(async (o: { out: string; scale: string; seed: string; variant: string }) => {
      const scale = Number(o.scale);
      const seed = Number(o.seed);
      if (!(scale > 0) || scale > 1000) throw zerr('generate.scale', `规模无效：${o.scale}`, `invalid scale: ${o.scale}`);
      if (!Number.isInteger(seed)) throw zerr('generate.seed', `种子必须为整数：${o.seed}`, `seed must be an integer: ${o.seed}`);
      if (o.variant !== 'clean' && o.variant !== 'messy') throw zerr('generate.variant', `variant 只能是 clean 或 messy：${o.variant}`, `variant must be clean or messy`);
      // Loaded on demand so `zhili --help` and the other commands start without them.
      const [{ default: cliProgress }, { generate }] = await Promise.all([import('cli-progress'), import('../synth/generate.ts')]);
      const tty = process.stderr.isTTY;
      const bar = tty ? new cliProgress.SingleBar({ format: '生成 {entity} {value} 行', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
      bar?.start(0, 0, { entity: '' });
      const t0 = performance.now();
      const s = await generate({
        out: o.out,
        scale,
        seed,
        variant: o.variant,
        onProgress: (entity, rows) => bar?.update(rows, { entity: ZH[entity] ?? entity }),
      });
      bar?.stop();
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      const mb = (s.bytes / 1048576).toFixed(1);
      process.stdout.write(
        `已生成 ${s.out}（${s.variant}，规模 ${s.scale}，种子 ${s.seed}）：${s.files} 个文件 ${mb} MB，用时 ${secs} 秒\n` +
          `人员 ${s.rows.persons} · 学员名单 ${s.rows.enrollments} · 考勤 ${s.rows.attendance} · 线上学习 ${s.rows.online_events} 行\n` +
          `埋点 ${s.planted} 条，答案：${s.answers}；清单：${s.manifest}\n`,
      );
    });
}
