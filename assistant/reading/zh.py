"""Chinese function words in English: numbers, prices and currencies, colours and sizes, yes
and no, greetings, asks for a person, order words, positions, refinements, help questions and
vague requests, each phrase rewritten as the English words the readers already know
("200美元以下" -> "under 200 dollars", "第一个" -> "the first one", "我的订单在哪里" -> "where is
my order").

These are closed lexicons of the language, not of any shop: the shop's things (帐篷, 登山鞋)
are matched by meaning against its own words (``assistant.reading.crosslingual``).

Not here: segmenting what is left and matching it (``assistant.reading.gloss``).
"""

from __future__ import annotations

import re
from functools import partial

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS |= {"七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万]+")
# Phrases with 一 that are no number ("便宜一点", "看一下").
_NOT_NUMBERS = re.compile(
    r"上一|一点|一些|一下|一样|一起|一直|一般|一定|统一|一共|一款|一个人|万一"
)


def numeral_value(run: str) -> int | None:
    """ "两百" -> 200, "一百五" -> 150, "三十" -> 30, "十五" -> 15, "一千二" -> 1200."""
    total, section, digit, last_unit = 0, 0, None, 1
    for ch in run:
        if ch in _DIGITS:
            digit = _DIGITS[ch] if digit is None else digit * 10 + _DIGITS[ch]
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit == 10000:
                total += (section + (digit or 0)) * unit
                section, digit, last_unit = 0, None, unit
                continue
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        # "一百五" is 150: a lone digit after a unit counts in the next unit down
        section += digit * (last_unit // 10) if last_unit >= 100 and digit < 10 else digit
    return total + section


def numbers_as_digits(text: str) -> str:
    """Chinese numerals as digits ("低于两百美元" -> "低于200美元"), idioms with 一 kept."""
    kept: list[str] = []

    def hold(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\x00{len(kept) - 1}\x00"

    held = _NOT_NUMBERS.sub(hold, text)
    held = _NUMERAL.sub(lambda m: str(numeral_value(m.group(0)) or m.group(0)), held)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], held)


_N = r"(\d+(?:\.\d+)?)"
_CUR = r"\s*(美元|美金|刀|块钱|块|元|人民币|欧元|rmb|usd|\$)?"
_CURRENCY = {
    "美元": "dollars",
    "美金": "dollars",
    "刀": "dollars",
    "usd": "dollars",
    "$": "dollars",
}
_CURRENCY |= {"块钱": "yuan", "块": "yuan", "元": "yuan", "人民币": "yuan", "rmb": "yuan"}
_CURRENCY |= {"欧元": "euros"}


def _cur(m: re.Match[str], group: int) -> str:
    said = m.group(group)
    return _CURRENCY.get(said.lower(), "") if said else ""


def _price(kind: str, m: re.Match[str]) -> str:
    if kind == "range":
        currency = _cur(m, 2) or _cur(m, 4)
        return f" between {m.group(1)} and {m.group(3)} {currency} "
    cue = {"max": "under", "min": "over", "around": "around", "loose": ""}[kind]
    return f" {cue} {m.group(1)} {_cur(m, 2)} "


_PRICES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("range", re.compile(rf"{_N}{_CUR}\s*(?:到|至|-|~|～)\s*{_N}{_CUR}\s*(?:之间|以内)?")),
    (
        "max",
        re.compile(
            rf"(?:不超过|不要超过|别超过|不能超过|不高于|不多于|低于|少于|最多|最高|顶多|"
            rf"预算(?:是|在|只有|为|改成|改为|调到|调整为|换成)?|改成|改为|控制在|价格在|价位在|只有){_N}{_CUR}(?:以下|以内|之内|内)?"
        ),
    ),
    ("max", re.compile(rf"{_N}{_CUR}\s*(?:以下|以内|之内|内|之下|封顶)")),
    ("min", re.compile(rf"(?:高于|超过|至少|最少|多于|起码){_N}{_CUR}")),
    ("min", re.compile(rf"{_N}{_CUR}\s*(?:以上|起)")),
    ("around", re.compile(rf"(?:大概|大约|差不多|约){_N}{_CUR}")),
    ("around", re.compile(rf"{_N}{_CUR}\s*左右")),
    ("loose", re.compile(rf"{_N}\s*(美元|美金|刀|块钱|块|元|人民币|欧元)")),
)

