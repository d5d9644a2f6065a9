/**
 * GB/T 2260 administrative division codes — a deliberately small, hand-picked table.
 *
 * Source: codes and names as published by the Ministry of Civil Affairs (统计用区划代码 /
 * 行政区划代码, 2023 state), cross-checked against a public transcription
 * (github.com/modood/Administrative-divisions-of-China, dist/areas.csv).
 *
 * Limits (on purpose — this is enough for synthetic data and for plausibility checks):
 * - all 34 province-level units; for each mainland province its capital plus 3–4 other
 *   prefecture-level units, and 2–8 county-level units under each of those. A few
 *   hundred codes in all; real data will contain many codes that are not listed here.
 * - codes that were abolished or renamed (e.g. 440524 潮阳县, which appears in old
 *   identity numbers) are not listed: {@link isKnownRegion} is false for them, and
 *   identity-number parsing reports that as a warning (`regionKnown: false`), never as
 *   invalid.
 * - municipalities (11, 12, 31, 50) have no prefecture-level cities: their "city" code
 *   is 1101 / 1201 / 3101 / 5001 (市辖区) and 5002 (县).
 * - Taiwan (71), Hong Kong (81) and Macao (82) only have the province-level code.
 * - Hainan has only 4 prefecture-level cities; its third group is 4690
 *   (省直辖县级行政区划). 东莞 (441900), 中山 (442000) and 儋州 (460400) have no
 *   county level: the city code itself is the 6-digit region code.
 */

/** 2-digit province prefix → province-level name (all 34). */
export const PROVINCES: Readonly<Record<string, string>> = Object.freeze({
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区',
  '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省',
  '41': '河南省', '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省',
  '50': '重庆市', '51': '四川省', '52': '贵州省', '53': '云南省', '54': '西藏自治区',
  '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
  '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区',
});

