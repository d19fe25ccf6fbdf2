from typing import Any, Iterable, Literal, Optional, Sequence, TypedDict, Union

Band = Literal["none", "low", "medium", "high", "critical"]
Kind = Literal["job_ad", "message", "other"]

class Finding(TypedDict):
    rule: str
    category: str
    start: int
    end: int
    text: str
    explain: str
    explain_lang: str
    explain_status: str
    weight: float

class Assessment(TypedDict):
    score: float
    band: Band
    findings: list[Finding]

class Distress(Assessment):
    urgency: int
    flags: list[str]

class Selector(TypedDict, total=False):
    kind: str
    value: str
    raw: str
    start: int
    end: int
    valid: bool
    role: Literal["contact", "victim", "hotline"]
    ambiguous: bool

class Report(TypedDict):
    id: str
    lang: str
    lure: Assessment
    scam: Assessment
    distress: Distress
    selectors: list[Selector]

Texts = Union[Iterable[Optional[str]], Any]
Kinds = Union[None, str, Sequence[Optional[str]]]

def scan(texts: Texts, kinds: Kinds = None) -> list[Optional[Report]]: ...
def scan_columns(texts: Texts, kinds: Kinds = None) -> dict[str, list[Any]]: ...
def check(text: str, kind: Optional[str] = None, lang: Optional[str] = None, id: str = "1") -> Report: ...
def extract_selectors(text: str, lang: Optional[str] = None) -> list[Selector]: ...
def info() -> dict[str, Any]: ...
