/**
 * The text tables behind the demo data (see seed-demo.ts): a district modelled on Chengdu's Jinniu district,
 * its streets and departments, the people who work there, and complaint templates per category (domain.md).
 * Every business is "某…" — no real company is named. Mobile numbers are fake (1380000xxxx).
 */

export const AREA = "金牛区";

export type StreetDef = { name: string; aliases: string[]; roads: string[]; river?: string };

/** 15 streets (街道); `roads` give plausible addresses, `river` is the watercourse crossing the street, if any. */
export const STREETS: StreetDef[] = [
  { name: "荷花池街道", aliases: ["荷花池"], roads: ["大安西路", "解放路一段", "荷花池北街"] },
  { name: "驷马桥街道", aliases: ["驷马桥"], roads: ["驷马桥路", "昭觉寺南路", "高笋塘路"], river: "沙河" },
  { name: "西安路街道", aliases: ["西安路"], roads: ["西安中路", "西安北路", "花牌坊街"] },
  { name: "茶店子街道", aliases: ["茶店子"], roads: ["茶店子东街", "蜀西路", "蜀兴西街"] },
  { name: "抚琴街道", aliases: ["抚琴"], roads: ["抚琴西路", "抚琴东北路", "西南街"], river: "西郊河" },
  { name: "人民北路街道", aliases: ["人民北路"], roads: ["人民北路二段", "星辉西路", "马鞍北路"] },
  { name: "九里堤街道", aliases: ["九里堤"], roads: ["九里堤中路", "九里堤南路", "西北桥北街"], river: "府河" },
  { name: "营门口街道", aliases: ["营门口"], roads: ["营门口路", "花照壁西顺街", "银沙路"], river: "西郊河" },
  { name: "沙河源街道", aliases: ["沙河源"], roads: ["洞子口路", "友联一街", "沙河源路"], river: "沙河" },
  { name: "天回镇街道", aliases: ["天回镇", "天回"], roads: ["天回镇老街", "大天路", "明月路"], river: "沙河" },
  { name: "金泉街道", aliases: ["金泉"], roads: ["金泉路", "金周路", "两河路"], river: "磨底河" },
  { name: "西华街道", aliases: ["西华"], roads: ["西华大道", "兴盛西路", "金科北路"], river: "磨底河" },
  { name: "凤凰山街道", aliases: ["凤凰山"], roads: ["川陕路", "北星大道一段", "凤凰山路"] },
  { name: "五块石街道", aliases: ["五块石"], roads: ["五块石路", "星科北街", "蓉都大道"] },
  { name: "黄忠街道", aliases: ["黄忠"], roads: ["黄忠大街", "蜀汉路", "金仙桥路"] },
];

export type DeptName =
  | "区生态环境局" | "区住建局" | "区城管局" | "区市场监管局" | "区交通运输局" | "公安分局" | "区水务局" | "区农业农村局";

export const DEPARTMENTS: { name: DeptName; aliases: string[] }[] = [
  { name: "区生态环境局", aliases: ["生态环境局", "环保局"] },
  { name: "区住建局", aliases: ["住建局", "住建"] },
  { name: "区城管局", aliases: ["城管局", "城管"] },
  { name: "区市场监管局", aliases: ["市场监管局", "市监局"] },
  { name: "区交通运输局", aliases: ["交通局", "交通运输局"] },
  { name: "公安分局", aliases: ["公安局", "公安"] },
  { name: "区水务局", aliases: ["水务局", "水务"] },
  { name: "区农业农村局", aliases: ["农业农村局"] },
];

export const OFFICE = { name: "区环督办", aliases: ["环督办", "督办办"] };

/** [userId, name] — userIds are "demo." + ascii pinyin. */
export type P = [userId: string, name: string];
export type UnitStaff = { unit: string; head: P; deputy?: P; officers: P[] };