// One line per prefecture-level unit: "CITY NAME: COUNTY NAME, COUNTY NAME ...".
// A city with no county list (东莞, 中山, 儋州) is itself a county-level code (xxxx00).
const RAW = `
1101 市辖区: 110101 东城区, 110102 西城区, 110105 朝阳区, 110106 丰台区, 110108 海淀区, 110112 通州区, 110114 昌平区, 110115 大兴区
1201 市辖区: 120101 和平区, 120102 河东区, 120103 河西区, 120104 南开区, 120114 武清区, 120116 滨海新区
1301 石家庄市: 130102 长安区, 130104 桥西区, 130105 新华区, 130108 裕华区
1302 唐山市: 130202 路南区, 130203 路北区, 130281 遵化市
1304 邯郸市: 130402 邯山区, 130403 丛台区, 130481 武安市
1306 保定市: 130602 竞秀区, 130606 莲池区, 130681 涿州市, 130682 定州市
1310 廊坊市: 131002 安次区, 131003 广阳区, 131082 三河市
1401 太原市: 140105 小店区, 140106 迎泽区, 140107 杏花岭区, 140109 万柏林区
1402 大同市: 140213 平城区, 140214 云冈区, 140221 阳高县
1404 长治市: 140403 潞州区, 140404 上党区, 140423 襄垣县
1408 运城市: 140802 盐湖区, 140821 临猗县, 140881 永济市
1501 呼和浩特市: 150102 新城区, 150103 回民区, 150104 玉泉区, 150105 赛罕区
1502 包头市: 150202 东河区, 150203 昆都仑区, 150204 青山区
1504 赤峰市: 150402 红山区, 150404 松山区, 150429 宁城县
1506 鄂尔多斯市: 150602 东胜区, 150603 康巴什区, 150627 伊金霍洛旗
2101 沈阳市: 210102 和平区, 210103 沈河区, 210105 皇姑区, 210106 铁西区
2102 大连市: 210202 中山区, 210203 西岗区, 210204 沙河口区, 210211 甘井子区
2103 鞍山市: 210302 铁东区, 210303 铁西区, 210381 海城市
2104 抚顺市: 210402 新抚区, 210411 顺城区, 210421 抚顺县
2201 长春市: 220102 南关区, 220103 宽城区, 220104 朝阳区, 220106 绿园区
2202 吉林市: 220202 昌邑区, 220204 船营区, 220281 蛟河市
2203 四平市: 220302 铁西区, 220303 铁东区, 220322 梨树县
2224 延边朝鲜族自治州: 222401 延吉市, 222403 敦化市, 222404 珲春市
2301 哈尔滨市: 230102 道里区, 230103 南岗区, 230104 道外区, 230109 松北区
2302 齐齐哈尔市: 230202 龙沙区, 230203 建华区, 230281 讷河市
2306 大庆市: 230602 萨尔图区, 230603 龙凤区, 230604 让胡路区
2310 牡丹江市: 231002 东安区, 231081 绥芬河市, 231084 宁安市
3101 市辖区: 310101 黄浦区, 310104 徐汇区, 310105 长宁区, 310106 静安区, 310107 普陀区, 310110 杨浦区, 310112 闵行区, 310115 浦东新区
3201 南京市: 320102 玄武区, 320104 秦淮区, 320105 建邺区, 320106 鼓楼区, 320115 江宁区
3202 无锡市: 320211 滨湖区, 320213 梁溪区, 320281 江阴市
3203 徐州市: 320302 鼓楼区, 320303 云龙区, 320382 邳州市
3205 苏州市: 320506 吴中区, 320508 姑苏区, 320582 张家港市, 320583 昆山市
3206 南通市: 320612 通州区, 320613 崇川区, 320682 如皋市
3301 杭州市: 330102 上城区, 330105 拱墅区, 330106 西湖区, 330108 滨江区, 330109 萧山区
3302 宁波市: 330203 海曙区, 330212 鄞州区, 330281 余姚市, 330282 慈溪市
3303 温州市: 330302 鹿城区, 330381 瑞安市, 330382 乐清市
3307 金华市: 330702 婺城区, 330782 义乌市, 330783 东阳市
3401 合肥市: 340102 瑶海区, 340103 庐阳区, 340104 蜀山区, 340111 包河区
3402 芜湖市: 340202 镜湖区, 340207 鸠江区, 340281 无为市
3403 蚌埠市: 340302 龙子湖区, 340303 蚌山区, 340321 怀远县
3412 阜阳市: 341202 颍州区, 341221 临泉县, 341282 界首市
3501 福州市: 350102 鼓楼区, 350103 台江区, 350104 仓山区, 350181 福清市
3502 厦门市: 350203 思明区, 350206 湖里区, 350211 集美区
3505 泉州市: 350502 鲤城区, 350503 丰泽区, 350582 晋江市, 350583 南安市
3506 漳州市: 350602 芗城区, 350603 龙文区, 350623 漳浦县
3601 南昌市: 360102 东湖区, 360103 西湖区, 360111 青山湖区, 360121 南昌县
3604 九江市: 360402 濂溪区, 360403 浔阳区, 360481 瑞昌市
3607 赣州市: 360702 章贡区, 360703 南康区, 360781 瑞金市
3609 宜春市: 360902 袁州区, 360981 丰城市, 360983 高安市
3701 济南市: 370102 历下区, 370103 市中区, 370104 槐荫区, 370112 历城区
3702 青岛市: 370202 市南区, 370203 市北区, 370211 黄岛区, 370212 崂山区
3706 烟台市: 370602 芝罘区, 370613 莱山区, 370681 龙口市
3707 潍坊市: 370702 潍城区, 370705 奎文区, 370783 寿光市
3713 临沂市: 371302 兰山区, 371311 罗庄区, 371321 沂南县
4101 郑州市: 410102 中原区, 410103 二七区, 410105 金水区, 410184 新郑市
4103 洛阳市: 410302 老城区, 410305 涧西区, 410311 洛龙区
4113 南阳市: 411302 宛城区, 411303 卧龙区, 411381 邓州市
4116 周口市: 411602 川汇区, 411628 鹿邑县, 411681 项城市
4190 省直辖县级行政区划: 419001 济源市
4201 武汉市: 420102 江岸区, 420103 江汉区, 420106 武昌区, 420111 洪山区
4205 宜昌市: 420502 西陵区, 420506 夷陵区, 420581 宜都市
4206 襄阳市: 420602 襄城区, 420606 樊城区, 420683 枣阳市
4210 荆州市: 421002 沙市区, 421003 荆州区, 421083 洪湖市
4290 省直辖县级行政区划: 429004 仙桃市, 429005 潜江市
4301 长沙市: 430102 芙蓉区, 430103 天心区, 430104 岳麓区, 430111 雨花区
4302 株洲市: 430202 荷塘区, 430211 天元区, 430281 醴陵市
4304 衡阳市: 430405 珠晖区, 430406 雁峰区, 430481 耒阳市
4306 岳阳市: 430602 岳阳楼区, 430621 岳阳县, 430681 汨罗市
4401 广州市: 440103 荔湾区, 440104 越秀区, 440105 海珠区, 440106 天河区, 440111 白云区, 440113 番禺区
4403 深圳市: 440303 罗湖区, 440304 福田区, 440305 南山区, 440306 宝安区, 440307 龙岗区
4405 汕头市: 440507 龙湖区, 440511 金平区, 440513 潮阳区
4406 佛山市: 440604 禅城区, 440605 南海区, 440606 顺德区
4413 惠州市: 441302 惠城区, 441303 惠阳区, 441322 博罗县
4419 东莞市
4420 中山市
4501 南宁市: 450102 兴宁区, 450103 青秀区, 450105 江南区, 450107 西乡塘区
4502 柳州市: 450202 城中区, 450203 鱼峰区, 450206 柳江区
4503 桂林市: 450302 秀峰区, 450305 七星区, 450321 阳朔县
4509 玉林市: 450902 玉州区, 450921 容县, 450981 北流市
4601 海口市: 460105 秀英区, 460106 龙华区, 460107 琼山区, 460108 美兰区
4602 三亚市: 460202 海棠区, 460203 吉阳区, 460204 天涯区
4604 儋州市
4690 省直辖县级行政区划: 469002 琼海市, 469005 文昌市, 469006 万宁市
5001 市辖区: 500101 万州区, 500103 渝中区, 500105 江北区, 500106 沙坪坝区, 500107 九龙坡区, 500108 南岸区, 500112 渝北区
5002 县: 500233 忠县, 500236 奉节县
5101 成都市: 510104 锦江区, 510105 青羊区, 510106 金牛区, 510107 武侯区, 510108 成华区
5107 绵阳市: 510703 涪城区, 510704 游仙区, 510781 江油市
5113 南充市: 511302 顺庆区, 511303 高坪区, 511381 阆中市
5115 宜宾市: 511502 翠屏区, 511503 南溪区, 511504 叙州区
5134 凉山彝族自治州: 513401 西昌市, 513402 会理市
5201 贵阳市: 520102 南明区, 520103 云岩区, 520111 花溪区, 520115 观山湖区
5202 六盘水市: 520201 钟山区, 520204 水城区, 520281 盘州市
5203 遵义市: 520302 红花岗区, 520303 汇川区, 520382 仁怀市
5205 毕节市: 520502 七星关区, 520521 大方县, 520526 威宁彝族回族苗族自治县
5301 昆明市: 530102 五华区, 530103 盘龙区, 530111 官渡区, 530112 西山区
5303 曲靖市: 530302 麒麟区, 530303 沾益区, 530381 宣威市
5325 红河哈尼族彝族自治州: 532501 个旧市, 532503 蒙自市, 532504 弥勒市
5329 大理白族自治州: 532901 大理市, 532923 祥云县, 532924 宾川县
5401 拉萨市: 540102 城关区, 540103 堆龙德庆区, 540104 达孜区
5402 日喀则市: 540202 桑珠孜区, 540222 江孜县, 540223 定日县
5403 昌都市: 540302 卡若区, 540321 江达县, 540328 芒康县
5404 林芝市: 540402 巴宜区, 540423 墨脱县, 540424 波密县
6101 西安市: 610102 新城区, 610103 碑林区, 610104 莲湖区, 610113 雁塔区, 610116 长安区
6103 宝鸡市: 610302 渭滨区, 610303 金台区, 610304 陈仓区
6104 咸阳市: 610402 秦都区, 610404 渭城区, 610481 兴平市
6108 榆林市: 610802 榆阳区, 610803 横山区, 610881 神木市
6201 兰州市: 620102 城关区, 620103 七里河区, 620104 西固区, 620105 安宁区
6205 天水市: 620502 秦州区, 620503 麦积区, 620523 甘谷县
6207 张掖市: 620702 甘州区, 620722 民乐县, 620724 高台县
6209 酒泉市: 620902 肃州区, 620981 玉门市, 620982 敦煌市
6301 西宁市: 630102 城东区, 630103 城中区, 630104 城西区, 630105 城北区
6302 海东市: 630202 乐都区, 630203 平安区, 630223 互助土族自治县
6327 玉树藏族自治州: 632701 玉树市, 632722 杂多县, 632723 称多县
6328 海西蒙古族藏族自治州: 632801 格尔木市, 632802 德令哈市, 632803 茫崖市
6401 银川市: 640104 兴庆区, 640105 西夏区, 640106 金凤区, 640181 灵武市
6402 石嘴山市: 640202 大武口区, 640205 惠农区, 640221 平罗县
6403 吴忠市: 640302 利通区, 640303 红寺堡区, 640381 青铜峡市
6404 固原市: 640402 原州区, 640422 西吉县, 640425 彭阳县
6501 乌鲁木齐市: 650102 天山区, 650103 沙依巴克区, 650104 新市区, 650105 水磨沟区
6502 克拉玛依市: 650202 独山子区, 650203 克拉玛依区, 650204 白碱滩区
6523 昌吉回族自治州: 652301 昌吉市, 652302 阜康市, 652324 玛纳斯县
6531 喀什地区: 653101 喀什市, 653121 疏附县, 653125 莎车县
6540 伊犁哈萨克自治州: 654002 伊宁市, 654003 奎屯市, 654004 霍尔果斯市
`;

