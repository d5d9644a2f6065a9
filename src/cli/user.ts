/**
 * `zhili user add|list|disable|unlock|token` (API.md "Identity"). Runs in-process on the store as
 * the CLI operator (CLI_ACTOR: `cli`, national scope), who is named in the audit entries.
 */
import type { Command } from 'commander';
import { zerr } from '../errors.ts';
import type { Db } from '../store/db.ts';

/** The user service and the store, loaded on demand so `zhili --help` starts without them. */
const users = () => import('../auth/users.ts');
const cliActor = async () => (await import('../auth/actor.ts')).CLI_ACTOR;

async function withStore<T>(o: { db?: string; databaseUrl?: string }, fn: (db: Db) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/index.ts');
  const db = await openStore({ db: o.db, databaseUrl: o.databaseUrl });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw zerr('user.password_stdin', '请通过标准输入提供密码（如 echo "…" | zhili user add …）', 'pipe the password on stdin');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

type StoreOpts = { db?: string; databaseUrl?: string };
const storeOptions = (c: Command) =>
  c
    .option('--db <file>', 'DuckDB 数据库文件（默认 .zhili/zhili.duckdb）/ DuckDB store file')
    .option('--database-url <url>', 'PostgreSQL 连接串（优先于 --db）/ PostgreSQL URL');

/** Register `zhili user`. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('用户与接口令牌 / users and API tokens');

  storeOptions(
    user
      .command('add <username>')
      .description('新增用户（密码从标准输入读取）/ add a user (password on stdin)')
      .requiredOption('--role <role>', '角色 / role: ministry_analyst, province_admin, city_inspector, market_officer, discipline_liaison, platform_operator')
      .requiredOption('--region <code>', '区域：00 全国、2 位省、4 位市、6 位县 / region code')
      .option('--platform <name>', '平台运营人员所属平台（如 淘宝）/ platform of a platform operator')
      .option('--password-stdin', '从标准输入读取密码（必需）/ read the password from stdin (required)'),
  ).action(async (username: string, o: StoreOpts & { role: string; region: string; platform?: string; passwordStdin?: boolean }) => {
    if (!o.passwordStdin) throw zerr('user.password_stdin', '须使用 --password-stdin 从标准输入提供密码', '--password-stdin is required');
    const password = await readStdin();
    const u = await withStore(o, async (db) => (await users()).addUser(db, await cliActor(), { username, role: o.role, region_code: o.region, platform: o.platform ?? null, password }));
    process.stdout.write(`已新增用户 ${u.username}（${u.role}，区域 ${u.region_code}${u.platform ? `，平台 ${u.platform}` : ''}）\n`);
  });

  storeOptions(user.command('list').description('列出用户 / list users')).action(async (o: StoreOpts) => {
    const list = await withStore(o, async (db) => (await users()).listUsers(db));
    for (const u of list) {
      const flags = [u.disabled ? '已停用' : '', u.locked ? '已锁定' : ''].filter(Boolean).join(' ');
      process.stdout.write(`${u.username}\t${u.role}\t${u.region_code}\t${u.platform ?? ''}\t令牌 ${u.tokens}\t${flags}\n`);
    }
    if (!list.length) process.stdout.write('（无用户）\n');
  });

  storeOptions(user.command('disable <username>').description('停用用户（会话与令牌随即失效）/ disable a user')).action(async (username: string, o: StoreOpts) => {
    await withStore(o, async (db) => (await users()).disableUser(db, await cliActor(), username));
    process.stdout.write(`已停用用户 ${username}\n`);
  });

  storeOptions(user.command('unlock <username>').description('解除连续登录失败造成的锁定 / unlock after failed logins')).action(async (username: string, o: StoreOpts) => {
    await withStore(o, async (db) => (await users()).unlockUser(db, await cliActor(), username));
    process.stdout.write(`已解锁用户 ${username}\n`);
  });

  storeOptions(
    user
      .command('token <username>')
      .description('生成接口令牌（只显示一次）；--revoke 撤销该用户全部令牌 / new API token (shown once); --revoke revokes all')
      .option('--revoke', '撤销该用户的全部令牌 / revoke the user\'s tokens'),
  ).action(async (username: string, o: StoreOpts & { revoke?: boolean }) => {
    if (o.revoke) {
      const n = await withStore(o, async (db) => (await users()).revokeTokens(db, await cliActor(), username));
      process.stdout.write(`已撤销 ${username} 的 ${n} 个令牌\n`);
      return;
    }
    const token = await withStore(o, async (db) => (await users()).createToken(db, await cliActor(), username));
    process.stdout.write(`${token}\n`);
    process.stderr.write('令牌只显示这一次，请妥善保存（Authorization: Bearer …）/ shown once\n');
  });
}