/** Head, optional deputy and one or two officers (联络员) of every street and department. */
export const STAFF: UnitStaff[] = [
  { unit: "荷花池街道", head: ["demo.wangzq", "王志强"], deputy: ["demo.liuf", "刘芳"], officers: [["demo.zhaol", "赵磊"], ["demo.sunj", "孙静"]] },
  { unit: "驷马桥街道", head: ["demo.chenw", "陈伟"], officers: [["demo.yangf", "杨帆"]] },
  { unit: "西安路街道", head: ["demo.huanght", "黄海涛"], deputy: ["demo.zhoul", "周丽"], officers: [["demo.wuh", "吴昊"]] },
  { unit: "茶店子街道", head: ["demo.xujj", "徐建军"], officers: [["demo.maxy", "马晓燕"], ["demo.hub", "胡斌"]] },
  { unit: "抚琴街道", head: ["demo.zhuhm", "朱红梅"], officers: [["demo.guop", "郭鹏"]] },
  { unit: "人民北路街道", head: ["demo.hey", "何勇"], deputy: ["demo.linxl", "林小玲"], officers: [["demo.gaox", "高翔"]] },
  { unit: "九里堤街道", head: ["demo.luow", "罗文"], officers: [["demo.zhengx", "郑雪"], ["demo.liangc", "梁超"]] },
  { unit: "营门口街道", head: ["demo.xiegp", "谢国平"], officers: [["demo.songj", "宋佳"]] },
  { unit: "沙河源街道", head: ["demo.tangj", "唐俊"], deputy: ["demo.hanm", "韩梅"], officers: [["demo.fengt", "冯涛"]] },
  { unit: "天回镇街道", head: ["demo.dengjh", "邓建华"], officers: [["demo.caol", "曹亮"], ["demo.pengl", "彭莉"]] },
  { unit: "金泉街道", head: ["demo.zengdm", "曾德明"], officers: [["demo.xiaoy", "肖雨"]] },
  { unit: "西华街道", head: ["demo.tianzg", "田志刚"], deputy: ["demo.dongj", "董洁"], officers: [["demo.yuany", "袁野"]] },
  { unit: "凤凰山街道", head: ["demo.jianglx", "蒋立新"], officers: [["demo.cail", "蔡琳"]] },
  { unit: "五块石街道", head: ["demo.yuh", "余海"], officers: [["demo.duj", "杜鹃"], ["demo.yef", "叶飞"]] },
  { unit: "黄忠街道", head: ["demo.pangq", "潘国庆"], officers: [["demo.daim", "戴敏"]] },
  { unit: "区生态环境局", head: ["demo.zhongh", "钟华"], deputy: ["demo.wangy", "汪洋"], officers: [["demo.tiant", "田甜"], ["demo.renj", "任杰"]] },
  { unit: "区住建局", head: ["demo.yaojg", "姚建国"], officers: [["demo.luj", "卢静"]] },
  { unit: "区城管局", head: ["demo.jiay", "贾勇"], deputy: ["demo.xiax", "夏雪"], officers: [["demo.fangz", "方正"]] },
  { unit: "区市场监管局", head: ["demo.zoum", "邹明"], officers: [["demo.xiongd", "熊丹"]] },
  { unit: "区交通运输局", head: ["demo.jinx", "金鑫"], officers: [["demo.luc", "陆晨"]] },
  { unit: "公安分局", head: ["demo.weiq", "魏强"], officers: [["demo.xuef", "薛峰"]] },
  { unit: "区水务局", head: ["demo.cuiw", "崔伟"], officers: [["demo.kongl", "孔丽"], ["demo.baiy", "白杨"]] },
  { unit: "区农业农村局", head: ["demo.maoj", "毛建"], officers: [["demo.qiuy", "邱月"]] },
];

/** The office (区环督办): its head and dispatchers, plus the admin, the auditor and the accountability group. */
export const OFFICE_HEAD: P = ["demo.zhouzg", "周志刚"];
export const DISPATCHERS: P[] = [["demo.zhangm", "张敏"], ["demo.liuy", "刘洋"]];
export const ADMIN: P = ["demo.chenq", "陈强"];
export const AUDITOR: P = ["demo.lvj", "吕静"];
export const ACCOUNTABILITY: P[] = [["demo.jiangt", "江涛"], ["demo.xul", "许丽"]];

/** District leaders (区领导); no unit. 李明华 is 区长, 王建国 and 赵丽萍 are 副区长 (赵丽萍 分管生态环境). */
export const LEADERS: P[] = [["demo.limh", "李明华"], ["demo.wangjg", "王建国"], ["demo.zhaolp", "赵丽萍"]];
export const LEADER_IN_CHARGE = "demo.zhaolp";

export const GROUP_PREFIX = "【演示】";
export const COMMAND_GROUP = { chatId: "demo-chat-command", name: "【演示】区环保督察整改指挥群" };
export const ACCOUNTABILITY_GROUP = { chatId: "demo-chat-accountability", name: "【演示】区环保督察追责问责群" };

export const CENTRAL_BATCH = { name: "【演示】中央第三轮督察第1批", source: "中央督察", daysAgo: 40 };
export const PROVINCIAL_BATCH = { name: "【演示】省第二轮督察第3批", source: "省督察", daysAgo: 12 };

export type Verdict = "属实" | "部分属实" | "不属实";
export type HandlingClass = "保留经营" | "限期整改" | "关停取缔" | "无需整改";
export type Action = "约谈" | "责令整改" | "立案处罚" | "问责" | "无";