_COLOURS = {
    "黑": "black", "白": "white", "红": "red", "蓝": "blue", "绿": "green", "黄": "yellow",
    "橙": "orange", "紫": "purple", "粉": "pink", "粉红": "pink", "棕": "brown", "咖啡": "brown",
    "灰": "grey", "米": "beige", "藏青": "navy", "海军蓝": "navy", "深蓝": "navy",
    "金": "gold", "银": "silver", "卡其": "khaki", "橄榄": "olive", "玫瑰金": "rose gold",
    "天蓝": "sky blue", "酒红": "burgundy", "青": "teal",
}  # fmt: skip
_COLOUR = re.compile(r"(" + "|".join(sorted(_COLOURS, key=len, reverse=True)) + r")色(?:的|款)?")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:码|号)|([XSML]{1,3}|XXL|XXXL)\s*(?:码|号)", re.I)

# (pattern, English), in order: the first phrases are the longer ones.
_PHRASES: tuple[tuple[str, str], ...] = (
    # asks for a person
    (
        r"转人工|人工客服|找人工|真人客服|和人(?:聊|说)|跟真人|找真人|找客服|联系客服|转接(?:人工)?客服|"
        r"找个人|找(?:个)?真人|我要投诉",
        " talk to a person ",
    ),
    # a yes that names the action waiting for it ("是的，取消"), a no that takes it back
    (
        r"^\W*(?:是的|是啊|是|对的|对|好的|好吧|好啊|好|行|可以|嗯|确认|确定|没问题)\W*"
        r"(?:取消|退|退货|退掉|退款|换|换货)(?:吧|它|掉|了|这个|订单)?\W*$",
        " yes, go ahead ",
    ),
    (r"不(?:要|用)?取消了?|别取消|不想取消", " do not cancel "),
    (r"保留(?:订单|它|这个订单)?|留着(?:吧)?", " keep it "),
    # service requests
    (
        r"(?:我的)?订单(?:现在)?(?:在哪里|在哪儿|在哪|到哪里了|到哪了|到哪儿了|什么时候到|到了吗|发货了(?:吗|没)?)|"
        r"查查?(?:我的?)?上一单|(?:我的)?上一单(?:在哪|到哪了)?|"
        r"(?:我的)?(?:包裹|快递)(?:在哪里|在哪|到哪了|什么时候到)|物流(?:信息|状态)?|订单状态|"
        r"查(?:一下|下)?(?:我的)?订单",
        " where is my order ",
    ),
    (
        r"(?:我)?(?:之前|以前|最近)?(?:都)?(?:买|订|下单)(?:过|了)(?:些|哪些)?(?:什么|东西)|看看我的订单|"
        r"列(?:一下|出)?我(?:最近)?的订单|我的订单列表|我最近的订单|(?:我)?最近(?:都)?买了(?:些)?什么|我买过什么|我(?:之前|以前)?买了什么|历史订单|"
        r"(?:我的)?订单(?:记录|历史)|我下了哪些订单|我的订单有哪些",
        " what did i order recently ",
    ),
    (r"取消(?:我的)?(?:订单|这个订单|那个订单)?|不想要了|不要了", " i want to cancel my order "),
    # a question about the rules of returns, not a request to return an order
    (
        r"(?:可以|能|能不能|可不可以|支持)(?:换货|退货|退款|退换货?)(?:吗|么)|几天内(?:可以|能)?(?:退货|退款|换货)|"
        r"退款多久(?:能)?到账|多久(?:能)?(?:退款|到账)",
        " what is the return policy ",
    ),
    (r"换货|换(?:一)?个(?:尺码|颜色|大小)", " i want to exchange it "),
    (r"退货(?:政策|规定)|退款政策|退换货政策", " what is the return policy "),
    (r"(?:我想|我要)?(?:退货|退款|退掉|退回)", " i want to return my order "),
    (r"改(?:一下)?(?:收货)?地址|修改(?:收货)?地址|地址(?:写)?错了", " change my shipping address "),
    (r"待发货|未发货|还没发货|没发货", " pending "),
    (r"最近(?:的|一个|一笔)?(?:订单)?|最新的?(?:订单)?|上一个订单", " most recent "),
    (r"已送达|已经到了|已签收|收到了", " delivered "),
    (r"订单号?|订单", " order "),
    (r"在哪里|在哪儿|在哪|到哪里了|到哪了|到哪儿了|什么时候到|到了吗", " where is it "),
    # help-center questions
    (
        r"运费(?:是)?多少|运费|包邮|免运费|(?:国际)?配送(?:时间|方式)?|发货时间|多久(?:能)?(?:送)?到|送货",
        " what about shipping? ",
    ),
    (r"保修|质保", " what is the warranty policy? "),
    (r"优惠券|折扣码|优惠码|打折", " do you have a coupon code? "),
    (r"支付方式|付款方式|怎么付款", " what payment methods do you accept? "),
    (r"政策|规定", " policy "),
    (r"是什么|是多少|怎么样的|(?<!在)吗[？?]?$", " ? "),
    # a pick among the products on screen ("便宜的那个"), before "比较" reads as compare
    (
        r"(?:更|比较|最)?(?:便宜|实惠)(?:一点|一些|点|些)?的?(?:那|这)(?:一)?(?:个|款|件|双|台)",
        " the cheaper one ",
    ),
    (
        r"(?:更|比较|最)?贵(?:一点|一些|点|些)?的?(?:那|这)(?:一)?(?:个|款|件|双|台)",
        " the more expensive one ",
    ),
    (
        r"(?:评分|评价|口碑)(?:更|比较|最)?(?:高|好)(?:一点|点)?的?(?:那|这)(?:一)?(?:个|款|件|双|台)",
        " the better rated one ",
    ),
    # relaxing the budget ("提高预算")
    (
        r"(?:提高|提升|增加|放宽|调高)(?:一点|一下|点)?(?:价格|预算)?(?:上限)?|"
        r"(?:价格|预算)(?:上限)?(?:提高|提升|增加|放宽|调高)(?:一点|一下|点)?",
        " raise the budget ",
    ),
    (r"多花(?:一?点|些)?钱?|花多一?点|多付(?:一?点)?钱?", " spend more "),
    (
        r"(?:价格|预算|价钱)(?:无所谓|不重要|不限|没关系)了?|不管(?:价格|预算|多少钱)|"
        r"不限(?:价格|预算)|不考虑(?:价格|预算)",
        " forget the budget ",
    ),
    # references to the list on screen
    (r"比较(?:一下)?|对比(?:一下)?|有什么区别|有什么不同|哪个更好|哪个好", " compare "),
    (r"前(?:面)?(2|3|4)(?:个|款|件|样)?", r" the first \1 "),
    (r"第(1|一)(?:个|款|件|样)?", " the first one "),
    (r"第(2|二)(?:个|款|件|样)?", " the second one "),
    (r"第(3|三)(?:个|款|件|样)?", " the third one "),
    (r"第(4|四)(?:个|款|件|样)?", " the fourth one "),
    (r"第(5|五)(?:个|款|件|样)?", " the fifth one "),
    (r"最后(?:一|1)?(?:个|款|件)", " the last one "),
    (r"这两个|这两款|两个都", " both "),
    (r"(?:详细)?介绍一下|详细(?:信息|说说)|多说一点|更多信息", " tell me more about "),
    # refinements
    (r"最便宜的(?:那个|那款|一个)?", " the cheapest one "),
    (
        r"(?:更|再)?便宜(?:一点|一些|点|些)?的?|太贵了?|价格低一点|(?:更)?实惠(?:一点|一些|点|些)?的?|"
        r"预算有限|性价比(?:更)?高的?|划算(?:一点|点)?的?",
        " cheaper ",
    ),
    (
        r"(?:更|再)贵的?|贵(?:一点|一些|点|些)(?:的|吧)?(?:也行|也可以|没关系)?|好一点的|"
        r"高端(?:一点)?的?|更高档",
        " more expensive ",
    ),
    (
        r"评分(?:更)?高(?:一点|点)?的?|评价(?:更)?(?:好|高)(?:一点|点)?的?|口碑(?:更|比较)?好(?:一点|点)?的?|"
        r"好评(?:多|更多|最多)?的?",
        " better rated ",
    ),
    (
        r"(?:换|其他|别的|另一个|另外的?)(?:一个|个)?(?:牌子|品牌)|不要这个(?:牌子|品牌)",
        " other brand ",
    ),
    (
        r"不(?:要|用)问了|别问了|直接(?:给我)?(?:看|推荐|显示|展示)|都可以|随便|无所谓|没(?:有)?偏好|"
        r"先看看(?:有哪些|都有什么|有什么)?|看几个",
        " just show me ",
    ),
    (r"(brandzq[a-z])\s*(?:以外|之外)的?", r" not \1 "),
    # yes and no, greetings and thanks
    (r"^\W*(?:好的|好啊|好吧|好|行|可以|是的|是|对|对的|没问题|确认|确定|嗯|当然)\W*$", " yes "),
    (r"^\W*(?:不用了|不用|不要|不了|不|不是|算了|没有|别|不行|取消吧)\W*(?:谢谢)?\W*$", " no "),
    (
        r"^\W*(?:hi|hello)?\W*(?:你好|您好|嗨|哈喽|早上好|下午好|晚上好)(?:啊|呀)?\W*(?:在吗)?\W*$",
        " hello ",
    ),
    (r"^\W*(?:谢谢(?:你|您)?|多谢|感谢|好的谢谢|再见|拜拜)\W*$", " thanks "),
    # vague requests, recipients, rooms
    (r"礼物|礼品", " gift "),
    (r"爸爸|父亲|老爸|我爸", " dad "),
    (r"妈妈|母亲|老妈|我妈", " mom "),
    (r"老婆|妻子|太太", " wife "),
    (r"老公|丈夫", " husband "),
    (r"女朋友", " girlfriend "),
    (r"男朋友", " boyfriend "),
    (r"孩子|小孩|儿子|女儿", " kids "),
    (r"朋友", " friend "),
    (r"姐姐|妹妹", " sister "),
    (r"哥哥|弟弟", " brother "),
    (r"生日", " birthday "),
    (r"厨房", " kitchen "),
    (r"办公室", " office "),
    (r"卧室", " bedroom "),
    (r"浴室|卫生间", " bathroom "),
    (r"健身房|健身", " gym "),
    (r"露营", " camping "),
    (r"徒步|爬山", " hiking "),
    (r"旅行|旅游", " travel "),
    (r"不知道(?:买)?什么|不确定|随便看看|有什么推荐|推荐点什么|东西", " something "),
    (r"帮我选|帮我挑|帮我推荐|不知道(?:选|买)哪个|选哪个", " help me choose "),
    # requests and feature words
    (
        r"我想买|我要买|想买|要买|我想要|我要|想要|我需要|需要|推荐|找一?(?:个|双|件|款)?|"
        r"有没有|有卖|卖不卖|你们有|给我看|看看|买",
        " i want ",
    ),
    (r"防水", " waterproof "),
    (r"无线", " wireless "),
    (r"降噪", " noise cancelling "),
    (r"有货|现货", " in stock "),
    (r"评分(\d(?:\.\d)?)(?:分|星)?以上|(\d(?:\.\d)?)(?:分|星)以上", r" rated \1\2+ "),
    (r"女士|女款|女式|女生", " women's "),
    (r"男士|男款|男式|男生", " men's "),
    (r"不要|不想要|除了", " not "),
)
_RULES = tuple((re.compile(p, re.I), e) for p, e in _PHRASES)
_QUANTITY = re.compile(r"\d+\s*[个双件台把款只条顶张套副艘辆部]")


def to_english(text: str) -> str:
    """``text`` with every Chinese phrase these lexicons know rewritten in English words;
    what they do not know is left as typed."""
    text = numbers_as_digits(text.strip())
    for kind, pattern in _PRICES:
        text = pattern.sub(partial(_price, kind), text)
    text = _COLOUR.sub(lambda m: f" {_COLOURS[m.group(1)]} ", text)
    text = _SIZE.sub(lambda m: f" size {m.group(1) or m.group(2).upper()} ", text)
    for pattern, english in _RULES:
        text = pattern.sub(english, text)
    return _QUANTITY.sub(" ", text)  # "一双" of "推荐一双登山鞋": a count, not a price
