"""``--explain``: how an answer was computed, in plain Chinese or English, read off the executed SQL.

Deterministic (no model): the sqlglot tree of the query that ran is walked and each clause becomes a
step a manager can check — which tables, which rows were kept, how they were grouped, what was
computed (naming business metrics), the order and how many rows were kept. Anything without a plain
wording is shown as its SQL, so the explanation never claims more than the query does.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from tablepilot.answer_text import question_language
from tablepilot.knowledge.metrics import metric_expression
from tablepilot.knowledge.model import Knowledge
from tablepilot.knowledge.rewrite import _canon

_W = {
    "zh": {
        "title": "计算过程：",
        "from": "从表 {} 读取数据",
        "join": "与表 {} 关联（{}）",
        "where": "只保留满足条件的行：{}",
        "group": "按 {} 分组",
        "select": "计算并列出：{}",
        "select_rows": "列出：{}",
        "distinct": "去掉重复的行",
        "having": "分组后只保留：{}",
        "order": "按 {} 排序",
        "limit": "只取前 {} 行",
        "offset": "跳过前 {} 行",
        "cte": "先算出中间结果 {}：{}",
        "sub": "（子查询：{}）",
        "union": "把 {} 个查询的结果合并",
        "metric": "{} 是业务指标，定义为 {}",
        "and": "，并且",
        "or": "，或者",
        "sep": "、",
        "steps": "；",
        "desc": "从高到低",
        "asc": "从低到高",
        "count_all": "行数",
        "count": "{} 的个数",
        "count_distinct": "不同 {} 的个数",
        "sum": "{} 的总和",
        "avg": "{} 的平均值",
        "max": "{} 的最大值",
        "min": "{} 的最小值",
        "filter": "{}（只算{}的行）",
        "eq": "{} 等于 {}",
        "neq": "{} 不等于 {}",
        "gt": "{} 大于 {}",
        "gte": "{} 不小于 {}",
        "lt": "{} 小于 {}",
        "lte": "{} 不大于 {}",
        "in": "{} 是 {} 之一",
        "not_in": "{} 不是 {} 中的任何一个",
        "between": "{} 在 {} 和 {} 之间",
        "null": "{} 为空",
        "not_null": "{} 不为空",
        "contains": "{} 包含 {}",
        "starts": "{} 以 {} 开头",
        "ends": "{} 以 {} 结尾",
        "like": "{} 符合模式 {}",
        "not": "不满足（{}）",
        "as": "{}（记为 {}）",
        "round": "{}（保留 {} 位小数）",
        "div": "{} 除以 {}",
        "mul": "{} 乘以 {}",
        "add": "{} 加 {}",
        "sub_op": "{} 减 {}",
        "year": "{} 的年份",
        "month": "{} 的月份",
        "all": "所有列",
        "quote": "“{}”",
    },
    "en": {
        "title": "How the answer was computed:",
        "from": "Read the table {}",
        "join": "Join the table {} (on {})",
        "where": "Keep only the rows where {}",
        "group": "Group the rows by {}",
        "select": "Compute and list: {}",
        "select_rows": "List: {}",
        "distinct": "Remove duplicate rows",
        "having": "After grouping, keep only the groups where {}",
        "order": "Sort by {}",
        "limit": "Keep the first {} rows",
        "offset": "Skip the first {} rows",
        "cte": "First compute the intermediate result {}: {}",
        "sub": " (a sub-query: {})",
        "union": "Combine the results of {} queries",
        "metric": "{} is a business metric, defined as {}",
        "and": " and",
        "or": " or",
        "sep": ", ",
        "steps": "; ",
        "desc": "from highest to lowest",
        "asc": "from lowest to highest",
        "count_all": "the number of rows",
        "count": "the number of {} values",
        "count_distinct": "the number of different {}",
        "sum": "the total of {}",
        "avg": "the average of {}",
        "max": "the highest {}",
        "min": "the lowest {}",
        "filter": "{} (counting only rows where {})",
        "eq": "{} is {}",
        "neq": "{} is not {}",
        "gt": "{} is greater than {}",
        "gte": "{} is at least {}",
        "lt": "{} is less than {}",
        "lte": "{} is at most {}",
        "in": "{} is one of {}",
        "not_in": "{} is none of {}",
        "between": "{} is between {} and {}",
        "null": "{} is empty",
        "not_null": "{} is not empty",
        "contains": "{} contains {}",
        "starts": "{} starts with {}",
        "ends": "{} ends with {}",
        "like": "{} matches the pattern {}",
        "not": "not ({})",
        "as": "{} (named {})",
        "round": "{} (rounded to {} decimals)",
        "div": "{} divided by {}",
        "mul": "{} times {}",
        "add": "{} plus {}",
        "sub_op": "{} minus {}",
        "year": "the year of {}",
        "month": "the month of {}",
        "all": "all columns",
        "quote": "'{}'",
    },
}

_COMPARE = {exp.EQ: "eq", exp.NEQ: "neq", exp.GT: "gt", exp.GTE: "gte", exp.LT: "lt", exp.LTE: "lte"}
_ARITH = {exp.Div: "div", exp.Mul: "mul", exp.Add: "add", exp.Sub: "sub_op"}
_AGG = {exp.Sum: "sum", exp.Avg: "avg", exp.Max: "max", exp.Min: "min"}


class _Explainer:
    def __init__(self, lang: str, knowledge: Knowledge | None, dialect: str) -> None:
        self.w = _W[lang]
        self.lang = lang
        self.dialect = dialect
        self.metrics: dict[str, str] = {}
        self.used: list[str] = []
        for name, m in (knowledge.metrics if knowledge else {}).items():
            try:
                self.metrics[_canon(metric_expression(m, dialect))] = name
            except (ParseError, TokenError):
                continue
        self.definitions = {
            name: (m.description or m.sql + (f" WHERE {m.filter}" if m.filter else ""))
            for name, m in (knowledge.metrics if knowledge else {}).items()
        }

    # --- values -------------------------------------------------------------------------------
    def value(self, node: exp.Expr) -> str:
        w = self.w
        metric = self.metrics.get(_canon(node))
        if metric is not None:
            if metric not in self.used:
                self.used.append(metric)
            return metric
        if isinstance(node, exp.Column):
            return node.name
        if isinstance(node, exp.Star):
            return w["all"]
        if isinstance(node, exp.Literal):
            return w["quote"].format(node.this) if node.is_string else str(node.this)
        if isinstance(node, exp.Paren):
            return self.value(node.this)
        if isinstance(node, exp.Alias):
            inner = self.value(node.this)
            same = inner.casefold() == node.alias.casefold() or _canon(node.this) == node.alias.casefold()
            return inner if same else w["as"].format(inner, node.alias)
        if isinstance(node, exp.Count):
            arg = node.this
            if arg is None or isinstance(arg, exp.Star):
                return w["count_all"]
            if isinstance(arg, exp.Distinct):
                return w["count_distinct"].format(w["sep"].join(self.value(e) for e in arg.expressions))
            return w["count"].format(self.value(arg))
        for kind, key in _AGG.items():
            if isinstance(node, kind):
                return w[key].format(self.value(node.this))
        if isinstance(node, exp.Filter):
            where = node.expression
            cond = where.this if isinstance(where, exp.Where) else where
            return w["filter"].format(self.value(node.this), self.condition(cond))
        for op, key in _ARITH.items():
            if isinstance(node, op):
                return w[key].format(self.value(node.this), self.value(node.expression))
        if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
            return w["round"].format(self.value(node.this), self.value(node.args["decimals"]))
        if isinstance(node, exp.Year):
            return w["year"].format(self.value(node.this))
        if isinstance(node, exp.Month):
            return w["month"].format(self.value(node.this))
        if isinstance(node, exp.Subquery):
            return w["sub"].format(self.query(node.this)).strip()
        return node.sql(dialect=self.dialect)

    # --- conditions ---------------------------------------------------------------------------
    def condition(self, node: exp.Expr) -> str:
        w = self.w
        if isinstance(node, exp.Paren):
            return self.condition(node.this)
        if isinstance(node, exp.And):
            return f"{self.condition(node.this)}{w['and']} {self.condition(node.expression)}"
        if isinstance(node, exp.Or):
            return f"{self.condition(node.this)}{w['or']} {self.condition(node.expression)}"
        if isinstance(node, exp.Not):
            inner = node.this
            if isinstance(inner, exp.Is):
                return w["not_null"].format(self.value(inner.this))
            if isinstance(inner, exp.In):
                return w["not_in"].format(self.value(inner.this), self._list(inner))
            return w["not"].format(self.condition(inner))
        for kind, key in _COMPARE.items():
            if isinstance(node, kind):
                return w[key].format(self.value(node.this), self.value(node.expression))
        if isinstance(node, exp.In):
            return w["in"].format(self.value(node.this), self._list(node))
        if isinstance(node, exp.Between):
            return w["between"].format(
                self.value(node.this), self.value(node.args["low"]), self.value(node.args["high"])
            )
        if isinstance(node, exp.Is):
            return w["null"].format(self.value(node.this))
        if isinstance(node, (exp.Like, exp.ILike)) and isinstance(node.expression, exp.Literal):
            return self._like(self.value(node.this), str(node.expression.this))
        return node.sql(dialect=self.dialect)

    def _list(self, node: exp.In) -> str:
        query = node.args.get("query")
        if query is not None:
            return self.value(query)
        return self.w["sep"].join(self.value(e) for e in node.expressions)

    def _like(self, subject: str, pattern: str) -> str:
        w = self.w
        core = pattern.strip("%")
        if "%" in core or "_" in core:
            return w["like"].format(subject, w["quote"].format(pattern))
        quoted = w["quote"].format(core)
        if pattern.startswith("%") and pattern.endswith("%"):
            return w["contains"].format(subject, quoted)
        if pattern.endswith("%"):
            return w["starts"].format(subject, quoted)
        if pattern.startswith("%"):
            return w["ends"].format(subject, quoted)
        return w["eq"].format(subject, quoted)

    # --- queries ------------------------------------------------------------------------------
    def steps(self, node: exp.Expr) -> list[str]:
        w = self.w
        out: list[str] = []
        with_ = node.args.get("with_") or node.args.get("with")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                out.append(w["cte"].format(cte.alias, w["steps"].join(self.steps(cte.this))))
        if isinstance(node, exp.SetOperation):
            out.append(w["union"].format(2))
            return out
        if not isinstance(node, exp.Select):
            return [*out, node.sql(dialect=self.dialect)]
        source = node.args.get("from_") or node.args.get("from")
        if isinstance(source, exp.From):
            out.append(w["from"].format(self._source(source.this)))
        for join in node.args.get("joins") or ():
            on = join.args.get("on")
            using = join.args.get("using")
            how = self.condition(on) if on is not None else ", ".join(u.name for u in using or ()) or "-"
            out.append(w["join"].format(self._source(join.this), how))
        where = node.args.get("where")
        if isinstance(where, exp.Where):
            out.append(w["where"].format(self.condition(where.this)))
        group = node.args.get("group")
        if isinstance(group, exp.Group) and group.expressions:
            out.append(w["group"].format(w["sep"].join(self.value(e) for e in group.expressions)))
        having = node.args.get("having")
        if isinstance(having, exp.Having):
            out.append(w["having"].format(self.condition(having.this)))
        items = w["sep"].join(self.value(e) for e in node.expressions)
        computes = any(
            isinstance(n, (exp.AggFunc, exp.Binary, exp.Func)) for e in node.expressions for n in e.walk()
        )
        out.append(w["select" if computes else "select_rows"].format(items))
        if node.args.get("distinct"):
            out.append(w["distinct"])
        order = node.args.get("order")
        if isinstance(order, exp.Order) and order.expressions:
            keys = [
                f"{self.value(o.this)} {w['desc'] if o.args.get('desc') else w['asc']}"
                for o in order.expressions
            ]
            out.append(w["order"].format(w["sep"].join(keys)))
        offset = node.args.get("offset")
        if isinstance(offset, exp.Offset):
            out.append(w["offset"].format(self.value(offset.expression)))
        limit = node.args.get("limit")
        if isinstance(limit, exp.Limit) and limit.expression is not None:
            out.append(w["limit"].format(self.value(limit.expression)))
        return out

    def _source(self, node: exp.Expr) -> str:
        if isinstance(node, exp.Table):
            return node.name
        if isinstance(node, exp.Subquery):
            return self.w["sub"].format(self.query(node.this)).strip()
        return node.sql(dialect=self.dialect)

    def query(self, node: exp.Expr) -> str:
        return self.w["steps"].join(self.steps(node))


def explain_sql(
    sql: str, question: str = "", knowledge: Knowledge | None = None, dialect: str = "duckdb"
) -> str:
    """Numbered plain-language steps of ``sql`` in the question's language ('' when it cannot parse)."""
    lang = question_language(question)
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except (ParseError, TokenError, ValueError):
        return ""
    if tree is None:
        return ""
    ex = _Explainer(lang, knowledge, dialect)
    steps = ex.steps(tree)
    steps += [ex.w["metric"].format(name, ex.definitions[name]) for name in ex.used]
    end = "。" if lang == "zh" else "."
    lines = [ex.w["title"], *(f"{i}. {s}{end}" for i, s in enumerate(steps, 1))]
    return "\n".join(lines)