/**
 * One kind of complaint. Placeholders: {addr} full address, {where} the place, {road}, {river}, {short} street
 * short name. `content` is prefixed with how the complaint came in (群众来电反映 / 群众来信反映 / 市民通过12345热线反映).
 */
export type CaseTemplate = {
  categories: string[];
  types: string[];
  lead: "street" | DeptName;
  co: DeptName[];
  where: string;
  title: string;
  content: string;
  steps: [string, string];
  finding: string;
  verdict: Exclude<Verdict, "不属实">;
  rectification: string;
  handlingClass: HandlingClass;
  party: string;
  action: Action;
  penalty?: number;
  /** Long-term rectification: a candidate for 阶段性办结. */
  longTerm?: boolean;
  needsRiver?: boolean;
};

export const TEMPLATES: CaseTemplate[] = [
  {
    categories: ["餐饮油烟"], types: ["大气"], lead: "street", co: ["区城管局", "区市场监管局"],
    where: "{road}某烧烤店", title: "{where}油烟扰民",
    content: "{addr}每天傍晚至凌晨在店外占道露天烧烤，油烟未经净化直排，附近居民家中不敢开窗，多次向社区反映未解决。",
    steps: ["已现场约谈店主，下达《责令限期整改通知书》，当晚起停止店外露天烧烤。", "油烟净化器已安装到位，正在联系第三方检测机构进行油烟排放检测。"],
    finding: "经街道会同区城管局现场核查，该店在店外设置露天烧烤炉2处，未安装油烟净化设施，油烟直排，群众反映问题属实。", verdict: "属实",
    rectification: "责令该店取消店外露天烧烤，改为室内经营；安装高效静电式油烟净化器并引至楼顶排放，经第三方检测油烟排放浓度达标；街道城管执法中队纳入每日夜间巡查。",
    handlingClass: "限期整改", party: "{where}经营者", action: "立案处罚", penalty: 2000,
  },
  {
    categories: ["餐饮油烟"], types: ["大气"], lead: "street", co: ["区城管局"],
    where: "{road}某火锅店", title: "{where}油烟低空排放",
    content: "{addr}的油烟排放管道从后墙直接排向居民楼背巷，排口距离住户窗户不足3米，油烟和异味很大，夏天尤其严重。",
    steps: ["已约谈店方负责人，要求制定排烟管道改造方案。", "排烟管道改造施工中，已完成楼顶支架安装。"],
    finding: "经现场核查，该店已安装油烟净化器，但排烟管道未引至楼顶，存在低空排放问题，且净化器清洗记录缺失，群众反映问题部分属实。", verdict: "部分属实",
    rectification: "督促该店将排烟管道改造后引至楼顶高空排放，对油烟净化器进行全面清洗，建立每月清洗台账；改造完成后经现场复查，背巷无明显油烟异味。",
    handlingClass: "限期整改", party: "{where}经营者", action: "约谈",
  },
  {
    categories: ["餐饮油烟"], types: ["大气"], lead: "street", co: ["区城管局", "区市场监管局"],
    where: "{road}某小区底商", title: "{road}底商餐饮油烟扰民",
    content: "{addr}集中有5家餐饮店，均在住宅楼底层经营，油烟管道沿外墙敷设，楼上住户长期受油烟困扰，要求彻底解决。",
    steps: ["已对5家餐饮店逐一上门检查，建立一店一档。", "3家已完成净化设施更换，其余2家正在施工。"],
    finding: "经核查，5家餐饮店中3家油烟净化设施老化、去除效率低，2家未安装净化设施，均存在油烟扰民问题，群众反映问题属实。", verdict: "属实",
    rectification: "5家餐饮店全部安装或更换油烟净化设施，排烟管道统一引至楼顶；其中1家不具备整改条件的已转型为不产生油烟的业态。街道建立底商餐饮长效巡查机制。",
    handlingClass: "限期整改", party: "5家餐饮店经营者", action: "责令整改",
  },
  {
    categories: ["社会噪声"], types: ["噪声"], lead: "street", co: ["公安分局", "区城管局"],
    where: "{road}某KTV", title: "{where}夜间噪声扰民",
    content: "{addr}每晚营业至凌晨2点左右，音响声音过大，低频噪声透过楼板传到楼上住户，严重影响休息。",
    steps: ["已会同公安派出所夜间现场检查，责令其当晚降低音量。", "该KTV正在加装隔声门窗和低频减振设施。"],
    finding: "经夜间现场监测，该KTV营业时社会生活噪声排放超过夜间标准，群众反映问题属实。", verdict: "属实",
    rectification: "责令该KTV加装隔声门窗、包房低频减振垫，外场音响22时后关闭；整改后经夜间监测，噪声排放达标。公安派出所将其纳入夜间重点巡查。",
    handlingClass: "限期整改", party: "{where}经营者", action: "责令整改",
  },
  {
    categories: ["社会噪声"], types: ["噪声"], lead: "street", co: ["公安分局"],
    where: "{road}某广场", title: "{road}广场舞音响扰民",
    content: "{addr}每晚有多支广场舞队使用大功率音响，音量很大，经常持续到晚上10点以后，周边居民不堪其扰。",
    steps: ["社区已召集各舞蹈队负责人座谈，宣传噪声污染防治法相关规定。", "已为各舞蹈队统一配发音量限定设备，社区网格员每晚巡查。"],
    finding: "经社区连续3晚现场查看，该广场有3支舞蹈队活动，音响音量较大，部分时段持续至22时以后，群众反映问题属实。", verdict: "属实",
    rectification: "约定活动时间为19:00—21:00，统一配发限音设备并划定活动区域，社区网格员每晚巡查；整改后周边居民反映噪声明显减小。",
    handlingClass: "限期整改", party: "广场舞队负责人", action: "约谈",
  },
  {
    categories: ["社会噪声"], types: ["噪声"], lead: "street", co: ["区市场监管局", "区城管局"],
    where: "{road}某五金加工店", title: "{where}切割噪声扰民",
    content: "{addr}长期在店外人行道上切割、打磨金属材料，噪声刺耳，火花四溅，既扰民又存在安全隐患。",
    steps: ["已责令该店立即停止占道作业。", "该店正在将切割工序移入室内并加装隔声措施。"],
    finding: "经现场核查，该店存在占道切割作业、噪声扰民问题，群众反映问题属实。", verdict: "属实",
    rectification: "责令该店停止占道作业，切割打磨工序全部移入室内并加装隔声棉；城管部门对其占道经营行为依法处罚，社区每日巡查。",
    handlingClass: "限期整改", party: "{where}经营者", action: "立案处罚", penalty: 500,
  },
  {
    categories: ["建筑施工扬尘"], types: ["大气"], lead: "区住建局", co: [],
    where: "{road}某在建住宅项目工地", title: "{road}某工地扬尘污染",
    content: "{addr}土方开挖时未采取洒水降尘措施，裸露土方未覆盖，出场车辆未冲洗带泥上路，周边扬尘污染严重。",
    steps: ["已责令项目部停止土方作业，立即整改。", "裸土已全部覆盖，新增雾炮机2台，车辆冲洗平台已完善。"],
    finding: "经区住建局会同属地街道现场核查，该工地存在裸土未覆盖、车辆未冲洗、土方作业未湿法作业等问题，群众反映问题属实。", verdict: "属实",
    rectification: "责令项目停工整改，裸土全部覆盖防尘网，增设雾炮机2台和喷淋系统，完善车辆冲洗平台并安排专人值守；区住建局对施工单位立案处罚，纳入不良行为记录。",
    handlingClass: "限期整改", party: "施工单位某建设集团有限公司", action: "立案处罚", penalty: 20000,
  },
  {
    categories: ["建筑施工扬尘", "社会噪声"], types: ["大气", "噪声"], lead: "区住建局", co: ["公安分局"],
    where: "{road}某拆迁工地", title: "{where}夜间施工扰民",
    content: "{addr}经常在夜间进行拆除作业，机械噪声很大，拆除时未洒水，灰尘弥漫，影响周边居民休息和出行。",
    steps: ["已责令施工单位立即停止夜间施工。", "拆除作业已配备喷淋降尘设备，作业时间调整为白天。"],
    finding: "经核查，该工地未办理夜间施工许可擅自夜间作业，拆除作业未同步洒水降尘，群众反映问题属实。", verdict: "属实",
    rectification: "责令停止夜间施工，拆除作业全程喷淋降尘，作业时间调整为7:00—20:00；区住建局对施工单位立案处罚。",
    handlingClass: "限期整改", party: "施工单位某拆除工程有限公司", action: "立案处罚", penalty: 10000,
  },
  {
    categories: ["建筑施工扬尘"], types: ["大气"], lead: "区住建局", co: ["区交通运输局"],
    where: "{road}道路改造工程", title: "{where}扬尘",
    content: "{addr}路面破碎作业时扬尘很大，开挖的渣土沿路堆放未覆盖，过往行人和车辆深受其害。",
    steps: ["已督促施工单位对渣土堆全部覆盖。", "破碎作业已配备洒水车同步降尘，施工围挡已补齐。"],
    finding: "经核查，该工程施工围挡基本完整，但部分渣土堆放未覆盖，破碎作业时未同步洒水，群众反映问题部分属实。", verdict: "部分属实",
    rectification: "督促施工单位覆盖全部渣土，及时清运多余土方，破碎作业配备洒水车同步降尘，每日冲洗施工路段两次。",
    handlingClass: "限期整改", party: "施工单位某市政工程有限公司", action: "约谈",
  },
  {
    categories: ["道路运输抛洒"], types: ["大气"], lead: "区城管局", co: ["公安分局", "区交通运输局"],
    where: "{road}", title: "{road}渣土车夜间抛洒",
    content: "每晚22点后有大量渣土车经过{addr}，部分车辆未密闭，沿途抛洒泥土，白天路面扬尘严重。",
    steps: ["城管、交警已在该路段设卡开展夜间联合执法。", "已追溯渣土来源工地，督促其落实车辆冲洗和密闭运输。"],
    finding: "经连续夜间蹲守核查，该路段确有部分渣土车未密闭运输、带泥上路，群众反映问题属实。", verdict: "属实",
    rectification: "城管、交警联合夜间执法，查处未密闭渣土车12辆；督促源头工地落实冲洗和密闭运输；对污染路面进行冲洗，增加该路段夜间洗扫频次。",
    handlingClass: "限期整改", party: "相关渣土运输企业", action: "立案处罚", penalty: 30000,
  },
  {
    categories: ["道路运输抛洒"], types: ["大气"], lead: "区交通运输局", co: ["区城管局"],
    where: "{road}", title: "{road}混凝土罐车滴漏",
    content: "{addr}经常有混凝土罐车滴漏砂浆，路面结块坑洼，车辆驶过时扬尘很大。",
    steps: ["已约谈相关搅拌站和运输企业。", "路面结块已铲除清洗，罐车正在加装防滴漏装置。"],
    finding: "经核查，附近某搅拌站部分罐车防滴漏装置损坏，存在沿途滴漏现象，群众反映问题属实。", verdict: "属实",
    rectification: "约谈搅拌站及运输企业，责令罐车全部加装或更换防滴漏装置，出站前逐车检查；对路面结块进行铲除清洗。",
    handlingClass: "限期整改", party: "某商品混凝土公司", action: "约谈",
  },
  {
    categories: ["露天焚烧"], types: ["大气"], lead: "street", co: ["区城管局"],
    where: "{road}附近某闲置空地", title: "{road}空地露天焚烧垃圾",
    content: "{addr}经常有人焚烧生活垃圾和废旧家具，浓烟刺鼻，晚上尤其严重，周边居民不敢开窗。",
    steps: ["已清运空地堆积垃圾，并设置禁烧警示牌。", "空地已设置围挡，纳入社区视频监控和网格员巡查范围。"],
    finding: "经现场核查，该空地堆有大量生活垃圾和废旧家具，有焚烧痕迹，群众反映问题属实。", verdict: "属实",
    rectification: "清运空地堆积垃圾约15吨，设置围挡和禁烧警示牌，安装视频监控；社区网格员每日巡查，发现焚烧行为及时制止。",
    handlingClass: "限期整改", party: "空地管理单位", action: "责令整改",
  },
  {
    categories: ["露天焚烧"], types: ["大气"], lead: "street", co: ["公安分局", "区生态环境局"],
    where: "{road}某废品收购站", title: "{where}焚烧电线",
    content: "{addr}夜间焚烧废旧电线电缆提取铜芯，冒黑烟，气味刺鼻，担心有毒有害。",
    steps: ["已会同公安、生态环境部门夜间突击检查，现场制止焚烧行为。", "该收购站已停业，正在清运堆存废品。"],
    finding: "经联合检查，该废品收购站无营业执照，存在露天焚烧废旧电线行为，群众反映问题属实。", verdict: "属实",
    rectification: "依法取缔该无证废品收购站，清运堆存废品约20吨，清理焚烧残留物；公安机关对焚烧行为人依法处罚。",
    handlingClass: "关停取缔", party: "{where}经营者", action: "立案处罚", penalty: 3000,
  },
  {
    categories: ["黑臭水体"], types: ["水"], lead: "区水务局", co: ["区生态环境局"], needsRiver: true, longTerm: true,
    where: "{river}沿线", title: "{river}（{short}段）水体黑臭",
    content: "{addr}有污水直排口，河水发黑发臭，夏季蚊虫滋生，希望彻底治理。",
    steps: ["已完成沿线排口排查，发现雨污混接排口3处。", "混接排口已封堵2处，截污管网改造正在施工。"],
    finding: "经沿河排查，该河段有3处雨污混接排口，部分生活污水进入河道，局部水体感官较差，群众反映问题属实。", verdict: "属实",
    rectification: "封堵雨污混接排口3处，完成沿河截污管网改造约800米，清淤约200立方米；经监测，该河段氨氮、溶解氧等指标达标。",
    handlingClass: "限期整改", party: "沿河相关小区物业及商户", action: "责令整改",
  },
  {
    categories: ["黑臭水体"], types: ["水"], lead: "street", co: ["区水务局"], longTerm: true,
    where: "{road}某老旧小区", title: "{where}化粪池污水外溢",
    content: "{addr}化粪池长期堵塞，污水外溢流入雨水管网，最终排入附近河道，小区内臭味很大。",
    steps: ["已组织清掏化粪池，疏通出户管。", "破损管网修复方案已确定，正在施工。"],
    finding: "经核查，该小区化粪池及部分出户管堵塞破损，存在污水外溢进入雨水管网情况，群众反映问题属实。", verdict: "属实",
    rectification: "清掏化粪池并疏通出户管，修复破损管网约60米；将该小区纳入老旧小区改造雨污分流计划。",
    handlingClass: "限期整改", party: "小区物业服务企业", action: "约谈",
  },
  {
    categories: ["工业废气"], types: ["大气"], lead: "区生态环境局", co: [],
    where: "{road}某汽修厂", title: "{where}露天喷漆废气",
    content: "{addr}在露天或简易棚内进行喷漆作业，没有任何废气处理设施，油漆味刺鼻，周边居民反映头晕。",
    steps: ["已责令立即停止露天喷漆作业。", "该厂正在建设密闭喷烤漆房并配套活性炭吸附装置。"],
    finding: "经区生态环境局现场检查，该汽修厂在简易棚内喷漆，未配套废气收集处理设施，群众反映问题属实。", verdict: "属实",
    rectification: "责令停止露天喷漆，建成密闭喷烤漆房并配套过滤棉+活性炭吸附装置，经监测废气排放达标后恢复喷漆作业；对其违法行为立案处罚。",
    handlingClass: "限期整改", party: "{where}", action: "立案处罚", penalty: 30000,
  },
  {
    categories: ["工业废气"], types: ["大气"], lead: "区生态环境局", co: [],
    where: "{road}某印刷厂", title: "{where}异味扰民",
    content: "{addr}生产时散发强烈的溶剂异味，附近小区居民晚上能闻到，担心对健康有影响。",
    steps: ["已对该厂开展现场检查和厂界异味监测。", "企业正在对印刷工段进行密闭改造。"],
    finding: "经检查，该厂已安装废气处理设施，但部分工段未密闭收集，厂界有轻微异味；监测结果显示非甲烷总烃排放达标，群众反映问题部分属实。", verdict: "部分属实",
    rectification: "督促企业对印刷、烘干工段进行密闭改造，提高废气收集效率，按期更换活性炭并建立台账；整改后复测厂界无明显异味。",
    handlingClass: "保留经营", party: "{where}", action: "约谈",
  },
  {
    categories: ["工业废气"], types: ["大气"], lead: "street", co: ["区生态环境局", "区市场监管局"],
    where: "{road}附近某家具作坊", title: "{road}家具作坊废气粉尘",
    content: "{addr}无任何手续，打磨和喷漆产生的粉尘、废气无组织排放，周边空气刺鼻，属于散乱污企业。",
    steps: ["已联合生态环境、市场监管部门现场检查，责令停产。", "已对该作坊断水断电，生产设备正在拆除。"],
    finding: "经联合检查，该作坊无营业执照和环评手续，打磨、喷漆废气粉尘无组织排放，属“散乱污”企业，群众反映问题属实。", verdict: "属实",
    rectification: "依法予以关停取缔，断水断电，拆除清运生产设备；街道建立回头看巡查台账，防止死灰复燃。",
    handlingClass: "关停取缔", party: "{where}经营者", action: "立案处罚", penalty: 10000,
  },
  {
    categories: ["垃圾"], types: ["其他"], lead: "street", co: ["区城管局"],
    where: "{road}某小区", title: "{where}垃圾清运不及时",
    content: "{addr}垃圾桶经常满溢，生活垃圾堆放数日无人清运，臭味很大，招引蚊蝇老鼠。",
    steps: ["已约谈物业公司，要求立即清运积存垃圾。", "垃圾收集点已冲洗消杀，破损垃圾桶已更换。"],
    finding: "经现场核查，该小区垃圾收集点存在垃圾满溢、清运不及时问题，群众反映问题属实。", verdict: "属实",
    rectification: "督促物业公司增加清运频次至每日2次，更换破损垃圾桶20个，对收集点冲洗消杀；社区每周检查一次。",
    handlingClass: "限期整改", party: "小区物业服务企业", action: "约谈",
  },
  {
    categories: ["垃圾"], types: ["土壤", "其他"], lead: "区城管局", co: [],
    where: "{road}附近某空地", title: "{road}空地建筑垃圾乱倒",
    content: "{addr}夜间经常有车辆偷倒建筑垃圾和装修垃圾，已经堆积成山，下雨后污水横流。",
    steps: ["已调取周边监控，追查偷倒车辆。", "建筑垃圾已清运约200吨，空地已设置围挡。"],
    finding: "经现场核查，该空地堆积建筑及装修垃圾约300吨，系夜间偷倒所致，群众反映问题属实。", verdict: "属实",
    rectification: "清运建筑垃圾约300吨，设置围挡和视频监控；追查到偷倒车辆1辆，依法对运输单位立案处罚。",
    handlingClass: "限期整改", party: "某运输公司", action: "立案处罚", penalty: 20000,
  },
  {
    categories: ["饮用水"], types: ["水"], lead: "区水务局", co: [],
    where: "{road}某小区", title: "{where}自来水发黄浑浊",
    content: "{addr}自来水时常发黄浑浊，怀疑二次供水水箱长期未清洗，担心饮用水安全。",
    steps: ["已对该小区二次供水设施进行检查并抽取水样送检。", "水箱已清洗消毒，正在等待第三方水质检测报告。"],
    finding: "经核查，该小区二次供水水箱清洗记录不全，水箱内壁有沉积物；抽检水样浊度等指标合格，群众反映问题部分属实。", verdict: "部分属实",
    rectification: "督促物业对水箱清洗消毒，委托第三方检测水质合格并公示；建立每半年一次清洗消毒制度，区水务局纳入二次供水日常监管。",
    handlingClass: "限期整改", party: "小区物业服务企业", action: "责令整改",
  },
  {
    categories: ["饮用水"], types: ["水"], lead: "区水务局", co: ["区市场监管局"],
    where: "{road}某自备井", title: "{where}水质无保障",
    content: "{addr}仍在向周边商户供应饮用水，水质从未检测，有时有异味，担心喝出问题。",
    steps: ["已对自备井水样进行检测，暂停供水。", "周边商户接入市政供水管网的施工已开始。"],
    finding: "经核查，该自备井未办理取水许可，水样菌落总数超标，群众反映问题属实。", verdict: "属实",
    rectification: "依法封停该自备井，周边12户商户全部接入市政供水管网；区水务局对井口进行封填并设置标识。",
    handlingClass: "关停取缔", party: "自备井使用单位", action: "责令整改",
  },
  {
    categories: ["城乡结合部面源污染"], types: ["水", "土壤"], lead: "street", co: ["区农业农村局", "区生态环境局"],
    where: "{road}附近", title: "{road}附近畜禽散养粪污",
    content: "{addr}有农户散养生猪和鸡鸭，粪污未经处理直接排入沟渠，臭气熏天，污染周边环境。",
    steps: ["已入户宣传畜禽禁养政策，劝导农户退养。", "生猪已全部退养，正在清理粪污和沟渠淤泥。"],
    finding: "经核查，该处有2户农户在禁养区内散养生猪12头、鸡鸭约80只，粪污直排沟渠，群众反映问题属实。", verdict: "属实",
    rectification: "劝导农户退养生猪12头，清理粪污堆放点和沟渠淤泥；农业农村部门指导剩余家禽圈养并规范粪污处理，社区网格员定期巡查。",
    handlingClass: "关停取缔", party: "散养农户", action: "责令整改",
  },
  {
    categories: ["城乡结合部面源污染", "露天焚烧"], types: ["大气", "土壤"], lead: "street", co: ["区农业农村局"],
    where: "{road}附近菜地", title: "{road}菜地焚烧秸秆乱堆垃圾",
    content: "{addr}经常有人焚烧秸秆和杂草，菜地周边乱堆生活垃圾和农药包装废弃物，环境脏乱。",
    steps: ["已清理菜地周边垃圾和农药包装废弃物。", "已在菜地周边设置垃圾收集点和禁烧宣传牌。"],
    finding: "经核查，该片菜地周边存在焚烧杂草痕迹及垃圾、农药包装废弃物乱堆现象，群众反映问题属实。", verdict: "属实",
    rectification: "清运垃圾约5吨，回收农药包装废弃物；设置垃圾收集点和禁烧宣传牌，社区与种植户签订环境卫生承诺书。",
    handlingClass: "限期整改", party: "相关种植户", action: "约谈",
  },
  {
    categories: ["土壤"], types: ["土壤"], lead: "区生态环境局", co: ["区住建局"], longTerm: true,
    where: "{road}某原化工厂地块", title: "{road}原化工厂地块土壤污染",
    content: "{addr}正在进行开发建设，开挖时有刺鼻异味，担心原厂区土壤污染未经治理就开发，影响周边居民健康。",
    steps: ["已调阅该地块土壤污染状况调查报告。", "督促业主单位落实开挖区域密闭作业和异味控制措施。"],
    finding: "经核查，该地块已完成土壤污染状况调查，部分点位超过筛选值，已纳入建设用地土壤污染风险管控和修复名录；开挖异味来自修复作业区，群众反映问题部分属实。", verdict: "部分属实",
    rectification: "督促业主单位严格按修复方案实施修复，开挖区域搭建密闭大棚并配套废气收集处理，修复效果评估通过前不得开工建设；生态环境部门每周现场检查。",
    handlingClass: "限期整改", party: "地块业主单位", action: "责令整改",
  },
  {
    categories: ["土壤"], types: ["土壤", "水"], lead: "区生态环境局", co: [],
    where: "{road}某汽修店", title: "{where}乱倒废机油",
    content: "{addr}将换下来的废机油直接倒进下水道和旁边的绿化带，绿化带土壤发黑，有油污味。",
    steps: ["已现场检查，对受污染土壤进行围挡。", "受污染土壤已清挖，交有资质单位处置。"],
    finding: "经现场检查，该店未规范贮存废机油，存在向绿化带倾倒废机油的行为，群众反映问题属实。", verdict: "属实",
    rectification: "清挖受污染土壤约2吨，作为危险废物交有资质单位处置；责令该店规范建设危废贮存间并签订处置合同；对其违法行为立案处罚。",
    handlingClass: "限期整改", party: "{where}经营者", action: "立案处罚", penalty: 50000,
  },
  {
    categories: ["道路清扫保洁"], types: ["大气"], lead: "区城管局", co: [],
    where: "{road}", title: "{road}路面积尘清扫扬尘",
    content: "{addr}路面积尘多，清扫车干扫时扬尘很大，人行道上垃圾也经常无人清理。",
    steps: ["已约谈道路保洁公司，调整作业方式。", "该路段已实行机扫+洒水+人工保洁组合作业。"],
    finding: "经核查，该路段存在清扫作业未配合洒水、人行道保洁不及时问题，群众反映问题属实。", verdict: "属实",
    rectification: "调整为“机扫+洒水+人工保洁”组合作业，洗扫频次增加至每日3次；对保洁公司按合同考核扣分。",
    handlingClass: "限期整改", party: "道路保洁服务公司", action: "约谈",
  },
  {
    categories: ["道路清扫保洁", "垃圾"], types: ["其他"], lead: "street", co: ["区城管局"],
    where: "{road}背街小巷", title: "{where}保洁不到位",
    content: "{addr}长期无人清扫，垃圾、落叶堆积，雨后污水横流，与主干道形成鲜明反差。",
    steps: ["已将该背街小巷纳入保洁作业范围。", "积存垃圾已清运，明确保洁员定岗定责。"],
    finding: "经核查，该背街小巷未纳入保洁服务合同范围，存在清扫盲区，群众反映问题属实。", verdict: "属实",
    rectification: "将该背街小巷纳入道路保洁作业范围，明确保洁员定岗定责，每日清扫两次；清运积存垃圾约3吨。",
    handlingClass: "限期整改", party: "街道环卫所相关责任人", action: "问责",
  },
];

