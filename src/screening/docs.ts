/**
 * docs/RULES.md is generated from the rule metadata by `renderRulesDoc()`;
 * regenerate with `npx tsx src/screening/docs.ts` (a test fails when the committed file differs).
 */
import { settingExamples } from '../config/settings.ts';
import { ENTITIES } from '../dataset/entities.ts';
import { CLUE_HEADERS_ZH } from './output.ts';
import { FAMILY_ORDER, FAMILY_ZH, SEVERITY_ZH, SUBJECT_ZH } from './labels.ts';
import { RULES } from './rules/index.ts';
import type { ParamDef, Rule } from './types.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

const paramText = (p: ParamDef) => {
  const range = p.min !== undefined || p.max !== undefined ? `，取值 ${p.min ?? '-∞'}–${p.max ?? '∞'}` : '';
  return `\`${p.name}\` = ${JSON.stringify(p.default)}：${p.description}${range}`;
};

/** The Markdown of docs/RULES.md for a rule catalog (default: the registry). */
export function renderRulesDoc(rules: readonly Rule[] = RULES): string {
  const ex = settingExamples(rules);
  const out: string[] = [
    '# 筛查规则 (screening rules)',
    '',
    '<!-- Generated from the rule metadata by `npx tsx src/screening/docs.ts`; do not edit by hand. -->',
    '',
    '`zhili screen` 运行下列规则，每条规则对每个对象最多产生一条线索。某条规则所需的数据（实体）在数据集中不存在时，',
    '该规则记为"跳过"并说明缺少哪些数据，而不是记为"无问题"。',
    '',
    '## 线索记录（`--out FILE.jsonl`，每行一条）',
    '',
    '```json',
    '{"rule":"TR-OVERLAP","subject":{"type":"person","id":"110101199003071234"},"severity":"high","score":0.93,"region_code":"440106","institution_id":"I0042","summary":"学员同时段在两个培训班签到 (C0101 与 C0377, 2023-08-02 09:00–11:00)","evidence":{"rows":[]},"related":[{"type":"class","id":"C0101"},{"type":"class","id":"C0377"}]}',
    '```',
    '',
    '键的顺序固定如上。`score` 为 0–1（保留三位小数），`severity` 为 `high` | `medium` | `low`，',
    '`subject.type` 为 ' + Object.keys(SUBJECT_ZH).map((k) => `\`${k}\``).join(' · ') + '。',
    `\`--out FILE.csv\`（UTF-8 带 BOM）与 \`--out FILE.xlsx\` 的列为：${CLUE_HEADERS_ZH.join('、')}；`,
    '其中对象类型、严重程度用中文（' +
      Object.entries(SUBJECT_ZH)
        .map(([k, v]) => `${k}=${v}`)
        .join('，') +
      '；' +
      Object.entries(SEVERITY_ZH)
        .map(([k, v]) => `${k}=${v}`)
        .join('，') +
      '），证据为 JSON 文本，关联对象写作 `类型:编号`，以"；"分隔。',
    '',
    '线索按 (来源, 规则, 对象类型, 对象编号) 确定身份：重复运行不会产生重复线索；线索记录首次与最近一次产生它的筛查批次；',
    '某规则再次运行后不再产生的线索标记为失效（记录是哪一批次），不会删除；线索的处理状态不受重新筛查影响。',
    '',
    '## 设置（阈值与启停）',
    '',
    '每个阈值都是可设置的参数，每条规则都可以停用。设置文件为 JSON（`--settings FILE`，默认读取当前目录下存在的 `zhili.settings.json`）：',
    '',
    '```json',
    ex.json,
    '```',
    '',
    `命令行 \`--set 规则.参数=值\` 逐项覆盖设置文件，例如 ${ex.set.map((x) => `\`--set ${x}\``).join('、')}。`,
    '启动时即按下表校验：未知规则、未知参数、类型不符（数字、布尔值 true/false、文本）或超出取值范围，都会给出一行指明设置项的中文错误并停止。',
    '`--rules` 接受规则编号或通配符，以逗号分隔，例如 `--rules TR-*,EV-PASS-RATE`。',
    '',
  ];
  for (const fam of FAMILY_ORDER) {
    const list = rules.filter((r) => r.family === fam);
    out.push(`## ${FAMILY_ZH[fam]} (${fam})`, '');
    if (!list.length) {
      out.push('（尚无规则）', '');
      continue;
    }
    out.push('| 编号 | 中文名称 | 对象 | 严重程度 | 所需数据 | 参数（默认值） | 说明 |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const r of list) {
      const any = r.needsAny?.length ? [`以下至少其一：${r.needsAny.map((e) => `${e}（${ENTITIES[e].zh}）`).join('、')}`] : [];
      const opt = r.optional?.length ? [`可选（缺少时照常运行）：${r.optional.map((e) => `${e}（${ENTITIES[e].zh}）`).join('、')}`] : [];
      const needs = [...r.needs.map((e) => `${e}（${ENTITIES[e].zh}）`), ...any, ...opt].join('<br>');
      const params = r.params.length ? r.params.map(paramText).join('<br>') : '—';
      out.push(
        `| ${r.id} | ${cell(r.title)} | ${r.subject}（${SUBJECT_ZH[r.subject]}） | ${r.severity}（${SEVERITY_ZH[r.severity]}） | ${cell(needs || '—')} | ${cell(params)} | ${cell(r.description)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

/** Where the generated file lives, relative to this module. */
export const RULES_DOC_URL = new URL('../../docs/RULES.md', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(fileURLToPath(RULES_DOC_URL)), { recursive: true });
  writeFileSync(RULES_DOC_URL, renderRulesDoc());
  console.log(`wrote docs/RULES.md (${RULES.length} rules)`);
}
