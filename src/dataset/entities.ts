/**
 * The dataset interchange format (shared/spec/DATA-FORMAT.md v1) as data.
 *
 * One place for every entity, column, Chinese alias, cell type, required flag and key.
 * The importer, the store's migration test, the generator and the screening rules all
 * read this; nothing else restates the format.
 *
 * Store mapping: table name = entity name; column name = English column name; plus
 *   `<col>_raw` VARCHAR for columns marked `raw` (text exactly as in the file, needed by
 *   ON-TAMPER's hash recomputation), and the provenance columns `src_file`, `src_line`
 *   and `extra` (JSON text of unknown columns) on every table.
 */

/** Cell types of DATA-FORMAT.md "Cells". */
export type CellType =
  | 'text' // trimmed string
  | 'int' // integer
  | 'num' // decimal number (double)
  | 'money' // yuan in the file, integer fen in the store
  | 'date' // DATE
  | 'timestamp' // TIMESTAMP, local Asia/Shanghai time
  | 'bool' // true/false 1/0 Y/N 是/否
  | 'list' // ';' or '；' separated; stored joined with ';'
  | 'levels' // skill levels list: '3;4;5' or '3-5'; stored as sorted '3;4;5'
  | 'level' // skill level 1..5
  | 'id_number' // identity number; stored trimmed, 'x' upper-cased; never validated on import
  | 'uscc' // unified social credit code; stored trimmed upper-case; never validated on import
  | 'region_code' // 6 digits, stored as text
  | 'occupation_code' // X-XX-XX-XX, stored as text
  | 'enum'; // one of `values`, stored lower-case

export interface ColumnDef {
  /** English column name = store column name. */
  name: string;
  /** Chinese header aliases accepted on import; the first is the canonical one. */
  zh: string[];
  type: CellType;
  required?: boolean;
  /** Allowed values for `enum`. */
  values?: readonly string[];
  /** Default applied when the cell is empty (as a file value, parsed like one). */
  default?: string;
  /** Keep the original text in `<name>_raw` too. */
  raw?: boolean;
}

export interface EntityDef {
  name: EntityName;
  /** Chinese entity name (also accepted as an XLSX sheet name). */
  zh: string;
  columns: ColumnDef[];
  /** Key columns; a second row with the same key in a dataset is quarantined. */
  key: string[];
  /**
   * `unique`: duplicate key → quarantine. `exact-row`: only an exact duplicate row is
   * quarantined (certificates: the same number with different data is evidence).
   */
  keyMode: 'unique' | 'exact-row';
}

