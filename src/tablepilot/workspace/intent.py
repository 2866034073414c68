"""Is this request a question, or an operation that makes a new table (or saves one to a file)?

Deterministic and table-driven, in Chinese and English: a request is an operation when it uses an
operation's words ("把华东的订单单独拿出来", "加一列利润率", "按月份透视", "keep only 2023 orders")
and does not ask for a value ("去重后还剩多少行？" is a question: the model dedupes inside the query).
A polite request ("能帮我去掉重复的订单号吗？") is still an operation. Questions that merely show rows
("top 10 customers", "按地区汇总销售额") stay questions: their result table can be saved anyway, and
a question must keep its answer values; they become operations only with a table word
("生成一张按地区汇总的表", "keep the top 10 customers").

The kinds only steer the prompt (a DuckDB idiom per kind) and the new table's name; the model's one
SELECT, checked by the guard, decides what the table is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: kinds in priority order: the first that matches names the table and leads the prompt hints
KINDS = (
    "unpivot",
    "pivot",
    "compute",
    "dedupe",
    "dropna",
    "fill",
    "convert",
    "rename",
    "select",
    "union",
    "join",
    "aggregate",
    "topn",
    "sample",
    "sort",
    "filter",
    "derive",
    "name",
)

_CN_NUM = "[一二两三四五六七八九十百千]+"
_UNIT = "(名|个|条|行|位|家|大|项|笔|单|款|种|件)"
_TABLE_WORD_ZH = r"(一张|一个|新的?|成|为|出|的)\s*(新)?(的)?(汇总)?(表|表格)(?!头)|汇总表|明细表"
_TABLE_WORD_EN = r"\b(table|keep|save|make|create|build)\b"

# fmt: off
ZH: dict[str, str] = {
    "unpivot": r"逆透视|反透视|列转行|(宽表|宽格式)(转|变)(成|为)?(长表|长格式)|(转|变)(成|为)长(表|格式)"
               r"|(几|多|这些|这几|各)\s*(个)?(月份?|年份?|季度)?列.{0,10}(合并|堆叠|转|变)(成|为)(一|两|2)列",
    "pivot": r"(数据)?透视|行转列|交叉表|(做|作|当|作为|变成|放在|放到)\s*(成)?(列|表头)(?!名)",
    "compute": r"(加|添加|增加|新增|新加|新建|插入|追加|补|算|生成)(上|出)?\s*(一|1|两|2|几|多)?\s*(个)?\s*(新的?)?"
               r"\s*(计算)?(列|栏|字段)",
    "dedupe": r"去重|(去掉|去除|删除|删掉|剔除|去)(掉)?.{0,12}重复|重复(的)?(行|记录|数据|项|值|订单)?.{0,8}"
              r"(去掉|删掉|删除|去除|剔除)|唯一(的)?(行|记录)",
    "dropna": r"(删除|删掉|去掉|去除|剔除|丢掉|过滤掉|不要).{0,15}(空值|空行|缺失|为空|是空|空白|null|NULL)"
              r"|(空值|为空|是空|空白|缺失|null|NULL).{0,10}(删除|删掉|去掉|去除|剔除|丢掉|不要)",
    "fill": r"填充|填补|补全|补齐|填上|填入|(空值|空的|缺失值?|空白|为空).{0,15}(填|补|改为|改成|换成|替换|设为|设成|当作)",
    "convert": r"(转换|转化|转|变|改)(成|为)\s*(日期|时间|数字|数值|整数|小数|浮点|文本|字符串|字符)(型|类型|格式)?"
               r"|(类型|格式).{0,6}(转换|改成|改为|变成)|转换.{0,10}(类型|格式)",
    "rename": r"重命名|改名|(列名|名字|名称|表头).{0,10}(改|换)|改.{0,3}列名",
    "select": r"(只|仅)(保留|留下?|要|取|显示|看).{0,30}(列|字段)|(删除|删掉|去掉|去除|不要|隐藏)(了)?.{0,20}(这一?列|列|字段)"
              r"|(选|挑)(出|取)?.{0,20}(列|字段)",
    "union": r"上下(合并|拼接|拼|连接|堆叠)|纵向(合并|拼接|堆叠)|追加(到|在).{0,12}(后面|下面|表)|堆叠"
             r"|(两|几|多|三)(张|个)表.{0,6}(合并|拼接|拼)(在一起|成|为)?",
    "join": r"(和|与|跟|同|及).{0,20}(合并|关联|连接|拼接|联结|匹配|连起来|对上|join)|关联|(合并|拼)(上|进来|进去)"
            r"|(按|根据|通过|用).{0,15}(合并|关联|匹配)|把.{0,20}(信息|字段|列)(带|加|拿|取)(过来|进来)|合并",
    "aggregate": r"(汇总|分组|聚合|小计|合计|统计|分类汇总).{0,20}(" + _TABLE_WORD_ZH + r")|汇总表|分类汇总",
    "name": r"(把|将)?(它|这个表|这张表|结果|新表|该表|表)(重新)?(命名为|改名为|改名叫|叫做|取名为?|起名为?)",
    "topn": r"(拿|取|挑|选|留|保留|筛)(出)?.{0,20}(前\s*\d+|前\s*" + _CN_NUM + r"\s*" + _UNIT + r")"
            r"|(前\s*\d+|前\s*" + _CN_NUM + r"\s*" + _UNIT + r").{0,20}(" + _TABLE_WORD_ZH + r"|拿出来|单独)",
    "sample": r"抽样|随机(抽|选|挑|取)|采样|抽(取|出)\s*(\d+|" + _CN_NUM + r")",
    "sort": r"排序|排个序|排一下序|(升序|降序|倒序)(排列?)?|从(大到小|小到大|高到低|低到高|早到晚|晚到早|多到少|少到多)(排|排列)",
    "filter": r"(单独|都|全部)?(拿|拎|挑|筛|摘|抽|提|取|找)出来|单独(拿|列|放|提取|取)|筛选|筛出|过滤|只(保留|留下?|要|取)"
              r"|剔除|排除|(去掉|删除|删掉|去除).{0,20}(的行|的记录|的数据|的订单)"
              r"|(的行|的记录|的数据|的订单).{0,4}(去掉|删掉|删除|去除)",
    "derive": r"(生成|创建|新建|做|建|存|保存|另存|整理)(成|出|为)?\s*(一个|一张|一份)?.{0,20}?(表|表格)(?!头)"
              r"|作为(一个|一张)?新表",
}
EN: dict[str, str] = {
    "unpivot": r"\bunpivot\b|\bmelt\b|\bwide to long\b|\blong format\b|\bpivot longer\b",
    "pivot": r"\bpivot\b|\bcross-?tab|\bwide format\b|\bspread\b.{0,40}\binto columns\b|\bas (the )?columns\b",
    "compute": r"\b(add|append|insert|create|compute|calculate|derive|make)\s+(a |an |one |two )?(new )?"
               r"(calculated |computed |derived )?(column|field)s?\b|\bnew column\b",
    "dedupe": r"\b(remove|drop|delete|eliminate|get rid of)\s+(the |all )?(exact )?(duplicate|duplicated|repeated)"
              r"|\bde-?dup(e|licate)?\b|\bdeduplicate\b|\b(unique|distinct) (rows|records)\b",
    "dropna": r"\b(drop|remove|delete|exclude|get rid of)\s+(the |all )?(rows )?(with |where |that have )?(an? )?"
              r"(\w+ )?(is |are )?(missing|null|empty|blank|nan)\b",
    "fill": r"\bfill\b|\breplace (the )?(missing|null|empty|blank|nan)\b|\bimpute\b",
    "convert": r"\bconvert\b|\bcast\b|\bchange (the )?(data )?(type|format)\b|\bparse\b.{1,30}\bas\b",
    "rename": r"\brename\b",
    "select": r"\b(keep|select|only)\s+(only )?(the )?(columns?|fields?)\b|\b(drop|remove|delete|hide)\b.{0,30}"
              r"\b(columns?|fields?)\b|\bonly the\b.{0,40}\bcolumns\b",
    "union": r"\bunion\b|\bappend\b.{0,40}\b(to|onto|under|below)\b|\bstack\b|\bconcatenate\b",
    "join": r"\bjoin\b|\bmerge\b|\bcombine\b.{0,40}\bwith\b|\blook ?up\b.{0,40}\bfrom\b|\benrich\b|\bbring in\b",
    "aggregate": r"\b(summary|aggregated?|grouped) table\b|\btable of\b.{0,40}\bby\b"
                 r"|\b(make|create|build|save)\b.{0,30}\b(summary|aggregate)",
    "topn": r"\b(keep|extract|take|pull out|save|make a table of)\s+(only )?(the )?(top|first|bottom|last)\s+\d+",
    "sample": r"\bsample\b|\brandom(ly)? (pick|select|choose|take|sample)|\bpick \d+ random\b|\b\d+ random (rows|records)\b",
    "sort": r"\bsort(ed)?\b|\border (it |them |this |the table |the rows |rows )?by\b|\barrange\b.{0,20}\bby\b",
    "filter": r"\b(keep only|only keep|keep just|keep the rows|filter|extract|pull out|take out|subset|exclude)\b"
              r"|\b(remove|drop|delete) (the |all )?rows\b|\bselect (only )?(the )?rows\b|\bonly the rows\b",
    "name": r"\b(call|name)\s+(it|the table|this table|the result)\b|\brename\s+(it|the table|this table)\s+(to|as)\b",
    "derive": r"\b(create|make|build|save)\b.{0,20}\b(new )?table\b|\bas a new table\b|\binto a (new )?table\b",
}
# fmt: on

_ZH = {k: re.compile(v) for k, v in ZH.items()}
_EN = {k: re.compile(v, re.IGNORECASE) for k, v in EN.items()}

_QUESTION_ZH = re.compile(
    r"多少|(?<![这那前后好])几\s*(个|条|行|种|次|家|位|年|月|天|笔|单|名|成|倍|列|张)|哪|什么|谁|为什么|为何|怎么|怎样|如何|是否|有没有|是不是"
    r"|呢\s*[？?]?\s*$"
)
_QUESTION_EN = re.compile(
    r"\b(how many|how much|how often|how long|what|which|who|whom|whose|why|is there|are there)\b"
    r"|^\s*(is|are|was|were|does|do|did|has|have|had|when|where|how)\b",
    re.IGNORECASE,
)

_EXPORT_ZH = re.compile(
    r"导出|另存为|(保存|存|输出|下载|写)(成|为|到|进)\s*.{0,12}(excel|xlsx|csv|parquet|文件|表格文件)|(excel|xlsx|csv|parquet)\s*(文件|格式)",
    re.IGNORECASE,
)
_EXPORT_EN = re.compile(
    r"\bexport\b|\bdownload\b|\b(save|write)\b.{0,30}\b(to|as|into)\b.{0,30}(\bexcel\b|\bxlsx\b|\bcsv\b|\bparquet\b|\bfile\b|\.\w{3,7}\b)",
    re.IGNORECASE,
)
_PATH = re.compile(
    r"""(?:^|[\s"'“”‘’「」:：(（])((?:[~./\\\w-]|[^\x00-\x7f])*?[\w-]\.(?:xlsx|csv|parquet|pq))\b""",
    re.IGNORECASE,
)
_FORMAT_WORDS = (
    (re.compile(r"parquet", re.IGNORECASE), "parquet"),
    (re.compile(r"\bcsv\b|csv", re.IGNORECASE), "csv"),
    (re.compile(r"excel|xlsx|表格文件|电子表格", re.IGNORECASE), "xlsx"),
)

_NAME_ZH = re.compile(
    r"(?:命名为|取名为?|起名为?|表名(?:为|叫|是)?|名为|叫做|(?:存|保存)(?:为|成)(?:一张)?(?:新)?表)\s*[:：]?\s*"
    r"[\"“「『'‘]?([^\s\"”」』'’，。,.!！？?；;]+)"
)
_NAME_EN = re.compile(
    r"\b(?:call(?:ed)?\s+it|name(?:d)?\s+it|named|called|as\s+(?:a\s+)?(?:new\s+)?table"
    r"|rename\s+(?:it|the\s+table|this\s+table)\s+(?:to|as))\s+[\"'`“]?([A-Za-z_][\w]*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Intent:
    """What a request asks the session to do besides answering: make a table, save to a file, or both."""

    kinds: tuple[str, ...] = ()  # table-making kinds found, in ``KINDS`` order
    export: bool = False
    export_format: str | None = None  # "xlsx", "csv", "parquet" when the request names one
    export_path: str | None = None
    name: str | None = None  # a table name the request asks for ("命名为 华东订单")

    @property
    def makes_table(self) -> bool:
        return bool(self.kinds)

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else "export"


def is_question(text: str) -> bool:
    """Asks for a value ("多少", "哪个", "how many", "which …") rather than for something to be done."""
    return bool(_QUESTION_ZH.search(text) or _QUESTION_EN.search(text))


def classify(text: str) -> Intent | None:
    """The operation a request asks for, or None for a plain question."""
    text = " ".join(text.split())
    if not text or is_question(text):
        return None
    kinds = tuple(k for k in KINDS if _ZH[k].search(text) or _EN[k].search(text))
    if "name" in kinds:  # "命名为 X" names the latest table; with another operation it names that one
        kinds = tuple(k for k in kinds if k not in ("name", "rename", "derive")) or ("name",)
    if kinds == ("derive",) and _derive_is_only_export(text):
        kinds = ()
    export = bool(_EXPORT_ZH.search(text) or _EXPORT_EN.search(text) or _PATH.search(text))
    if not kinds and not export:
        return None
    path = _PATH.search(text)
    fmt = next((f for pattern, f in _FORMAT_WORDS if pattern.search(text)), None) if export else None
    name_match = _NAME_ZH.search(text) or _NAME_EN.search(text)
    name = name_match.group(1) if name_match and kinds and "rename" not in kinds else None
    if kinds == ("name",) and name is None:
        kinds = ()
    if not kinds and not export:
        return None
    return Intent(
        kinds=kinds,
        export=export,
        export_format=fmt,
        export_path=path.group(1) if path else None,
        name=name,
    )


def _derive_is_only_export(text: str) -> bool:
    """ "保存成 Excel 表格" names a file format, not a new table."""
    return bool(re.search(r"(excel|xlsx|csv|parquet|文件)", text, re.IGNORECASE))
