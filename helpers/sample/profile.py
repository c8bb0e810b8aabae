"""The sample shop's profile: its channels, categories, prices, buyers and rhythms.

Every number the generators draw around lives here, declared once: channel shares and
conversion rates, category margins and refund rates, the provinces and buyer attributes,
festival multipliers, the hour-of-day and weekday rhythm.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SHOP_NAME = "山野生活旗舰店"
END_DATE = "2026-11-15"
DEFAULT_SEED = 7
#: Industry mean CVR written to playbook.yaml. The shop converts at about 3.6 % on normal
#: days, so the "CVR more than 20 % below the industry mean" rule (threshold 2.4 %) stays
#: quiet on normal days.
INDUSTRY_CVR = 0.03

CHANNELS = ("搜索", "推荐", "直播", "短视频", "付费推广", "私域")
#: share of paid orders, conversion rate (buyers / visitors), click-through (visitors /
#: impressions), add-to-cart rate, favourite rate, share of orders by returning customers.
CH_SHARE = np.array([0.30, 0.18, 0.18, 0.10, 0.14, 0.10])
CH_CVR = np.array([0.045, 0.022, 0.060, 0.025, 0.032, 0.080])
CH_CTR = np.array([0.040, 0.020, 0.080, 0.030, 0.025, 0.250])
CH_CART = np.array([0.10, 0.07, 0.14, 0.08, 0.09, 0.16])
CH_FAV = np.array([0.050, 0.040, 0.060, 0.040, 0.045, 0.070])
CH_RETURNING = np.array([0.22, 0.22, 0.33, 0.18, 0.20, 0.80])
#: Shop CVR implied by the channel mix: 1 / sum(share / cvr).
SHOP_CVR = float(1.0 / np.sum(CH_SHARE / CH_CVR))

CATEGORIES = ("服饰", "美妆", "食品", "家居", "数码")
CAT_PREFIX = ("AP", "BT", "FD", "HM", "DG")
CAT_N = (80, 60, 60, 55, 45)
CAT_SHARE = np.array([0.30, 0.22, 0.20, 0.15, 0.13])
CAT_MARGIN = ((0.45, 0.65), (0.55, 0.75), (0.25, 0.45), (0.35, 0.55), (0.15, 0.35))
#: after-sales probability per order line
CAT_REFUND = np.array([0.068, 0.025, 0.015, 0.030, 0.038])
CAT_LEAD = np.array([15.0, 10.0, 7.0, 20.0, 25.0])
CAT_QTY = np.array([[0.82, 0.14, 0.04]] * 2 + [[0.60, 0.25, 0.15]] + [[0.82, 0.14, 0.04]] * 2)
PRICES = (
    (59, 69, 79, 89, 99, 129, 149, 169, 199, 239, 259, 299, 399, 499, 599, 699),
    (39, 49, 59, 69, 79, 89, 99, 119, 129, 149, 169, 199, 239, 299),
    (19.9, 29.9, 39, 49, 59, 69, 79, 89, 99, 129, 169),
    (29, 39, 49, 59, 79, 99, 129, 169, 199, 299, 399, 499),
    (39, 59, 79, 99, 129, 169, 199, 299, 399, 499, 699, 999),
)
NOUNS = (
    "速干T恤 冲锋衣 抓绒外套 徒步裤 防晒衣 羽绒服 软壳夹克 运动短裤 羊毛袜 渔夫帽 棒球帽 "
    "保暖内衣 卫衣 登山鞋 休闲衬衫 工装裤",
    "防晒霜SPF50+ 防晒喷雾 补水面膜 保湿面霜 洁面乳 润唇膏 护手霜 精华液 爽肤水 卸妆油 "
    "气垫BB霜 身体乳",
    "每日坚果 挂耳咖啡 高山乌龙茶 牛肉干 能量棒 冻干水果 黑巧克力 燕麦片 土蜂蜜 红枣 "
    "自热米饭 速溶咖啡",
    "露营灯 保温杯 折叠椅 帐篷 睡袋 野餐垫 收纳箱 香薰蜡烛 床品四件套 午睡毯 户外水壶 便携炉具",
    "充电宝 蓝牙耳机 运动手环 头戴耳机 数据线 快充头 户外电源 手机支架 运动相机 蓝牙音箱 "
    "无线充电器",
)
MODIFIERS = (
    "男款 女款 情侣款 轻量 加厚 透气 防泼水 冰丝",
    "清爽型 温和型 旅行装 大瓶装 敏感肌 男士",
    "礼盒装 家庭装 30包 500g 低糖 原味 混合口味",
    "加大 便携 轻量 北欧风 双人 多功能",
    "快充版 降噪版 标准版 Pro版 迷你款 户外版",
)

PROVINCES = [
    "广东",
    "浙江",
    "江苏",
    "上海",
    "北京",
    "山东",
    "四川",
    "福建",
    "河南",
    "湖北",
    "湖南",
    "安徽",
    "河北",
    "陕西",
    "重庆",
    "辽宁",
    "天津",
    "江西",
    "广西",
    "云南",
    "山西",
    "黑龙江",
    "吉林",
    "贵州",
    "内蒙古",
    "新疆",
    "甘肃",
    "海南",
    "宁夏",
    "青海",
    "西藏",
]
PROV_W = np.array(
    [13, 10, 9, 6, 6, 6, 5, 5, 5, 4, 4, 3, 3, 2.5, 2.5, 2, 1.5, 1.5, 1.5, 1.5, 1, 1, 0.8, 1]
    + [0.7, 0.6, 0.6, 0.6, 0.3, 0.2, 0.1]
)
REMOTE = {"新疆", "西藏", "青海", "宁夏", "内蒙古", "甘肃"}
AGE = ("18-24", "25-29", "30-34", "35-39", "40-49", "50+")
AGE_W = np.array([0.18, 0.26, 0.24, 0.15, 0.12, 0.05])
GENDER = ("女", "男", "未知")
GENDER_W = np.array([0.58, 0.38, 0.04])
TIERS = ("普通会员", "银卡会员", "金卡会员", "钻石会员")

REASONS = ("尺码不符", "质量问题", "不喜欢/不想要", "发错货", "物流太慢", "与描述不符")
REASON_W = np.array(
    [
        [0.50, 0.10, 0.20, 0.04, 0.05, 0.11],  # 服饰
        [0.00, 0.20, 0.35, 0.08, 0.17, 0.20],  # 美妆
        [0.00, 0.35, 0.15, 0.10, 0.30, 0.10],  # 食品
        [0.00, 0.30, 0.25, 0.10, 0.10, 0.25],  # 家居
        [0.00, 0.45, 0.20, 0.08, 0.07, 0.20],  # 数码
    ]
)

#: orders multiplier on burst days (the visitors multiplier is this / CVR lift)
BURST = {"双11": 5.0, "618": 3.5, "双12": 2.0, "38节": 1.8, "99划算节": 1.6, "年货节": 1.5}
BURST_SHOP = 2.2
HOURS = np.array(
    [3, 1.5, 0.8, 0.5, 0.4, 0.5, 1, 2, 3, 4.5, 5.5, 5.5, 5, 5, 5.5, 5.5, 5, 4.5, 4.5, 5.5]
    + [7, 8, 7.5, 5],
    dtype=float,
)
WEEKDAY = np.array([0.95, 0.97, 1.0, 0.98, 0.95, 1.05, 1.10])  # Monday .. Sunday

ONE_DAY = pd.Timedelta(days=1)
#: tables written as .csv.gz (the others as plain .csv)
BIG_TABLES = ("orders", "order_items", "traffic", "inventory", "after_sales", "customers")
