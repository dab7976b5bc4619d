"""Redaction: the names of individual officers replaced by their roles in a published pack.

A Lead is a person unless every word of its name is a job-title word ("Head of
Housing", "Director of Children's Services", "Strategic Leads"); a name with any
other word ("Janet Simon", "MWT", "Keeley Pullen Headteacher Virtual School")
is a person. Erring this way over-redacts a role now and then, never leaks a name.
A person becomes their Lead.role, or "Officer" when no role is known.

`redact_pack` rewrites the frozen pack's HTML: names replaced in every text and
attribute, links into the tracker unwrapped (the public may not follow them),
the pack's own tool bar dropped, and a banner inserted at the top of <main>.
"""

import re
from html import escape
from html.parser import HTMLParser

from django.contrib.auth import get_user_model

from plans.models import Lead

OFFICER = "Officer"

ROLE_WORDS = set(
    """
    a all an and assistant board care cla children children's childrens consultant corporate dcs deputy
    designated director directors each early education executive family for head headteacher head-teacher heads help
    housing improvement in information lead leader leaders leads looked manager managers nurse of officer officers
    partnership partners performance principal quality safeguarding school schools send senior service
    services social strategic team teams the virtual with workers action actions assurance
    """.split()
)

INITIALS = re.compile(r"^[A-Z]{1,4}$")


def is_person(lead: Lead) -> bool:
    """Does this Lead name an individual (to be redacted) rather than a role?"""
    if lead.user_id:
        return True
    words = re.findall(r"[\w'-]+", lead.name.replace("\u2019", "'").lower())
    return not words or any(word not in ROLE_WORDS for word in words)


def other_names(text: str) -> dict[str, str]:
    """The plan's extra names, one a line: "John Cooke" or "John Cooke = Performance Manager"."""
    names = {}
    for line in (text or "").splitlines():
        name, _, role = line.partition("=")
        name = " ".join(name.split())
        if name:
            names[name] = " ".join(role.split()) or OFFICER
    return names


def replacements(extra: str = "") -> dict[str, str]:
    """Every known person's name (and the plan's other names) → what is published instead."""
    names: dict[str, str] = other_names(extra)
    role_of_user = {}
    for lead in Lead.objects.all():
        if is_person(lead):
            names[lead.name] = lead.role or OFFICER
            if lead.user_id:
                role_of_user[lead.user_id] = lead.role or OFFICER
    for user in get_user_model().objects.exclude(first_name="", last_name=""):
        full = user.get_full_name().strip()
        if full:
            names.setdefault(full, role_of_user.get(user.pk, OFFICER))
    return names


def name_pattern(names) -> re.Pattern | None:
    """One regex for all names: longest first, whole words, any apostrophe and spacing.

    Initials and acronyms ("MWT", "RE") match only in capitals, so "re-rated" is safe;
    other names match in any case ("Neale laurie").
    """
    parts = []
    for name in sorted(names, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in name.split())
        body = body.replace("'", "['\u2019\u2018]").replace("\u2019", "['\u2019\u2018]")
        parts.append(body if INITIALS.match(name) else f"(?i:{body})")
    if not parts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


class Redactor:
    """Replaces names in text; `names` maps a name to its replacement."""

    def __init__(self, names: dict[str, str]):
        self.pattern = name_pattern(names)
        self.lookup = {self.key(name): role for name, role in names.items()}

    @staticmethod
    def key(text: str) -> str:
        return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).casefold()

    def __call__(self, text: str) -> str:
        if not self.pattern or not text:
            return text
        return self.pattern.sub(lambda m: self.lookup.get(self.key(m.group(0)), OFFICER), text)


def keep_text(text: str) -> str:
    return text


class PackRewriter(HTMLParser):
    """Streams the pack's HTML back out, rewritten for the public (see the module docstring)."""

    RAW = {"style", "script"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, redact, banner: str, head: str = ""):
        super().__init__(convert_charrefs=True)
        self.redact = redact
        self.banner = banner
        self.head = head
        self.out: list[str] = []
        self.skip_depth = 0  # >0 while inside a dropped element
        self.links: list[bool] = []  # per open <a>: was it unwrapped?
        self.raw = False

    def attrs_text(self, attrs) -> str:
        parts = []
        for name, value in attrs:
            parts.append(name if value is None else f'{name}="{escape(self.redact(value), quote=True)}"')
        return "".join(" " + part for part in parts)

    def handle_starttag(self, tag, attrs):
        self.emit_start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self.emit_start(tag, attrs, closed=True)

    def emit_start(self, tag, attrs, closed):
        if self.skip_depth:
            if tag not in self.VOID and not closed:
                self.skip_depth += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        if "pack-tools" in classes or "internal" in classes:
            if tag not in self.VOID and not closed:
                self.skip_depth = 1
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            unwrap = not href.startswith("#")
            if not closed:
                self.links.append(unwrap)
            if unwrap:
                return
        self.out.append(f"<{tag}{self.attrs_text(attrs)}{' /' if closed else ''}>")
        self.raw = tag in self.RAW
        if tag == "main":
            self.out.append(self.banner)

    def handle_endtag(self, tag):
        if self.skip_depth:
            if tag not in self.VOID:
                self.skip_depth -= 1
            return
        self.raw = False
        if tag == "a" and self.links and self.links.pop():
            return
        if tag == "head":
            self.out.append(self.head)
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skip_depth:
            return
        self.out.append(data if self.raw else escape(self.redact(data), quote=False))

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_comment(self, data):
        pass  # template comments are internal notes


def redact_pack(html: str, banner: str, redact_names: bool, head: str = "", extra_names: str = "") -> str:
    """The pack's HTML as published: tools and internal links removed, names redacted if asked.

    `banner` goes first inside <main>, `head` (a <style>) last inside <head>; neither is rewritten.
    """
    rewriter = PackRewriter(Redactor(replacements(extra_names)) if redact_names else keep_text, banner, head)
    rewriter.feed(html)
    rewriter.close()
    return "".join(rewriter.out)
