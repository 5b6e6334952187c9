"""Varied poster ad copy written for the image evaluation: violating and benign, composed from parts.

Every copy is a list of poster lines. The parts below were written for this project (no external data); the
composition is seeded, so a seed always gives the same set.
"""

from __future__ import annotations

import random

GRADES = ["一年级", "三年级", "五年级", "六年级", "初一", "初二", "初三", "高一", "高二", "高三", "小升初", "中考", "高考"]
SUBJECTS = ["数学", "语文", "英语", "物理", "化学", "生物", "奥数", "作文", "数理化"]
OFFERS = ["冲刺班", "提高班", "培优班", "精品小班", "一对一辅导", "集训营", "同步课", "衔接班", "补习班"]
HOLIDAYS = ["暑假", "寒假", "周末", "国庆假期", "五一假期", "暑期"]
CLAIMS = ["名师押题", "保证提分", "提分30分", "不提分全额退款", "清北名师授课", "名额有限", "仅剩3个名额", "重点中学老师亲授",
          "一周速提20分", "考不上重点班退费"]
PRICES = ["原价3980 现价980", "限时5折", "买10节送5节", "前20名立减500", "一次性充值送课时"]
CTAS = ["扫码进群", "咨询电话 138 0013 8000", "立即报名", "欢迎来电咨询", "免费试听一节课", "加微信 study_2024"]

ADULT_COURSES = ["雅思7分精讲班", "托福周末班", "考研英语全程班", "会计初级职称班", "成人本科学历提升", "PMP项目管理认证",
                 "教师资格证备考", "Python职场编程课", "商务英语口语", "注册会计师CPA"]
ADULT_TAGS = ["在职白领", "成人小班", "大学生专享", "职场人士", "工作日晚班"]
PRODUCTS = ["正品促销 大桶装更划算", "新鲜水果 产地直发", "家电以旧换新", "火锅自助 每位88元", "品牌羽绒服 清仓特卖",
            "手机贴膜 免费更换", "健身房年卡 限时优惠", "宠物美容 洗澡修剪", "汽车保养 全车检测", "新楼盘 样板间开放"]
PRODUCT_TAGS = ["全场包邮", "极速发货", "假一赔十", "会员积分翻倍", "到店有礼", "周年店庆"]
PUBLIC = ["社区图书馆 周末开放", "垃圾分类 从我做起", "文明出行 礼让行人", "无偿献血 光荣", "防范电信诈骗 提高警惕",
          "节约用水 人人有责"]
ADULT_SPORTS = ["成人游泳速成班", "瑜伽私教课", "成人羽毛球培训", "健身减脂训练营"]


def _violating(rng: random.Random) -> list[str]:
    g, s, o = rng.choice(GRADES), rng.choice(SUBJECTS), rng.choice(OFFERS)
    head = f"{rng.choice(HOLIDAYS)}{g}{s}{o}" if rng.random() < 0.5 else f"{g}{s}{o}"
    lines = [head]
    lines += rng.sample(CLAIMS, rng.randint(0, 2))
    if rng.random() < 0.4:
        lines.append(rng.choice(PRICES))
    lines.append(rng.choice(CTAS))
    return lines


def _benign(rng: random.Random) -> list[str]:
    kind = rng.random()
    if kind < 0.4:
        lines = [rng.choice(ADULT_COURSES), rng.choice(ADULT_TAGS)]
    elif kind < 0.75:
        lines = rng.choice(PRODUCTS).split(" ") + [rng.choice(PRODUCT_TAGS)]
    elif kind < 0.9:
        lines = rng.choice(PUBLIC).split(" ")
    else:
        lines = [rng.choice(ADULT_SPORTS), rng.choice(ADULT_TAGS)]
    if rng.random() < 0.5 and kind < 0.75:
        lines.append(rng.choice(["咨询电话 400 820 1234", "立即报名", "到店咨询", "扫码关注"]))
    return lines


NON_SUBJECT = ["少儿篮球训练营", "儿童美术启蒙课", "少儿编程体验课", "青少年街舞班", "儿童围棋班", "少儿游泳班"]
AGES = ["4-6岁", "6-12岁", "7-10岁", "小学生"]


def _borderline(rng: random.Random) -> list[str]:
    """Copy the rules send to review or that sit near a boundary: vague funnels, no audience, non-subject."""
    kind = rng.random()
    if kind < 0.35:
        return [f"{rng.choice(GRADES[:10])}同学看过来", rng.choice(["扫码进群 领取资料", "学习群 扫码加入"])]
    if kind < 0.65:
        return [f"{rng.choice(SUBJECTS)}{rng.choice(OFFERS)}", rng.choice(["小班授课", "扫码咨询", "欢迎咨询"])]
    return [rng.choice(NON_SUBJECT), rng.choice(AGES), rng.choice(["火热招生", "免费试听", "立即报名"])]


def poster_copies(n: int, seed: int = 7, violating_share: float = 0.5) -> list[dict]:
    """`n` copies: {'id', 'lines', 'kind'}; about `violating_share` training ads, 15% borderline."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        u = rng.random()
        if u < violating_share:
            kind, lines = "training_ad", _violating(rng)
        elif u < violating_share + 0.15:
            kind, lines = "borderline", _borderline(rng)
        else:
            kind, lines = "benign", _benign(rng)
        out.append({"id": f"copy-{i:04d}", "lines": lines, "kind": kind})
    return out
