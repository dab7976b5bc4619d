"""Reading an inspection report's numbered recommendations from pasted text.

Reports list them as numbered paragraphs ("- 1. Ensure that…", "1. Ensure…",
"1) Ensure…"), sometimes broken across a page ("…electronic files" / blank
lines / "properly evidence the work…"). The owner may paste just the list or
the whole report: when a "Recommendations" heading is present, reading starts
after it, and it stops at the next heading or at the first unnumbered paragraph
after a recommendation that ended its sentence.
"""

import re
from dataclasses import dataclass

NUMBERED = re.compile(r"^(?:[-*•■]\s*)?(\d{1,3})\s*[.)]\s+(\S.*)$")
HEADING = re.compile(r"^(?:#+\s*)?(?:\*\*)?\s*recommendations?\s*(?:\*\*)?:?$", re.IGNORECASE)
SENTENCE_END = (".", "!", "?", ".)", '."', ".”")


@dataclass(frozen=True)
class ParsedRecommendation:
    number: int
    text: str


class RecommendationTextError(ValueError):
    """The text cannot be read as numbered recommendations; the message says where."""


def _lines_after_heading(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if HEADING.match(line.strip()):
            return lines[index + 1 :]
    return lines


def _is_heading(line: str) -> bool:
    return line.startswith("#") or (line.startswith("**") and line.endswith("**"))


def parse_recommendations(text: str) -> list[ParsedRecommendation]:
    """One recommendation per number, in order, numbered 1, 2, 3… without gaps.

    >>> [r.number for r in parse_recommendations("1. Do this.\\n2. Do that.")]
    [1, 2]
    """
    lines = _lines_after_heading((text or "").splitlines())
    numbers: list[int] = []
    texts: list[list[str]] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not line:
            continue
        match = NUMBERED.match(line)
        if match:
            number = int(match[1])
            expected = numbers[-1] + 1 if numbers else 1
            if number != expected:
                if numbers and number <= numbers[-1]:
                    break  # a second numbered list (e.g. the report's paragraphs) after ours
                raise RecommendationTextError(
                    f'Recommendation {expected} is missing: the text jumps to {number} ("{line[:60]}").'
                )
            numbers.append(number)
            texts.append([match[2]])
            continue
        if not numbers:
            continue  # preamble before the first number
        if _is_heading(line) or texts[-1][-1].endswith(SENTENCE_END):
            break
        texts[-1].append(line.lstrip("-*• "))
    if not numbers:
        raise RecommendationTextError(
            'No numbered recommendations found: paste paragraphs that start "1.", "2." and so on.'
        )
    return [ParsedRecommendation(n, " ".join(parts)) for n, parts in zip(numbers, texts, strict=True)]
