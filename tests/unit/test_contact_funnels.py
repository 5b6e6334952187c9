"""Contact funnels (扫码进群, WeChat/QQ ids, links, the QR line images add) in the default pack."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text, decision",
    [
        ("初一英语\n期末复习资料", "pass"),
        ("初一英语\n期末复习资料\n二维码", "block"),  # a QR code on a K-12 subject poster
        ("五年级数学 微信号 abc_123", "block"),
        ("初一英语 QQ群 123456789", "block"),
        ("高一数学 https://abc.example/x", "pass"),  # links alone are not a funnel (news SMS carry them)
        ("数学 提分 扫码进群", "review"),  # subject + funnel, no audience: review
        ("雅思成人周末班 扫码进群", "pass"),
        ("正品促销\n二维码", "pass"),
        ("关于期中考试安排的通知 初二年级 家长群 扫码进群", "pass"),
    ],
)
def test_contact_funnels(rules_moderator, text: str, decision: str) -> None:
    assert rules_moderator.moderate(text)["decision"] == decision
