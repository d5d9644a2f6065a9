/**
 * The `zhili` command. Each subcommand lives in its own module and registers itself here.
 * Errors meant for people (ZhiliError) print one line, Chinese first, and exit 1; anything
 * else is an internal error: one line too (stack only with ZHILI_DEBUG=1), exit 2.
 */
import { env } from '../config/env.ts';
import { Command } from 'commander';
import { ZhiliError } from '../errors.ts';
import { registerAudit } from './audit.ts';
import { registerDeadlines } from './deadlines.ts';
import { registerDemo } from './demo.ts';
import { registerGenerate } from './generate.ts';
import { registerImport } from './import.ts';
import { registerScan } from './scan.ts';
import { registerScreen } from './screen.ts';
import { registerServe } from './serve.ts';
import { registerUser } from './user.ts';

export function buildProgram(): Command {
  const program = new Command('zhili');
  program
    .description('治理 zhili — 职业技能培训和评价问题专项治理平台 / screening, case handling and reporting for the vocational skills training and evaluation campaign')
    .version('0.1.0', '-V, --version', '显示版本 / show the version')
    .helpOption('-h, --help', '显示帮助 / show help')
    .showHelpAfterError('（使用 zhili --help 查看用法 / see zhili --help）')
    .configureOutput({ outputError: (str, write) => write(str) });
  program.addHelpCommand('help [command]', '显示某个命令的帮助 / help for a command');
  registerDeadlines(program);
  registerDemo(program);
  registerGenerate(program);
  registerImport(program);
  registerScreen(program);
  registerScan(program);
  registerServe(program);
  registerUser(program);
  registerAudit(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof ZhiliError) {
      process.stderr.write(`错误 / error: ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    const err = e as Error;
    process.stderr.write(`内部错误 / internal error: ${err?.message ?? String(e)}\n`);
    if (env().ZHILI_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.exitCode = 2;
  }
}

await main();