/** A code with its own (short) name and its full name from the province down. */
export interface RegionEntry {
  /** 2-, 4- or 6-digit code as used by this table (province, city, county). */
  code: string;
  /** Official short name at its own level, e.g. '天河区'. */
  name: string;
  /** Full name, e.g. '广东省广州市天河区'; municipalities skip the '市辖区' level. */
  fullName: string;
}

// Placeholder city-level names that carry no information in a full address.
const GROUP_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);

const CITIES = new Map<string, RegionEntry>(); // 4-digit
const COUNTIES = new Map<string, RegionEntry>(); // 6-digit, county level
const KNOWN6 = new Set<string>(); // every 6-digit code in the table, all levels
const COUNTIES_BY_PROVINCE = new Map<string, RegionEntry[]>();

for (const p of Object.keys(PROVINCES)) {
  KNOWN6.add(p + '0000');
  COUNTIES_BY_PROVINCE.set(p, []);
}
for (const line of RAW.split('\n')) {
  const trimmed = line.trim();
  if (!trimmed) continue;
  const [head, tail] = trimmed.split(':');
  const [cityCode, cityName] = head!.trim().split(' ') as [string, string];
  const p = cityCode.slice(0, 2);
  const provinceName = PROVINCES[p]!;
  const cityFull = provinceName + (GROUP_NAMES.has(cityName) ? '' : cityName);
  CITIES.set(cityCode, { code: cityCode, name: GROUP_NAMES.has(cityName) ? provinceName : cityName, fullName: cityFull });
  KNOWN6.add(cityCode + '00');
  const list = COUNTIES_BY_PROVINCE.get(p)!;
  if (tail === undefined) {
    // City without a county level: the city's own xxxx00 code is the county-level code.
    const e = { code: cityCode + '00', name: cityName, fullName: cityFull };
    COUNTIES.set(e.code, e);
    list.push(e);
    continue;
  }
  for (const item of tail.split(',')) {
    const [code, name] = item.trim().split(' ') as [string, string];
    const e = { code, name, fullName: cityFull + name };
    COUNTIES.set(code, e);
    KNOWN6.add(code);
    list.push(e);
  }
}

