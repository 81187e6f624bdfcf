# Django's Arabic formats set the short date (d/m/Y, with a right-to-left mark after each number
# so that it reads day first in a right-to-left line) but leave the short date-and-time and the
# date-and-time to the defaults, month first ("m/d/Y P", "N j, Y, P"). Dates read day/month/year
# in both languages here.
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
DATETIME_FORMAT = "j F\u060c Y H:i"
