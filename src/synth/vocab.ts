/**
 * Word lists for the synthetic province: names, occupations, institution names and the
 * texts of adverts, platform listings and complaints (innocent and planted).
 */

export const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高',
  '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '袁', '蔡', '蒋', '余',
  '于', '杜', '叶', '程', '魏', '苏', '吕', '丁', '任', '卢', '姚', '沈', '钟', '姜', '崔', '谭', '陆', '范', '汪', '廖',
  '欧阳', '司马', '诸葛',
];
export const GIVEN = (
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛' +
  '瑞凡佳嘉琼勤珍贞莉思丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝' +
  '晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳鹏浩宇轩博文子豪俊辉建国志强永健世鑫晨泽宏'
).split('');

export const BRANDS = (
  '华南 珠江 南粤 岭南 新世纪 宏达 博学 天成 金桥 长城 东方 恒信 育才 明德 启航 卓越 安信 创新 立信 鸿图 ' +
  '锦程 远航 正大 汇智 精英 优才 万家 同心 德馨 匠心 技能 百川 腾飞 嘉禾 瑞丰 阳光 星火 新航 领航 智源 ' +
  '鼎盛 和谐 富邦 广源 兴业 泰和 永安 信达 华夏 开元 康宁 惠民 众诚 乐业 美好 青藤 春晖 蓝天 绿洲 金穗'
).split(' ');

export const TRAINING_SUFFIX = [
  '职业培训学校有限公司',
  '职业技能培训学校',
  '职业培训学校',
  '技工学校',
  '职业技术学院',
  '培训中心有限公司',
  '教育科技有限公司',
  '人力资源服务有限公司',
];
export const EVAL_SUFFIX = ['职业技能评价中心', '技能人才评价有限公司', '职业技能等级认定中心有限公司'];

