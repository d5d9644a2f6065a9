/**
 * Screening settings: which rules run and with which thresholds.
 *
 * Format (JSON, `zhili.settings.json` in the working directory by default):
 *
 *   { "rules": { "TR-FREQ": { "max_per_year": 4 }, "TR-AGE": { "enabled": false } } }
 *
 * Every key is checked against the rule catalog at start (zod): an unknown rule, an
 * unknown parameter, a value of the wrong type or out of the parameter's range is one
 * Chinese error line naming the key, before anything is read from the store.
 * `--set RULE.param=value` overrides the file, key by key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { zerr } from '../errors.ts';
import type { ConfigurableRule as Rule, ParamDef, ParamValue } from '../domain/model.ts';

/** Default settings file, looked up in the working directory. */
export const DEFAULT_SETTINGS_FILE = 'zhili.settings.json';

export interface RuleSettings {
  enabled?: boolean;
  [param: string]: ParamValue | undefined;
}

export interface Settings {
  rules?: Record<string, RuleSettings>;
}

/** What a rule runs with after defaults, settings file and --set are merged. */
export interface EffectiveRuleConfig {
  enabled: boolean;
  params: Record<string, ParamValue>;
}

type ParamKind = 'number' | 'boolean' | 'string';
const kindOf = (p: ParamDef): ParamKind => typeof p.default as ParamKind;
const KIND_ZH: Record<ParamKind, string> = { number: '数字', boolean: '布尔值（true/false）', string: '文本' };

function paramSchema(p: ParamDef): z.ZodType {
  const kind = kindOf(p);
  let s: z.ZodType;
  if (kind === 'number') {
    let n = z.number();
    if (p.min !== undefined) n = n.min(p.min);
    if (p.max !== undefined) n = n.max(p.max);
    s = n;
  } else s = kind === 'boolean' ? z.boolean() : z.string();
  const check = p.validate;
  if (!check) return s;
  return s.superRefine((v, ctx) => {
    const why = check(v as ParamValue);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });
}

/** The zod schema of the settings file for a rule catalog (strict: unknown keys are errors). */
export function settingsSchema(catalog: readonly Rule[]): z.ZodType<Settings> {
  const rules: Record<string, z.ZodType> = {};
  for (const r of catalog) {
    const shape: Record<string, z.ZodType> = { enabled: z.boolean().optional() };
    for (const p of r.params) shape[p.name] = paramSchema(p).optional();
    rules[r.id] = z.strictObject(shape).optional();
  }
  return z.strictObject({ rules: z.strictObject(rules).optional() }) as unknown as z.ZodType<Settings>;
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** One Chinese phrase per zod issue, naming the settings key. */
function describeIssue(issue: z.core.$ZodIssue, catalog: readonly Rule[], input: unknown): string {
  const path = issue.path.map(String);
  const key = path.join('.');
  const valueAt = () => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), input);
  switch (issue.code) {
    case 'unrecognized_keys': {
      if (path.length === 0) return `未知设置项 ${issue.keys.join('、')}（只允许 rules）`;
      if (path.length === 1 && path[0] === 'rules') return `未知规则 ${issue.keys.join('、')}`;
      const rule = catalog.find((r) => r.id === path[1]);
      const known = ['enabled', ...(rule?.params.map((p) => p.name) ?? [])].join('、');
      return `规则 ${path[1]} 没有参数 ${issue.keys.join('、')}（可用：${known}）`;
    }
    case 'invalid_type': {
      const expected = issue.expected === 'number' ? '数字' : issue.expected === 'boolean' ? '布尔值（true/false）' : issue.expected === 'string' ? '文本' : '对象';
      return `设置项 ${key || '（根）'} 应为${expected}，实际为 ${show(valueAt())}`;
    }
    case 'too_small':
    case 'too_big': {
      const rule = catalog.find((r) => r.id === path[1]);
      const p = rule?.params.find((x) => x.name === path[2]);
      const range = `[${p?.min ?? '-∞'}, ${p?.max ?? '∞'}]`;
      return `设置项 ${key} 的值 ${show(valueAt())} 超出范围 ${range}`;
    }
    default:
      return `设置项 ${key} 的值 ${show(valueAt())} 无效：${issue.message}`;
  }
}

/**
 * Validate a settings object against the catalog; throws one `ZhiliError`
 * (`settings.invalid`) whose message names every offending key, on one line.
 * `origin` says where the settings came from (file name or `--set`).
 */