export const ENTITY_NAMES = [
  'institutions',
  'eval_scopes',
  'projects',
  'persons',
  'staff',
  'classes',
  'sessions',
  'enrollments',
  'attendance',
  'online_events',
  'claims',
  'claim_items',
  'payments',
  'exams',
  'exam_results',
  'certificates',
  'ads',
  'listings',
  'complaints',
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

const c = (
  name: string,
  zh: string | string[],
  type: CellType,
  opts: Partial<Omit<ColumnDef, 'name' | 'zh' | 'type'>> = {},
): ColumnDef => ({ name, zh: Array.isArray(zh) ? zh : [zh], type, ...opts });
const req = { required: true } as const;

const ID_NUMBER = (opts: Partial<ColumnDef> = {}) => c('id_number', ['证件号码', '身份证号', '身份证号码'], 'id_number', { ...req, ...opts });
const INSTITUTION_ID = c('institution_id', ['机构编号'], 'text', req);
const LAT = (name = 'lat', zh = '纬度') => c(name, zh, 'num');
const LON = (name = 'lon', zh = '经度') => c(name, zh, 'num');

export const ENTITIES: Record<EntityName, EntityDef> = {
  institutions: {
    name: 'institutions',
    zh: '机构',
    key: ['institution_id'],
    keyMode: 'unique',
    columns: [
      INSTITUTION_ID,
      c('name', '机构名称', 'text', req),
      c('uscc', '统一社会信用代码', 'uscc', req),
      c('kind', '机构类型', 'enum', { ...req, values: ['training', 'evaluation', 'both'] }),
      c('category', '类别', 'enum', {
        values: ['vocational_college', 'technical_school', 'private', 'enterprise', 'association', 'affiliated_unit'],
      }),
      c('region_code', '行政区划代码', 'region_code', req),
      c('address', '地址', 'text'),
      LAT(),
      LON(),
      c('license_no', '办学许可证号', 'text'),
      c('license_valid_to', '许可证有效期至', 'date'),
      c('subsidy_catalog_from', '列入补贴机构目录日期', 'date'),
      c('subsidy_catalog_to', '移出补贴机构目录日期', 'date'),
      c('eval_registration_no', '评价机构备案号', 'text'),
      c('eval_registered_on', '备案日期', 'date'),
      c('eval_terminated_on', '终止备案日期', 'date'),
      c('supervising_department', '主管部门', 'text'),
      c('payee_account', '收款账号', 'text'),
      c('payee_name', '收款户名', 'text'),
    ],
  },
  eval_scopes: {
    name: 'eval_scopes',
    zh: '评价范围',
    key: ['institution_id', 'occupation_code'],
    keyMode: 'unique',
    columns: [
      INSTITUTION_ID,
      c('occupation_code', '职业编码', 'occupation_code', req),
      c('levels', '等级', 'levels', req),
      c('valid_from', ['有效期起', '生效日期'], 'date'),
      c('valid_to', ['有效期至', '失效日期'], 'date'),
    ],
  },
  projects: {
    name: 'projects',
    zh: '补贴培训项目',
    key: ['project_id'],
    keyMode: 'unique',
    columns: [
      c('project_id', '项目编号', 'text', req),
      c('name', '项目名称', 'text', req),
      c('occupation_code', '职业编码', 'occupation_code'),
      c('level', '等级', 'level'),
      c('category', '类别', 'enum', { values: ['employment', 'upgrading', 'entrepreneurship', 'interest', 'other'] }),
      c('standard_hours', '标准学时', 'num', req),
      c('subsidy_per_person', '补贴标准', 'money', req),
      c('catalog_from', '列入目录日期', 'date', req),
      c('catalog_to', '移出目录日期', 'date'),
    ],
  },
  persons: {
    name: 'persons',
    zh: '人员',
    key: ['id_number'],
    keyMode: 'unique',
    columns: [
      ID_NUMBER(),
      c('name', '姓名', 'text', req),
      c('phone', '手机号', 'text'),
      c('bank_account', '银行账号', 'text'),
      c('region_code', '户籍地', 'region_code'),
      c('date_of_death', '死亡日期', 'date'),
      c('is_public_official', '是否公职人员', 'bool'),
      c('employer_uscc', '工作单位信用代码', 'uscc'),
    ],
  },
  staff: {
    name: 'staff',
    zh: '机构人员',
    key: ['institution_id', 'id_number'],
    keyMode: 'unique',
    columns: [
      INSTITUTION_ID,
      ID_NUMBER(),
      c('role', '角色', 'enum', { ...req, values: ['legal_rep', 'teacher', 'examiner', 'manager', 'other'] }),
      c('from', ['起始日期', '任职起'], 'date'),
      c('to', ['终止日期', '任职止'], 'date'),
    ],
  },
  classes: {
    name: 'classes',
    zh: '培训班',
    key: ['class_id'],
    keyMode: 'unique',
    columns: [
      c('class_id', '班级编号', 'text', req),
      INSTITUTION_ID,
      c('project_id', '项目编号', 'text', req),
      c('mode', '培训方式', 'enum', { ...req, values: ['offline', 'online', 'blended'] }),
      c('start_date', '开班日期', 'date', req),
      c('end_date', '结业日期', 'date', req),
      c('planned_hours', '计划学时', 'num', req),
      c('venue_address', '培训地点', 'text'),
      LAT('venue_lat', '培训地点纬度'),
      LON('venue_lon', '培训地点经度'),
      c('region_code', '行政区划代码', 'region_code'),
      c('delivered_by', '实际承训机构编号', 'text'),
    ],
  },
  sessions: {
    name: 'sessions',
    zh: '课次',
    key: ['session_id'],
    keyMode: 'unique',
    columns: [
      c('session_id', '课次编号', 'text', req),
      c('class_id', '班级编号', 'text', req),
      c('starts_at', '开始时间', 'timestamp', req),
      c('ends_at', '结束时间', 'timestamp', req),
      c('teacher_id_number', '授课教师证件号', 'id_number'),
      LAT('venue_lat', '上课地点纬度'),
      LON('venue_lon', '上课地点经度'),
    ],
  },
  enrollments: {
    name: 'enrollments',
    zh: '学员名单',
    key: ['class_id', 'id_number'],
    keyMode: 'unique',
    columns: [
      c('class_id', '班级编号', 'text', req),
      ID_NUMBER(),
      c('enrolled_on', '报名日期', 'date'),
      c('completed', '是否结业', 'bool'),
      c('completed_hours', '结业学时', 'num'),
      c('employed', '是否就业', 'bool'),
      c('employer_uscc', '就业单位信用代码', 'uscc'),
    ],
  },
  attendance: {
    name: 'attendance',
    zh: '考勤记录',
    key: ['session_id', 'id_number'],
    keyMode: 'unique',
    columns: [
      c('session_id', '课次编号', 'text', req),
      ID_NUMBER(),
      c('checked_at', '签到时间', 'timestamp', req),
      c('method', '签到方式', 'enum', { values: ['face', 'card', 'fingerprint', 'manual', 'signature'] }),
      c('face_score', '人脸比对分', 'num'),
      LAT(),
      LON(),
      c('device_id', '设备编号', 'text'),
    ],
  },
  online_events: {
    name: 'online_events',
    zh: '线上学习记录',
    key: ['event_id'],
    keyMode: 'unique',
    columns: [
      c('event_id', '事件编号', 'text', { ...req, raw: true }),
      ID_NUMBER({ raw: true }),
      c('class_id', '班级编号', 'text', { ...req, raw: true }),
      c('at', '时间', 'timestamp', { ...req, raw: true }),
      c('type', '事件类型', 'enum', { ...req, values: ['login', 'face', 'heartbeat', 'progress', 'logout'], raw: true }),
      c('device_id', '设备编号', 'text'),
      c('ip', 'IP地址', 'text'),
      c('course_item', '课件编号', 'text'),
      c('position_s', '播放进度', 'num', { raw: true }),
      c('face_score', '人脸比对分', 'num'),
      c('prev_hash', '前一哈希', 'text'),
      c('hash', '哈希', 'text'),
    ],
  },
  claims: {
    name: 'claims',
    zh: '补贴申领',
    key: ['claim_id'],
    keyMode: 'unique',
    columns: [
      c('claim_id', '申领编号', 'text', req),
      INSTITUTION_ID,
      c('class_id', '班级编号', 'text', req),
      c('submitted_on', '申领日期', 'date', req),
      c('amount', '申领金额', 'money', req),
      c('status', '状态', 'enum', { values: ['submitted', 'approved', 'paid', 'rejected'] }),
    ],
  },
  claim_items: {
    name: 'claim_items',
    zh: '申领明细',
    key: ['claim_id', 'id_number'],
    keyMode: 'unique',
    columns: [c('claim_id', '申领编号', 'text', req), ID_NUMBER(), c('amount', '金额', 'money', req)],
  },
  payments: {
    name: 'payments',
    zh: '资金拨付',
    key: ['payment_id'],
    keyMode: 'unique',
    columns: [
      c('payment_id', '拨付编号', 'text', req),
      c('claim_id', '申领编号', 'text', req),
      c('paid_on', '拨付日期', 'date', req),
      c('amount', '拨付金额', 'money', req),
      c('payee_account', '收款账号', 'text', req),
      c('payee_name', '收款户名', 'text', req),
    ],
  },
  exams: {
    name: 'exams',
    zh: '评价批次',
    key: ['exam_id'],
    keyMode: 'unique',
    columns: [
      c('exam_id', '考试批次号', 'text', req),
      INSTITUTION_ID,
      c('occupation_code', '职业编码', 'occupation_code', req),
      c('level', '等级', 'level', req),
      c('starts_at', '开始时间', 'timestamp', req),
      c('ends_at', '结束时间', 'timestamp', req),
      c('venue_address', '考试地点', 'text'),
      c('capacity', '考位数', 'int'),
      c('pass_mark', '合格线', 'num', { default: '60' }),
      c('examiner_id_numbers', '考评员证件号', 'list'),
    ],
  },
  exam_results: {
    name: 'exam_results',
    zh: '考试成绩',
    key: ['exam_id', 'id_number'],
    keyMode: 'unique',
    columns: [
      c('exam_id', '考试批次号', 'text', req),
      ID_NUMBER(),
      c('theory_score', '理论成绩', 'num'),
      c('practical_score', '实操成绩', 'num'),
      c('passed', '是否合格', 'bool', req),
      c('absent', '缺考', 'bool'),
      c('basis', '申报条件', 'enum', { values: ['prior_certificate', 'experience', 'education', 'other'] }),
      c('experience_years', '工作年限', 'num'),
      c('prior_certificate_no', '原证书编号', 'text'),
      c('answers', '答题串', 'text'),
    ],
  },
  certificates: {
    name: 'certificates',
    zh: '证书',
    key: ['certificate_no'],
    keyMode: 'exact-row',
    columns: [
      c('certificate_no', '证书编号', 'text', req),
      ID_NUMBER(),
      c('occupation_code', '职业编码', 'occupation_code', req),
      c('level', '等级', 'level', req),
      c('institution_id', ['发证机构', '机构编号'], 'text', req),
      c('exam_id', '考试批次号', 'text'),
      c('issued_on', '发证日期', 'date', req),
      c('status', '状态', 'enum', { values: ['valid', 'void', 'revoked'], default: 'valid' }),
      c('uploaded_on', '上传全国库日期', 'date'),
    ],
  },
  ads: {
    name: 'ads',
    zh: '宣传材料',
    key: ['ad_id'],
    keyMode: 'unique',
    columns: [
      c('ad_id', '材料编号', 'text', req),
      c('source', '来源', 'enum', { values: ['web', 'wechat', 'platform', 'print', 'certificate', 'other'] }),
      c('publisher_name', '发布者名称', 'text'),
      c('publisher_uscc', '发布者信用代码', 'uscc'),
      c('url', '网址', 'text'),
      c('captured_on', '采集日期', 'date'),
      c('text', '正文', 'text', req),
    ],
  },
  listings: {
    name: 'listings',
    zh: '平台商品信息',
    key: ['listing_id'],
    keyMode: 'unique',
    columns: [
      c('listing_id', '商品编号', 'text', req),
      c('platform', '平台', 'text', req),
      c('shop_name', '店铺', 'text'),
      c('title', '标题', 'text', req),
      c('description', '描述', 'text'),
      c('price', '价格', 'money'),
      c('url', '网址', 'text'),
      c('captured_on', '采集日期', 'date'),
    ],
  },
  complaints: {
    name: 'complaints',
    zh: '投诉举报及其他线索',
    key: ['complaint_id'],
    keyMode: 'unique',
    columns: [
      c('complaint_id', '线索编号', 'text', req),
      c('received_on', '受理日期', 'date', req),
      c('channel', '来源渠道', 'enum', {
        ...req,
        values: ['hotline', 'online', 'letter', 'visit', 'media', 'audit', 'inspection', 'internet_search', 'onsite', 'other'],
      }),
      c('subject_name', '被反映对象', 'text'),
      c('subject_uscc', '被反映对象信用代码', 'uscc'),
      c('region_code', '行政区划代码', 'region_code'),
      c('text', '内容', 'text', req),
    ],
  },
};

/** Provenance columns present on every dataset table. */
export const PROVENANCE_COLUMNS = ['src_file', 'src_line', 'extra'] as const;

/** Normalise a header or sheet name for matching: NFKC (full-width → half-width), trim, lower case. */
export function normaliseHeader(h: string): string {
  return h.normalize('NFKC').replace(/^\uFEFF/, '').trim().toLowerCase();
}

/** Resolve an entity from an English or Chinese name (file prefix or sheet name). */
export function entityByName(name: string): EntityDef | undefined {
  const n = normaliseHeader(name);
  for (const e of Object.values(ENTITIES)) if (e.name === n || normaliseHeader(e.zh) === n) return e;
  return undefined;
}

/** Map a header cell to the column it names, or undefined for an unknown (extra) column. */
export function columnByHeader(entity: EntityDef, header: string): ColumnDef | undefined {
  const h = normaliseHeader(header);
  return entity.columns.find((col) => col.name === h || col.zh.some((z) => normaliseHeader(z) === h));
}