export const STREETS = ['人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '工业大道', '科技园路', '滨江路', '文化路', '迎宾大道', '学府路'];

export const PLATFORMS = ['淘宝', '拼多多', '京东', '闲鱼', '抖音小店', '快手小店'];

/** Innocent advert templates of training institutions (legitimate 中国/国家/全国 in proper names). */
export const ADS_INNOCENT: readonly string[] = [
  '{name}开设{occ}培训班，共{hours}学时，小班教学，结业颁发培训合格证明。补贴资金可发放至中国银行、中国工商银行借记卡。咨询电话{tel}。',
  '{name}与国家开放大学合作开展学历提升，{occ}技能培训同步报名，名额有限，欢迎咨询。',
  '全国计算机等级考试考前辅导班开课啦！{name}同时开设{occ}培训，周末班、晚班可选。',
  '{occ}培训课程内容涵盖《中华人民共和国劳动法》《中华人民共和国劳动合同法》等法律常识及岗位实操技能。',
  '{name}校企合作单位：华为技术（中国）有限公司、中国移动通信集团广东有限公司。{occ}班学员优先推荐就业。',
  '借鉴发达国家职业教育经验，{name}推行项目式教学，{occ}课程理论与实操结合。',
  '{occ}培训配套教材全国包邮，报名即赠实操工具包。地址：{addr}。',
  '{name}{occ}培训班春季招生，符合条件的学员可按规定申请职业培训补贴。',
  '零基础学{occ}！{name}专业师资，手把手教学，培训结束推荐就业岗位。',
];

/** Innocent adverts of registered evaluation institutions. */
export const ADS_EVAL: readonly string[] = [
  '{name}（备案号{reg}）开展{occ}职业技能等级认定，考核合格者颁发职业技能等级证书，证书信息可在线查询。',
  '{name}{occ}四级/中级工、五级/初级工职业技能等级认定报名通知，请携带身份证件及相关证明材料。',
];

/** AD-TERMS: forbidden wording by publishers that are not registered evaluation institutions. */
export const ADS_TERMS: readonly string[] = [
  '全国通用职业资格证书，包过！报名即可拿证，咨询{tel}',
  '包 过 不过全额退费——職業資格证书快速办理，{tel}',
  '职业技能鉴定一条龙服务，保过，七天出证',
  '包\u200b过！国家认可证书，全国联网可查，咨询{tel}',
  '中华职业资格认证 包-过 名额有限',
  '国家级证书 全国通用 包过班火热报名中',
];

/** AD-AGENCY: posing as a government body (no AD-TERMS wording, no occupation named). */
export const ADS_AGENCY: readonly string[] = [
  '结业证书由人社部颁发，网上可查，终身有效，咨询{tel}',
  '培训结业证书由人力资源和社会保障部监制，加盖国徽钢印',
  '本课程经省人社厅认证，结业即可领证',
  '证书经市场监管总局认证，权威可靠，欢迎报名',
  '结业证书印有国徽图案，由市人社局颁发，报名热线{tel}',
];

/** AD-FAKE-QUAL: "national vocational qualification" for occupations not in the qualification catalog. */
export const ADS_FAKE_QUAL: readonly string[] = [
  '报考心理咨询师国家职业资格证书，就业无忧，{tel}',
  '健康管理师国家职业资格三级考试报名开始了',
  '考取公共营养师国家职业资格，开启营养健康职业',
  '心理咨询师（国家职业资格二级）培训招生，周末授课',
  '企业人力资源管理师国家职业资格证书培训班开课',
];

export const LISTINGS_INNOCENT: readonly { title: string; desc: string; price: number }[] = [
  { title: '电工工具套装 家用五金组合', desc: '螺丝刀 电笔 钳子 23件套', price: 89 },
  { title: '焊工劳保手套 10双装', desc: '耐高温 加厚牛皮', price: 35.5 },
  { title: '中式面点模具套装', desc: '月饼 包子 花卷模具', price: 49.9 },
  { title: '育婴员培训教材（第二版）', desc: '理论知识与操作技能，全国包邮', price: 42 },
  { title: '家政服务员工作服 围裙套装', desc: '防水防油 多色可选', price: 29 },
  { title: '电工（中级）技能训练题库', desc: '历年练习题与解析 纸质版', price: 38 },
  { title: '美发剪刀 专业理发工具', desc: '平剪牙剪套装', price: 128 },
  { title: '茶艺师茶具套装', desc: '功夫茶具 白瓷盖碗', price: 168 },
  { title: '养老护理实操模拟人', desc: '护理训练教具', price: 1299 },
  { title: '汽车维修工具箱 120件套', desc: '套筒扳手组合', price: 259 },
];

/** PL-LISTING: certificates offered for sale. */
export const LISTINGS_PLANT: readonly { title: string; desc: string; price: number }[] = [
  { title: '职业技能等级证书代办 包过 快速拿证', desc: '各工种均可办理，无需到场', price: 1880 },
  { title: '电工证 职业资格证书 代考 免考 出证快', desc: '全程代办，不过退款', price: 2600 },
  { title: '各类职业技能鉴定 挂靠 代办', desc: '联网可查 加急出证', price: 3500 },
  { title: '育婴员职业技能等级证书 保过 不过退款', desc: '零基础 免培训', price: 999 },
  { title: '心理咨询师 职业资格证书 快速拿证 免考', desc: '一个月出证', price: 4200 },
  { title: '健康管理师职业技能等级证书 出证 包过', desc: '可挂靠', price: 2200 },
];

export const COMPLAINT_TEXTS: readonly string[] = [
  '反映{subj}虚报培训人数，套取职业培训补贴资金。',
  '{subj}培训班实际只上了几天课，却按全部学时申领补贴。',
  '举报{subj}让学员代签到，考勤记录造假。',
  '{subj}收取报名费后未按约定组织培训，要求退费无果。',
  '{subj}宣传"包过拿证"，疑似违规发放证书。',
  '反映{subj}组织考试时考场纪律混乱，存在替考现象。',
  '{subj}培训质量差，授课教师经常缺席。',
];
