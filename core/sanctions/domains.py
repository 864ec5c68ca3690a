"""Domains and websites as match keys: registrable domains, and the ones that identify nobody.

A listed website or email domain is a precise identifier only when it belongs to the party: a
worker using ``mofa.lat`` (a Kimsuky domain) is a hit, a worker using ``gmail.com`` because one
listed persona did is not. So mailbox providers and shared hosting/profile platforms are never
domain keys; an email at them is matched as the whole address, and a website on them (a GitHub or
Facebook page) as the whole URL.

The registrable domain is the last two labels, or three under a known two-level public suffix
(``co.uk``, ``com.cn``, ``net.kp``…). That small table is enough for the list and for the
employer domains people write; it is not a full Public Suffix List.
"""

from __future__ import annotations

import re

from hiresentry.core.sanctions.words import words

TWO_LEVEL_SUFFIXES = words(
    "co.uk org.uk ac.uk gov.uk com.cn net.cn org.cn gov.cn edu.cn com.hk com.sg com.tw com.au net.au co.jp "
    "co.kr or.kr ne.kr re.kr com.kp net.kp edu.kp gov.kp org.kp com.ru com.ua com.tr com.br com.mx com.ar "
    "co.in net.in co.za com.my com.ph com.vn com.la co.nz co.il com.pk"
)
FREE_MAIL = words(
    "gmail.com googlemail.com outlook.com outlook.kr hotmail.com live.com msn.com yahoo.com ymail.com aol.com "
    "naver.com daum.net hanmail.net kakao.com nate.com qq.com 163.com 126.com sina.com sohu.com yeah.net "
    "mail.ru bk.ru inbox.ru list.ru rambler.ru yandex.ru yandex.com ya.ru protonmail.com proton.me pm.me "
    "icloud.com me.com mac.com gmx.com gmx.de gmx.net web.de zoho.com tutanota.com tuta.io mail.com "
    "fastmail.com hushmail.com rediffmail.com seznam.cz wp.pl onet.pl interia.pl ukr.net i.ua"
)
SHARED_HOSTS = words(
    "github.com github.io gitlab.com bitbucket.org linkedin.com facebook.com fb.com instagram.com twitter.com "
    "x.com t.me telegram.me telegram.org medium.com substack.com netlify.app vercel.app herokuapp.com "
    "pages.dev web.app firebaseapp.com google.com youtube.com wordpress.com blogspot.com wixsite.com "
    "upwork.com freelancer.com fiverr.com toptal.com behance.net dribbble.com stackoverflow.com "
    "discord.com discord.gg reddit.com tiktok.com vk.com ok.ru weibo.com"
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_HOST = re.compile(r"^[a-z0-9.-]+\.[a-z0-9-]{2,}$")


def split_url(value: str) -> tuple[str, str] | None:
    """``(host, path)`` of a URL, a bare host or an email address; ``None`` if no host is in it."""
    text = value.strip().lower()
    if "@" in text and "/" not in text:
        text = text.rpartition("@")[2]
    text = _SCHEME.sub("", text)
    host, _, path = text.partition("/")
    host = host.split(":")[0].strip(".")
    host = host.removeprefix("www.")
    if not _HOST.match(host):
        return None
    return host, path.split("?")[0].split("#")[0].strip("/")


def registrable_domain(host: str) -> str:
    """``mail.yanbian.com.cn`` → ``yanbian.com.cn``; ``www.mofa.lat`` → ``mofa.lat``."""
    labels = host.lower().strip(".").removeprefix("www.").split(".")
    keep = 3 if len(labels) >= 3 and ".".join(labels[-2:]) in TWO_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def is_shared(domain: str) -> bool:
    """True for mailbox providers and shared platforms: a domain there identifies nobody."""
    return domain in FREE_MAIL or domain in SHARED_HOSTS


def domain_key(value: str) -> str | None:
    """The registrable domain of a URL/host/email as a match key, or ``None`` for shared domains."""
    parts = split_url(value)
    if parts is None:
        return None
    domain = registrable_domain(parts[0])
    return None if is_shared(domain) else domain


def url_key(value: str) -> str | None:
    """``host/path`` of a URL with a path (a page on a shared platform), else ``None``."""
    parts = split_url(value)
    if parts is None or not parts[1]:
        return None
    return f"{parts[0]}/{parts[1]}"
