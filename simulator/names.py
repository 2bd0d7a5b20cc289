"""Plausible but fake identities (names, ID numbers, phones, cards, devices) drawn from the run's RNG."""

from __future__ import annotations

import numpy as np


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = _words(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng "
    "Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du"
)
GIVEN = _words(
    "Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xiu Xia Ping Gang Hui "
    "Hua Bin Yu Hao Kai Lin Ning Rui Shan Ting Xin Yi Zhen Bo Dan Feng Hong Jian Lan Mei Peng "
    "Qing Rong Song Wen Xue Ying Zhi Long"
)
# City, resident-ID area code, region (the agents' sales regions).
CITIES = (
    ("Shanghai", "310101", "East"),
    ("Hangzhou", "330102", "East"),
    ("Nanjing", "320102", "East"),
    ("Suzhou", "320505", "East"),
    ("Beijing", "110101", "North"),
    ("Tianjin", "120101", "North"),
    ("Qingdao", "370202", "North"),
    ("Shenzhen", "440303", "South"),
    ("Guangzhou", "440103", "South"),
    ("Xiamen", "350203", "South"),
    ("Chengdu", "510104", "West"),
    ("Chongqing", "500103", "West"),
    ("Xi'an", "610102", "West"),
    ("Wuhan", "420102", "Central"),
    ("Changsha", "430102", "Central"),
)
REGIONS = ("East", "North", "South", "West", "Central")
COMPANY_WORDS = _words(
    "Huaxin Zhongtai Hengsheng Jinding Ruifeng Tianyu Kaiyuan Dingsheng Hongda Xinhe Yuantong "
    "Changjiang Donghai Baoli Anxin Fuyuan"
)
COMPANY_KINDS = (
    "Investment Co., Ltd.",
    "Trading Co., Ltd.",
    "Asset Management Co., Ltd.",
    "Technology Co., Ltd.",
    "Industrial Co., Ltd.",
)
CARD_BINS = _words("622202 622588 621700 622848 621483 622700 621226")
MOBILE_PREFIXES = _words("130 131 135 136 137 138 139 150 151 158 159 176 177 180 182 186 187 188 189 199")
IP_PREFIXES = _words(
    "36.112 58.33 101.86 112.64 114.88 116.228 117.136 119.123 120.204 121.35 180.163 183.6 "
    "202.96 211.95 222.73 223.104"
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def person_name(rng: np.random.Generator) -> str:
    given = GIVEN[rng.integers(len(GIVEN))]
    if rng.random() < 0.6:
        given += GIVEN[rng.integers(len(GIVEN))].lower()
    return f"{SURNAMES[rng.integers(len(SURNAMES))]} {given}"


def company_name(rng: np.random.Generator, city: str) -> str:
    word = COMPANY_WORDS[rng.integers(len(COMPANY_WORDS))]
    return f"{city} {word} {COMPANY_KINDS[rng.integers(len(COMPANY_KINDS))]}"


def resident_id(rng: np.random.Generator, area_code: str, birth_year: int) -> str:
    """An 18-character resident ID with a valid ISO 7064 MOD 11-2 check character."""
    month = int(rng.integers(1, 13))
    day = int(rng.integers(1, 29))
    body = f"{area_code}{birth_year:04d}{month:02d}{day:02d}{int(rng.integers(0, 1000)):03d}"
    total = sum(int(ch) * w for ch, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def credit_code(rng: np.random.Generator, area_code: str) -> str:
    """An 18-character unified social credit code shape for legal persons (check not computed)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    tail = "".join(alphabet[i] for i in rng.integers(0, len(alphabet), 9))
    return f"91{area_code}{tail}{alphabet[rng.integers(len(alphabet))]}"


def mobile(rng: np.random.Generator) -> str:
    return MOBILE_PREFIXES[rng.integers(len(MOBILE_PREFIXES))] + f"{int(rng.integers(0, 10**8)):08d}"


def bank_card(rng: np.random.Generator) -> str:
    """A 19-digit debit card number with a valid Luhn check digit."""
    body = CARD_BINS[rng.integers(len(CARD_BINS))] + "".join(str(d) for d in rng.integers(0, 10, 12))
    digits = [int(ch) for ch in body]
    total = 0
    for pos, digit in enumerate(reversed(digits)):
        if pos % 2 == 0:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return body + str((10 - total % 10) % 10)


def device_id(rng: np.random.Generator) -> str:
    return "".join(f"{b:02x}" for b in rng.integers(0, 256, 8))


def ip_address(rng: np.random.Generator) -> str:
    prefix = IP_PREFIXES[rng.integers(len(IP_PREFIXES))]
    return f"{prefix}.{int(rng.integers(1, 255))}.{int(rng.integers(1, 255))}"
