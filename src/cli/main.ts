/**
 * The `zhili` command. Each subcommand lives in its own module and registers itself here;
 * registering is cheap (options and help only): every command loads what it needs with
 * `await import()` when it runs, so `zhili --help` or `zhili scan` do not load the database
 * drivers, the importer or the rules (bin/build.mjs makes each such import its own chunk).
 *
 * The environment is validated first: an invalid variable is one line and exit 1 before
 * anything runs. Errors meant for people (ZhiliError) print one line, Chinese first, and exit 1;
 * anything else is an internal error: one line too (stack only with ZHILI_DEBUG=1), exit 2.
 * At ZHILI_LOG_LEVEL=info or finer every command logs its start and its end (ms, exit code).
 */
import { env, type Env } from '../config/env.ts';
import { Command } from 'commander';
import { ZhiliError } from '../errors.ts';
import { registerAudit } from './audit.ts';
import { registerCert } from './cert.ts';
import { registerDeadlines } from './deadlines.ts';
import { registerDemo } from './demo.ts';
import { registerGenerate } from './generate.ts';
import { registerImport } from './import.ts';
import { registerScan } from './scan.ts';
import { registerScreen } from './screen.ts';
import { registerServe } from './serve.ts';
import { setUpCliProcess } from './stdio.ts';
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
  registerCert(program);
  return program;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** Whether a logger at `configured` level writes lines of level `level`. */
const logs = (configured: Env['ZHILI_LOG_LEVEL'], level: string) => LEVELS.indexOf(level) >= LEVELS.indexOf(configured);

/**
 * `zhili help CMD` is `zhili CMD --help`: commander prints a command's help for `help CMD`
 * without running its hooks, and `screen` fills its --set examples in a hook.
 */
export function normaliseArgv(argv: string[], program: Command): string[] {
  const [node, script, first, second, ...rest] = argv;
  if (first === 'help' && second && rest.length === 0 && program.commands.some((c) => c.name() === second)) {
    return [node!, script!, second, '--help'];
  }
  return argv;
}

async function main(): Promise<void> {
  let config: Env;
  try {
    config = env();
  } catch (e) {
    process.stderr.write(`错误 / error: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  // The logger (pino) loads only when this run will write something with it.
  const logger = logs(config.ZHILI_LOG_LEVEL, 'info') ? (await import('../log.ts')).log : undefined;
  const program = buildProgram();
  let command: string | undefined;
  const t0 = performance.now();
  program.hook('preAction', (_program, action) => {
    command = action.name();
    logger?.info({ event: 'command.start', command }, `zhili ${command} 开始 / start`);
  });
  try {
    await program.parseAsync(normaliseArgv(process.argv, program));
  } catch (e) {
    if (e instanceof ZhiliError) {
      process.stderr.write(`错误 / error: ${e.message}\n`);
      process.exitCode = 1;
      logger?.info({ event: 'command.failed', command, error: e.id }, `zhili ${command} 失败 / failed: ${e.id}`);
      return;
    }
    const err = e as Error;
    process.stderr.write(`内部错误 / internal error: ${err?.message ?? String(e)}\n`);
    if (config.ZHILI_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.exitCode = 2;
    if (logs(config.ZHILI_LOG_LEVEL, 'error')) (logger ?? (await import('../log.ts')).log).error({ event: 'command.error', command, err }, `zhili ${command} 内部错误 / internal error`);
  } finally {
    if (command) {
      const ms = Math.round(performance.now() - t0);
      logger?.info({ event: 'command.end', command, ms, exit_code: Number(process.exitCode ?? 0) }, `zhili ${command} 结束 / end`);
    }
  }
}

setUpCliProcess(); // umask 077, quiet exit on a closed pipe (src/cli/stdio.ts)
await main();