export function validateSettings(input: unknown, catalog: readonly Rule[], origin = '设置', originEn = 'settings'): Settings {
  const res = settingsSchema(catalog).safeParse(input);
  if (res.success) return res.data;
  const parts = res.error.issues.map((i) => describeIssue(i, catalog, input));
  throw zerr('settings.invalid', `${origin}有误：${parts.join('；')}`, `invalid ${originEn}`, { issues: parts });
}

/**
 * Read and validate a settings file. With no `file`, `zhili.settings.json` is used when it
 * exists, else empty settings. A named file that is missing is an error.
 */
export function loadSettings(catalog: readonly Rule[], file?: string): Settings {
  const path = file ?? (existsSync(DEFAULT_SETTINGS_FILE) ? DEFAULT_SETTINGS_FILE : undefined);
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw zerr('settings.missing', `找不到设置文件 ${path}`, `settings file ${path} not found`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw zerr('settings.not_json', `设置文件 ${path} 不是有效的 JSON：${(e as Error).message}`, `settings file ${path} is not valid JSON`);
  }
  return validateSettings(json, catalog, `设置文件 ${path} `, `settings file ${path}`);
}

/**
 * Parse `--set RULE.param=value` items into a settings object, converting each value to
 * the parameter's type, and validate it. Booleans accept true/false/1/0.
 */
export function parseSetOptions(items: readonly string[], catalog: readonly Rule[]): Settings {
  const out: Settings = { rules: {} };
  const bad: string[] = [];
  for (const item of items) {
    const m = /^\s*([^.=\s]+)\.([^=\s]+)\s*=(.*)$/.exec(item);
    if (!m) {
      bad.push(`--set ${item} 格式应为 规则.参数=值（例如 ${settingExamples(catalog).set[0]}）`);
      continue;
    }
    const [, ruleId, name, rawValue] = m as unknown as [string, string, string, string];
    const raw = rawValue.trim();
    const rule = catalog.find((r) => r.id === ruleId);
    const def = rule?.params.find((p) => p.name === name);
    let value: unknown = raw;
    const kind: ParamKind | undefined = name === 'enabled' ? 'boolean' : def ? kindOf(def) : undefined;
    if (kind === 'number') {
      value = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    } else if (kind === 'boolean') {
      value = /^(true|1)$/i.test(raw) ? true : /^(false|0)$/i.test(raw) ? false : raw;
    }
    ((out.rules![ruleId] ??= {}) as Record<string, unknown>)[name] = value;
  }
  if (bad.length) throw zerr('settings.invalid', bad.join('；'), 'invalid --set option');
  return validateSettings(out, catalog, '--set 参数', '--set option');
}

/**
 * Examples for help texts and docs, taken from the catalog so that they stay valid: a
 * numeric parameter of the first rule that has one (TR-FREQ's when present) and a rule to switch off.
 */
export function settingExamples(catalog: readonly Rule[]): { json: string; set: string[] } {
  const numeric = (r: Rule) => r.params.find((p) => typeof p.default === 'number');
  const withNum = catalog.find((r) => r.id === 'TR-FREQ' && numeric(r)) ?? catalog.find((r) => numeric(r));
  const off = catalog.find((r) => r.id === 'TR-AGE') ?? catalog.find((r) => r !== withNum) ?? catalog[0];
  const rules: Record<string, Record<string, unknown>> = {};
  const set: string[] = [];
  if (withNum) {
    const p = numeric(withNum)!;
    const v = Number(p.default) + 1;
    rules[withNum.id] = { [p.name]: v };
    set.push(`${withNum.id}.${p.name}=${v}`);
  }
  if (off) {
    rules[off.id] = { ...rules[off.id], enabled: false };
    set.push(`${off.id}.enabled=false`);
  }
  const json = `{ "rules": { ${Object.entries(rules)
    .map(([id, o]) => `"${id}": { ${Object.entries(o).map(([k, v]) => `"${k}": ${JSON.stringify(v)}`).join(', ')} }`)
    .join(', ')} } }`;
  return { json, set };
}

/** Merge settings objects; later ones win key by key. */
export function mergeSettings(...all: Settings[]): Settings {
  const rules: Record<string, RuleSettings> = {};
  for (const s of all) for (const [id, rs] of Object.entries(s.rules ?? {})) rules[id] = { ...rules[id], ...rs };
  return { rules };
}

/** Enabled flag and parameters of one rule: defaults overridden by the settings. */
export function effectiveRuleConfig(rule: Rule, settings: Settings): EffectiveRuleConfig {
  const rs = settings.rules?.[rule.id] ?? {};
  const params: Record<string, ParamValue> = {};
  for (const p of rule.params) params[p.name] = rs[p.name] ?? p.default;
  return { enabled: rs.enabled ?? true, params };
}

export { KIND_ZH as PARAM_KIND_ZH, kindOf as paramKind };
