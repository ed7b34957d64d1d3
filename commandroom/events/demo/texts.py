"""Demo catalogue, texts: what people write — event titles and descriptions, handling notes.

Split out of ``catalogue`` because these templates (DOMAIN.md "Typical event texts") and the
notes and results written while handling a case are pure prose keyed by category code, and
they make up most of the catalogue's bulk. ``planner`` and ``story`` fill the placeholders
and pick notes when they generate events and their histories.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from commandroom.db.enums import ResultType, Source, Urgency

# --- typical event texts (DOMAIN.md "Typical event texts", as templates) -----------------
#
# Placeholders: {v} village (without the demo suffix), {t} town, {ts} town short name,
# {n} a small count (2–9), {m} a larger count (10–60), {k} a village group number (1–12).


@dataclass(frozen=True)
class EventText:
    category: str
    title: str
    description: str
    level: int | None = None  # None: the category's default level
    urgency: Urgency = Urgency.NORMAL
    source: Source | None = None  # a preferred source, else the usual mix
    weight: float = 1.0


T = EventText

EVENT_TEXTS: Final[tuple[EventText, ...]] = (
    # 1–23 are DOMAIN.md's examples; the rest fill the categories the list does not cover.
    T(
        "FIRE-EBIKE",
        "{v}出租房电动车飞线充电",
        "{v}{k}组某出租房一楼楼道内{n}辆电动车停放，从二楼窗户拉线充电，已现场劝导但住户不在家。",
        2,
        weight=3,
    ),
    T(
        "FIRE-LANE",
        "{v}小区消防通道堵塞",
        "{v}某小区{n}幢北侧消防通道被废旧家具、纸箱堵塞约10米。",
        2,
    ),
    T(
        "DISPUTE-NEIGHBOR",
        "{v}建房滴水邻里纠纷",
        "两户因建房滴水问题发生口角，情绪较激动，未发生肢体冲突，网格员已初步劝解，需村调委会进一步调解。",
        2,
        weight=2,
    ),
    T(
        "DISPUTE-WAGE",
        "{v}纺织厂务工人员讨薪",
        "某纺织厂{m}名外来务工人员反映被拖欠工资约2个月，聚集在厂门口。",
        3,
        Urgency.URGENT,
    ),
    T("ENV-RIVER", "{ts}河段漂浮垃圾", "{ts}某河段桥下出现大面积漂浮垃圾及泡沫，疑似上游排放。", 3),
    T(
        "ENV-DYEING",
        "{ts}印染企业排水口异味",
        "{ts}某印染企业东侧排水口夜间有刺鼻气味，水体呈深色。",
        4,
    ),
    T(
        "SAFE-3IN1",
        "{v}家庭作坊“三合一”隐患",
        "某家庭作坊一楼生产、二楼住人，楼梯口堆放布料，无灭火器。",
        3,
    ),
    T("SAFE-HOTWORK", "{v}厂房屋顶违规动火", "厂房屋顶焊接作业未见动火审批与监护人员。", 3),
    T("FOOD-UNLICENSED", "{v}熟食店无证经营", "村口新开一家熟食店，未见营业执照和健康证公示。", 3),
    T("FOOD-BANQUET", "{v}农村家宴未报备", "某户将于周六举办{m}桌家宴，未报备。", 2),
    T(
        "SEC-SUSPECT",
        "{v}仓储区可疑人员",
        "凌晨在仓储区附近发现两名陌生男子多次徘徊，拍照时离开。",
        3,
        source=Source.VIDEO_PATROL,
    ),
    T(
        "SEC-FRAUD",
        "{v}独居老人疑遭电信诈骗",
        "独居老人称接到‘公检法’电话要求转账，网格员已劝阻，需派出所上门宣传。",
        3,
    ),
    T(
        "URBAN-MANHOLE",
        "{v}人行道井盖缺失",
        "公交站旁人行道井盖缺失，已临时用锥筒围挡。",
        3,
        Urgency.URGENT,
    ),
    T("URBAN-ILLEGAL", "{v}院内新搭钢棚", "某户在自家院内新搭钢棚约{m}平方米，疑似未审批。", 3),
    T("URBAN-LIGHT", "{v}主干道路灯不亮", "村主干道连续{n}盏路灯不亮，夜间通行不便。", 2, weight=2),
    T(
        "FLOOD-WATERLOG",
        "{v}地下车库入口积水",
        "强降雨后地下车库入口积水约20厘米，仍在上涨。",
        3,
        Urgency.URGENT,
    ),
    T("FLOOD-POND", "{v}山塘坝体渗水", "山塘坝体背水坡出现渗水，面积约2平方米。", 4),
    T(
        "RENT-UNREG",
        "{v}出租房新入住人员未登记",
        "某出租房新入住{n}名外来人员，尚未登记。",
        1,
        weight=3,
    ),
    T(
        "LIVE-ELDERLY",
        "{v}独居老人两天未出门",
        "独居老人连续两天未出门，敲门无应答。",
        2,
        Urgency.URGENT,
    ),
    T("TRAFFIC-CARRY", "{v}学校门口三轮车违规载人", "学校门口放学时段多辆三轮车违规载学生。", 3),
    # More of the same flavour, one or two per remaining 小类.
    T(
        "SEC-HAZARD",
        "{v}村道监控盲区",
        "{v}村道一段约200米无路灯、无监控，夜间常有外来人员逗留。",
        2,
    ),
    T(
        "SEC-HAZARD",
        "{v}废弃厂房人员聚集",
        "村东废弃厂房夜间有人员聚集饮酒，村民反映存在治安隐患。",
        2,
    ),
    T(
        "SEC-SUSPECT",
        "{v}可疑车辆长时间停放",
        "村口一辆外地牌照面包车连续{n}天停放，车内堆放不明物品。",
        3,
    ),
    T(
        "SEC-THEFT",
        "{v}电动车电瓶被盗",
        "村民反映昨夜停放在楼道的{n}辆电动车电瓶被盗，已提供监控线索。",
        3,
    ),
    T(
        "SEC-VICE",
        "{v}出租房疑似聚众赌博",
        "某出租房内夜间人员进出频繁，有麻将声和争吵声，疑似聚众赌博。",
        3,
    ),
    T(
        "SEC-KEYPERSON",
        "{v}重点人员情绪异常",
        "一名重点关注人员近日情绪异常，多次在村委会门口吵闹，需派出所与村里共同稳控。",
        3,
    ),
    T(
        "SAFE-ENTERPRISE",
        "{v}企业车间安全出口被堵",
        "某纺织企业车间通道堆放布匹，安全出口被遮挡，灭火器过期。",
        3,
    ),
    T(
        "SAFE-HAZCHEM",
        "{v}危化品露天堆放",
        "某印染企业将{n}桶化学助剂露天堆放在厂区围墙边，未设警示标识。",
        3,
    ),
    T(
        "SAFE-CONFINED",
        "{v}污水井作业无防护",
        "某企业安排工人下污水井清淤，未进行气体检测，未配备防护设备。",
        3,
    ),
    T("FIRE-EQUIP", "{v}消火栓损坏漏水", "村文化礼堂旁消火栓被车辆撞坏漏水，需尽快维修。", 2),
    T(
        "FIRE-RENTAL",
        "{v}出租房隔间私拉电线",
        "某出租房隔成{n}间出租，无独立疏散通道，楼道内私拉电线。",
        3,
    ),
    T("FIRE-BURN", "{v}田间焚烧秸秆", "村西农田有村民焚烧秸秆，烟雾较大，影响附近道路通行。", 2),
    T(
        "FOOD-EXPIRED",
        "{v}小超市销售过期食品",
        "某小超市货架上发现多批过期饮料和零食，仍在销售。",
        3,
    ),
    T("FOOD-MEDICAL", "{v}出租房疑似非法行医", "某出租房内有人挂牌看病、输液，未见执业资质。", 3),
    T(
        "DISPUTE-FAMILY",
        "{v}家庭赡养纠纷",
        "一户兄弟{n}人因父母赡养费用分摊发生争执，老人情绪低落。",
        2,
    ),
    T("DISPUTE-LAND", "{v}宅基地边界纠纷", "两户因宅基地边界围墙位置发生争执，双方各执一词。", 2),
    T(
        "DISPUTE-PROPERTY",
        "{v}小区物业纠纷",
        "业主反映物业长期不清理垃圾，部分业主拒交物业费，双方矛盾激化。",
        2,
    ),
    T(
        "DISPUTE-CONTRACT",
        "{v}外发加工款纠纷",
        "某加工户反映外发加工款约{m}万元被拖欠，对方避而不见。",
        2,
    ),
    T(
        "DISPUTE-TRAFFIC",
        "{v}交通事故赔偿纠纷",
        "村道两车剐蹭，双方对赔偿金额有争议，在现场争执。",
        2,
    ),
    T("ENV-SEWAGE", "{v}餐饮店污水直排", "某餐饮店后厨污水通过管道直接排入河道，河面有油污。", 3),
    T("ENV-NOISE", "{v}夜间施工噪声扰民", "某工地夜间11点后仍在施工，噪声较大，村民多次反映。", 2),
    T("ENV-DUMPING", "{v}建筑垃圾乱倒", "村道旁空地被倾倒大量建筑垃圾，约{m}立方米。", 2, weight=2),
    T("URBAN-VENDOR", "{v}路口占道经营", "菜市场路口早市摊贩占道经营，影响车辆通行。", 2),
    T("URBAN-ROAD", "{v}村道路面塌陷", "主干道一段路面塌陷破损约{n}平方米，雨天积水。", 3),
    T("URBAN-CLUTTER", "{v}楼道乱堆杂物", "某小区楼道内堆放杂物、旧家具，影响通行。", 2),
    T(
        "RENT-CHANGE",
        "{v}出租房租客变更",
        "某出租房租客退租，新租客{n}人入住，需更新出租房信息。",
        1,
        weight=2,
    ),
    T("RENT-CROWD", "{v}民房群租隐患", "某民房一层隔出{m}个床位出租，人员密集，存在安全隐患。", 2),
    T("FLOOD-OLDHOUSE", "{v}危旧房墙体开裂", "一处老旧民房外墙出现多条裂缝，仍有老人居住。", 3),
    T("FLOOD-GEO", "{v}地灾点坡面新裂缝", "地质灾害隐患点山体坡面出现新裂缝，长约{n}米。", 3),
    T(
        "TRAFFIC-HAZARD",
        "{v}路口缺少警示标志",
        "村道与省道交叉口无减速带和警示标志，近期发生多起剐蹭。",
        3,
    ),
    T("TRAFFIC-SIGHT", "{v}弯道树木遮挡视线", "村道急弯处树木枝叶遮挡视线，存在交通隐患。", 2),
    T(
        "LIVE-DISABLED",
        "{v}残疾人轮椅损坏求助",
        "一名肢体残疾村民反映轮椅损坏，生活不便，申请帮扶。",
        2,
    ),
    T("LIVE-INSURANCE", "{v}村民咨询医保缴费", "多名村民咨询城乡居民医保缴费标准和办理渠道。", 3),
    T("LIVE-JOB", "{v}失业人员求职", "一名失业人员希望就近找工作，请求推荐岗位。", 2),
    T("OTHER-MISC", "{v}公共区域管理问题", "村民反映村内公共区域无人管理，需村里协调。", 2),
)

# 12345 calls: reported by the system into 待研判, then classified by the town (研判).
# (final 小类, text); DOMAIN.md #21 first.
HOTLINE_TEXTS: Final[tuple[tuple[str, str], ...]] = (
    ("ENV-NOISE", "市民来电反映：小区楼下烧烤店油烟扰民，晚上11点后仍营业。"),
    ("URBAN-LIGHT", "市民来电反映：{v}附近道路路灯不亮，夜间出行不便。"),
    ("URBAN-VENDOR", "市民来电反映：{v}菜场门口占道经营严重，早高峰拥堵。"),
    ("DISPUTE-WAGE", "市民来电反映：在{v}某厂打工，老板拖欠工资{n}个月。"),
    ("ENV-DUMPING", "市民来电反映：{v}河边有人倾倒建筑垃圾。"),
    ("FOOD-EXPIRED", "市民来电反映：在{v}某超市买到过期食品。"),
    ("LIVE-INSURANCE", "市民来电咨询：灵活就业人员社保缴费如何办理。"),
)

# Smoke detectors in factories and temples (the seed names the sensor path, not its format).
SENSOR_TEXTS: Final[tuple[EventText, ...]] = (
    T("SAFE-ENTERPRISE", "{v}企业烟感报警", "{v}某企业车间烟雾感应器报警，需现场核实。", 3),
    T("FIRE-EQUIP", "{v}寺庙烟感报警", "{v}某寺庙烟雾感应器报警，需现场核实。", 3),
)

# DOMAIN.md #22 (screened out) and the other reasons a town gives.
INVALID_TEXTS: Final[tuple[tuple[str, str], ...]] = (
    ("测试/误报", "测试上报，请忽略。"),
    ("信息不全/无法核实", "有人反映有情况，具体地点不详。"),
    ("非本辖区", "反映邻区道路积水问题。"),
    ("非事件类", "咨询村里何时发放老年补贴。"),
)

HOTLINE_TITLE_PREFIX: Final = "12345："

# Result texts per 大类: (result type, text).
RESULTS: Final[MappingProxyType[str, tuple[tuple[ResultType, str], ...]]] = MappingProxyType(
    {
        "SEC": (
            (ResultType.LAW_ENFORCED, "民警已上门核查，登记相关人员信息并落实管控。"),
            (ResultType.INFORMED, "已开展入户反诈宣传，当事人已知晓。"),
        ),
        "SAFE": (
            (ResultType.LAW_ENFORCED, "已责令企业停工整改，隐患已消除。"),
            (ResultType.SOLVED, "企业已清理通道、配齐灭火器，复查合格。"),
        ),
        "FIRE": (
            (ResultType.SOLVED, "已清理堵塞物，通道恢复畅通。"),
            (ResultType.SOLVED, "已拆除飞线，引导电动车到集中充电点充电。"),
        ),
        "FOOD": (
            (ResultType.LAW_ENFORCED, "市场监管所已立案调查，责令停业整改。"),
            (ResultType.INFORMED, "已指导当事人完成报备并落实食品安全要求。"),
        ),
        "DISPUTE": (
            (ResultType.MEDIATED, "经村调委会调解，双方达成和解协议。"),
            (ResultType.MEDIATED, "经司法所调解，已签订分期支付协议。"),
        ),
        "ENV": (
            (ResultType.SOLVED, "已组织保洁打捞清理，河面恢复正常。"),
            (ResultType.LAW_ENFORCED, "已对排污单位立案处罚并责令整改。"),
        ),
        "URBAN": (
            (ResultType.SOLVED, "已安排维修，现场恢复正常。"),
            (ResultType.LAW_ENFORCED, "已下达限期拆除通知书，当事人已自行拆除。"),
        ),
        "RENT": (
            (ResultType.SOLVED, "已完成人员信息登记和出租房信息更新。"),
            (ResultType.INFORMED, "已告知房东落实登记和安全管理责任。"),
        ),
        "FLOOD": (
            (ResultType.SOLVED, "已设置警示并组织排险，险情解除。"),
            (ResultType.SOLVED, "已转移相关人员并安排专业单位处置。"),
        ),
        "TRAFFIC": (
            (ResultType.LAW_ENFORCED, "已开展专项整治，查处违规载人车辆。"),
            (ResultType.SOLVED, "已增设警示标志和减速带。"),
        ),
        "LIVE": (
            (ResultType.SOLVED, "已上门走访，联系家属并落实帮扶措施。"),
            (ResultType.INFORMED, "已解答政策并告知办理渠道。"),
        ),
        "OTHER": ((ResultType.SOLVED, "已协调处理完毕。"),),
    }
)

ESCALATE_NOTES: Final[MappingProxyType[int, str]] = MappingProxyType(
    {
        1: "网格员现场无法处置，报网格长",
        2: "超出村级处置能力，申请镇街处置",
        3: "涉及多部门职责，申请区级部门处置",
    }
)
RETURN_NOTES: Final[tuple[tuple[str, str], ...]] = (
    ("非本单位职责", "经核实不属于本单位职责范围"),
    ("地址错误", "现场核实地址有误"),
    ("信息不全", "上报信息不全，无法处置"),
)
REJECT_NOTES: Final[tuple[str, ...]] = ("现场核查未整改到位", "处置后照片与现场不符")
VERIFY_NOTES: Final[tuple[str, ...]] = ("现场核查属实，同意办结", "电话回访确认已处置", "核查通过")
EXTEND_NOTES: Final[tuple[str, ...]] = ("需协调多方，申请延期", "等待检测结果，申请延期")
HOLD_NOTES: Final[tuple[str, ...]] = ("涉及历史遗留问题，需长期跟踪", "等待上级政策明确")
SATISFACTION: Final[tuple[str, ...]] = ("满意", "满意", "满意", "基本满意", "不满意", "无法联系")