/** True when the 2-digit prefix is one of the 34 province-level units. */
export function isKnownProvince(prefix2: string): boolean {
  return prefix2.length === 2 && Object.prototype.hasOwnProperty.call(PROVINCES, prefix2);
}

/**
 * True when the 6-digit code is in this (partial) table, at any level
 * (province xx0000, city xxxx00, or county). Unknown ≠ invalid: see the module comment.
 */
export function isKnownRegion(code: string): boolean {
  return KNOWN6.has(code);
}

/** Province of a 2-, 4- or 6-digit code, or undefined when the prefix is not a province. */
export function provinceOf(code: string): { code: string; name: string } | undefined {
  const p = code.slice(0, 2);
  const name = PROVINCES[p];
  return name === undefined || code.length < 2 ? undefined : { code: p, name };
}

/**
 * Prefecture-level unit of a 4- or 6-digit code, when it is in the table. For
 * municipalities the name is the municipality's ('北京市' for 1101).
 */
export function cityOf(code: string): { code: string; name: string } | undefined {
  if (code.length < 4) return undefined;
  const c = CITIES.get(code.slice(0, 4));
  return c === undefined ? undefined : { code: c.code, name: c.name };
}

/**
 * Full name of a region code, as precise as the table allows: '广东省广州市天河区' for
 * 440106, '广东省广州市' for 440100 or 4401, '广东省' for 440000 or 44. For a county
 * missing from the table the best known prefix is returned ('广东省汕头市' for 440599);
 * undefined when even the province is unknown.
 */
export function regionName(code: string): string | undefined {
  const county = COUNTIES.get(code);
  if (county !== undefined) return county.fullName;
  const city = code.length >= 4 ? CITIES.get(code.slice(0, 4)) : undefined;
  if (city !== undefined) return city.fullName;
  return provinceOf(code)?.name;
}

/** County-level entries of a province (by 2-digit prefix) in table order; empty when unknown. */
export function countiesOf(provincePrefix: string): readonly RegionEntry[] {
  return COUNTIES_BY_PROVINCE.get(provincePrefix.slice(0, 2)) ?? [];
}

/** All county-level entries of the table (for generators that draw a random region). */
export function allCounties(): readonly RegionEntry[] {
  return ALL_COUNTIES;
}

const ALL_COUNTIES: readonly RegionEntry[] = Object.freeze([...COUNTIES.values()]);

/** Every region name of the table at its own level (province, city, county), e.g. 广东省, 广州市, 天河区. */
export function regionNames(): readonly string[] {
  return REGION_NAMES;
}

const REGION_NAMES: readonly string[] = Object.freeze([
  ...new Set([
    ...Object.values(PROVINCES),
    ...[...CITIES.values()].map((c) => c.name),
    ...[...COUNTIES.values()].map((c) => c.name),
  ]),
]);
