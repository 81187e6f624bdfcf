"""Arabic pages, PDFs and messages: the same day/month/year as French (issue 18, item 8).

Django's own `ar` module leaves DATETIME_FORMAT and SHORT_DATETIME_FORMAT to the American
defaults ("m/d/Y P"), so 7 December read "12/07/2026"; and its SHORT_DATE_FORMAT puts right-to-left
marks around the slashes, which turns the date around on screen. Here every format is day first,
in Western digits, without marks: "07/12/2026" is one left-to-right number in an Arabic line.
"""

from residanat.formats.fr.formats import *  # noqa: F401,F403  (one source: only the words differ)

# Month names come from Django's Arabic catalogue; the order is the French one.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
