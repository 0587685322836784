"""mkdocs hook: inline code never breaks a line inside an option or a lesson id at its hyphens.

Browsers break lines after a hyphen, so ``--random-cases`` could end a line with ``--random-``
and start the next with ``cases``, and ``--quick --device cpu`` could end one with ``-``: each
reads as something else. Every word of inline code that holds a hyphen is wrapped in
``<span class="nnl-token">`` (``white-space: nowrap`` in nnlessons.css), so lines break only at
the spaces between words; the text, and what a reader copies, is unchanged.
"""

from __future__ import annotations

import re

INLINE_CODE = re.compile(r"<code>([^<]*)</code>")  # code with no markup inside
PRE_BLOCK = re.compile(r"(<pre\b.*?</pre>)", re.S)  # code blocks keep their own layout
HYPHENATED_WORD = re.compile(r"[^\s]*-[^\s]*")
MAX_WORD = 40  # a longer "word" (a path, a URL) may still break, or it would widen a phone's page


def keep_words_whole(code: str) -> str:
    return HYPHENATED_WORD.sub(lambda m: f'<span class="nnl-token">{m.group()}</span>' if len(m.group()) <= MAX_WORD
                               else m.group(), code)


def mark_tokens(content: str) -> str:
    parts = PRE_BLOCK.split(content)  # odd items are <pre> blocks
    return "".join(part if i % 2 else INLINE_CODE.sub(lambda m: f"<code>{keep_words_whole(m.group(1))}</code>", part)
                   for i, part in enumerate(parts))


def on_page_content(content: str, page, config, files) -> str:
    return mark_tokens(content)