/** The closure fields of a complaint found untrue (不属实). */
export const NOT_TRUE = {
  finding: "经街道会同相关部门多次现场核查（含夜间），{where}未发现群众反映的问题，周边居民走访亦未反映相关情况，群众反映问题不属实。",
  rectification: "经核查不属实，无需整改；已向投诉人当面说明核查情况，将该点位纳入日常巡查。",
  handlingClass: "无需整改" as const,
  party: "无",
  action: "无" as const,
};

export const EXTENSION_REASONS = [
  "整改涉及设备采购安装，到货需10天",
  "需等待第三方检测报告，预计两周出具",
  "涉及多部门联合执法，需协调执法时间",
  "整改工程量较大，需分阶段实施",
];

export const CHANNEL_PREFIX = { D: "群众来电反映：", X: "群众来信反映：", hotline: "市民通过12345热线反映：" } as const;

export const PATROL_OK_TEXTS = ["现场复查，未发现反弹", "夜间巡查正常，群众无新的反映", "回访周边居民，反映整改效果良好"];
export const REBOUND_TEXT = "巡查发现该店又在店外摆放烧烤炉露天烧烤，油烟扰民问题反弹";
export const REBOUND_PROGRESS = "已再次约谈店主，依法暂扣店外烧烤炉具，街道安排专人夜间值守";
export const REJECT_TEXT = "整改后照片不能反映整改效果，请补充现场整改照片及相关检测报告";
export const RESUBMIT_PROGRESS = "已补充整改后照片和第三方检测报告";
export const CHASE_TEXT = "请尽快签收并安排人员现场核查";
export const OVERDUE_CHASE_TEXT = "已超过办理时限，请说明原因并加快整改";
